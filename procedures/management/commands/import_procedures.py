from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedures.importer import FORMATS, ImportFileError, read_records
from procedures.services.importing import import_records


class Command(BaseCommand):
    help = (
        "Import national procedure records (a JSON array, or the flat CSV) into the "
        "catalogue, upserting by code. All or nothing unless --partial."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON or CSV file")
        parser.add_argument(
            "--format", choices=FORMATS, help="the file's format (default: from its name)"
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="keep the good records when some are rejected (default: save nothing)",
        )
        parser.add_argument(
            "--progress-every", type=int, default=100, metavar="N", help="report every N records"
        )

    def handle(self, *args, file, format, partial, progress_every, **options):
        try:
            records = read_records(file, format)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Read %(count)s records from %(file)s.") % {"count": len(records), "file": file}
        )
        report = import_records(
            records, atomic=not partial, progress=self._progress, every=max(progress_every, 1)
        )
        for note in report.warnings:
            self.stdout.write(self.style.WARNING(str(note)))
        for note in report.rejected:
            self.stderr.write(self.style.ERROR(str(note)))
        self.stdout.write(report.summary())
        if report.rejected and report.written:
            raise CommandError(
                _("%(count)s records were rejected; the others were saved.")
                % {"count": len(report.rejected)}
            )
        if report.rejected:
            raise CommandError(
                _(
                    "%(count)s records were rejected, so nothing was saved. Correct them, or "
                    "import with --partial to keep the good ones."
                )
                % {"count": len(report.rejected)}
            )

    def _progress(self, done, total):
        self.stdout.write(_("  %(done)s/%(total)s records read") % {"done": done, "total": total})
