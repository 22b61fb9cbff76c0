"""The applicant's own copy of their data (``/dossiers/mine/data/``): one ZIP with
``data.json`` — their account, their dossiers with what the applicant may see of each
(the public trail, components, papers, supplements, apologies, rating), the log of
who read them and their document store — with the papers of those dossiers under
``papers/`` and the stored documents under ``store/``.

The archive is stored, not compressed: the papers (PDF, images, DOCX) are compressed
already. It is written to a temporary file that stays in memory up to EXPORT_SPOOL_BYTES
and moves to disk beyond, then streamed. Papers are added until they
reach settings.PERSONAL_DATA_EXPORT_MAX_BYTES; those beyond are listed in data.json with
``"in_archive": false`` and stay downloadable one by one from the dossier page."""

import json
import zipfile
from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import get_valid_filename

from ..models import CitizenDocument, Dossier, DossierRead
from ..public_trail import public_trail
from ..words import action_label, person

EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
COPY_CHUNK_BYTES = 1024 * 1024


def applicant_dossiers(user):
    """The dossiers the user filed (scoped first, like every list), with what the export
    reads of each: one query per relation, whatever the number of dossiers; the public
    trail is read per dossier through its one rule."""
    reads = DossierRead.objects.select_related("reader", "reader_unit").order_by("-at", "-pk")
    return (
        Dossier.objects.visible_to(user)
        .filter(applicant_user=user)
        .select_related("procedure", "receiving_unit", "handling_unit", "rating")
        .prefetch_related(
            "components",
            "attachments",
            "supplements",
            "apologies",
            Prefetch("reads", queryset=reads),
        )
        .order_by("created_at", "pk")
    )


def _account(user):
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "phone": user.phone,
        "id_number": user.id_number,
        "address": user.address,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _event(event):
    return {
        "at": event.at,
        "action": event.action,
        "label": str(action_label(event.action)),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "to_unit": event.to_unit.name if event.to_unit else "",
        "note": event.public_note,
    }


def _component(component):
    return {
        "name": component.name,
        "required": component.required,
        "handed_over": component.handed_over,
        "form": component.get_form_display(),
        "count": component.count,
        "digitised": component.digitised,
    }


def _read(read):
    return {
        "at": read.at,
        "reader": person(read.reader),
        "unit": read.reader_unit.name if read.reader_unit else "",
        "kind": read.get_kind_display(),
        "detail": read.detail,
        "reason": read.reason,
    }


def _rating(dossier):
    rating = getattr(dossier, "rating", None)
    if rating is None:
        return None
    return {"level": rating.get_level_display(), "comment": rating.comment, "at": rating.rated_at}


def _dossier(dossier, papers):
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "receiving_unit": dossier.receiving_unit.name,
        "handling_unit": dossier.handling_unit.name,
        "status": dossier.get_status_display(),
        "channel": dossier.get_channel_display(),
        "applicant": {
            "kind": dossier.get_applicant_kind_display(),
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "request": dossier.summary,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "resolved_at": dossier.resolved_at,
        "returned_at": dossier.returned_at,
        "personal_data_erased_at": dossier.personal_data_erased_at,
        "events": [_event(event) for event in public_trail(dossier)],
        "components": [_component(component) for component in dossier.components.all()],
        "papers": papers,
        "supplement_requests": [
            {"requested_at": s.requested_at, "reason": s.reason, "your_note": s.fulfilled_note}
            for s in dossier.supplements.all()
        ],
        "apologies": [
            {"issued_at": a.issued_at, "reason": a.reason, "new_appointment": a.new_appointment_at}
            for a in dossier.apologies.all()
        ],
        "rating": _rating(dossier),
        "reads": [_read(read) for read in dossier.reads.all()],
    }


class _Papers:
    """Writes papers into the archive while they fit under the cap."""

    def __init__(self, archive, limit):
        self.archive, self.room = archive, limit

    def add(self, dossier):
        return [self._add_attachment(dossier, item) for item in dossier.attachments.all()]

    def add_stored(self, document):
        entry = {
            "kind": document.kind,
            "number": document.number,
            "issuer": document.issuer,
            "issued_on": document.issued_on,
            "valid_until": document.valid_until,
            "source": document.get_source_display(),
            "name": document.original_name,
            "size": document.size,
            "added_at": document.added_at,
            "sha256": document.sha256,
        }
        return {**entry, **self._write("store", document)}

    def _add_attachment(self, dossier, item):
        entry = {
            "name": item.original_name,
            "kind": item.get_kind_display(),
            "size": item.size,
            "uploaded_at": item.uploaded_at,
            "sha256": item.sha256,
        }
        return {**entry, **self._write(f"papers/{get_valid_filename(dossier.code)}", item)}

    def _write(self, folder, item):
        """Copy ``item``'s file under ``folder`` if it fits: where it went, or that it did not."""
        if item.size > self.room:
            return {"in_archive": False}
        path = f"{folder}/{get_valid_filename(f'{item.pk}-{item.original_name}')}"
        try:
            with item.file.open("rb") as source, self.archive.open(path, "w") as target:
                while chunk := source.read(COPY_CHUNK_BYTES):
                    target.write(chunk)
        except OSError:
            return {"in_archive": False}
        self.room -= item.size
        return {"in_archive": True, "file": path}


def write_archive(user, target):
    """Write the user's archive into the binary file ``target``."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        papers = _Papers(archive, settings.PERSONAL_DATA_EXPORT_MAX_BYTES)
        dossiers = [_dossier(d, papers.add(d)) for d in applicant_dossiers(user)]
        data = {
            "generated_at": timezone.now(),
            "account": _account(user),
            "dossiers": dossiers,
            "document_store": [
                papers.add_stored(document)
                for document in CitizenDocument.objects.visible_to(user).order_by("added_at", "pk")
            ],
        }
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        archive.writestr("data.json", text)


def personal_archive(user):
    """(file, name): the user's archive, rewound, and its download name."""
    # Closed by the response that streams it.
    spool = SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115
    write_archive(user, spool)
    spool.seek(0)
    return spool, f"du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}.zip"
