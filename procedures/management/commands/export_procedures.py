import sys
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from procedures.importer import FORMATS, export_queryset, file_format, write_records


class Command(BaseCommand):
    help = "Write the catalogue as national procedure records (JSON array or flat CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", help='the file to write, or "-" for standard output')
        parser.add_argument(
            "--format", choices=FORMATS, help="the file's format (default: from its name)"
        )

    def handle(self, *args, file, format, **options):
        with _output(file) as stream:
            count = write_records(export_queryset(), stream, file_format(file, format))
        if file != "-":
            self.stdout.write(
                _("Wrote %(count)s procedures to %(file)s.") % {"count": count, "file": file}
            )


@contextmanager
def _output(file):
    if file == "-":
        yield sys.stdout
        return
    with open(file, "w", encoding="utf-8", newline="") as stream:
        yield stream
