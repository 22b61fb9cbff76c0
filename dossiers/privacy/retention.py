"""Retention (docs/privacy.md): once a dossier is finished (refused, stopped or returned)
and its retention period has passed — its procedure's ``retention_years``, else
settings.PERSONAL_DATA_RETENTION_YEARS — its personal data is erased: the applicant's
name is replaced by a mark, the ID number, phone, e-mail, address, request text and the
applicant's own notes are blanked, the link to their account is cut, the addresses the
notifications went to are blanked and the papers are deleted from storage.

What the statistics read stays: status, every date, the verdict, the units, procedure,
channel, steps and components (without their scans), the rating's level and the read log.
So the on-time figures, the roll-ups and the dashboard are the same before and after.

``erase_expired`` works in batches, each in its own transaction with its dossiers locked
(skipping those another worker holds), and only on dossiers not erased yet: a second run
finds nothing to do, a run stopped half-way is finished by the next."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from procedures.models import Procedure

from ..models import (
    FINAL_STATUSES,
    Attachment,
    CitizenDocument,
    Dossier,
    DossierEvent,
    Notification,
    Rating,
    SupplementRequest,
)
from ..workflow import Action

# What an erased applicant's name becomes: the same in every language, never a name.
ERASED_NAME = "***"
BATCH_SIZE = 200
# The events whose note is the applicant's words, even when an officer typed it for them
# (the officers' own notes are the office's record).
APPLICANT_NOTES = frozenset(
    {Action.FILE_ONLINE, Action.SUPPLEMENT, Action.REQUEST_WITHDRAWAL, Action.RATE}
)
ERASED_FIELDS = {
    "applicant_name": ERASED_NAME,
    "applicant_id_number": "",
    "applicant_phone": "",
    "applicant_email": "",
    "applicant_address": "",
    "summary": "",
    "applicant_user": None,
}


def years_before(moment, years):
    """The same local wall-clock moment ``years`` earlier (29 February → 28 February)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - years)
    except ValueError:
        return local.replace(year=local.year - years, day=28)


def expired(now):
    """The finished dossiers, not erased yet, whose retention period ended before ``now``:
    closed before ``now`` minus their procedure's years (or the default)."""
    default = settings.PERSONAL_DATA_RETENTION_YEARS
    rule = Q(procedure__retention_years=None, closed_at__lt=years_before(now, default))
    own_years = (
        Procedure.objects.exclude(retention_years=None)
        .order_by()
        .values_list("retention_years", flat=True)
        .distinct()
    )
    for years in own_years:
        rule |= Q(procedure__retention_years=years, closed_at__lt=years_before(now, years))
    return Dossier.objects.filter(
        rule, status__in=FINAL_STATUSES, personal_data_erased_at__isnull=True
    )


def erase_expired(now=None, batch_size=BATCH_SIZE):
    """Erase the personal data of every expired dossier, a batch at a time; returns how
    many dossiers were erased."""
    now = now or timezone.now()
    erased = 0
    while True:
        with transaction.atomic():
            ids = list(
                expired(now)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return erased
            _erase(ids, now)
        erased += len(ids)


def _erase(ids, now):
    # The papers go first: if the transaction fails after, the dossiers stay unerased
    # and the next run deletes what is left (deleting a missing file is no error).
    # A file the citizen's own store holds too (a reused paper, a result) stays for them.
    papers = Attachment.objects.filter(dossier_id__in=ids)
    storage = Attachment._meta.get_field("file").storage
    names = set(papers.exclude(file="").values_list("file", flat=True))
    names -= set(CitizenDocument.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names:
        storage.delete(name)
    papers.delete()
    DossierEvent.objects.filter(dossier_id__in=ids, action__in=APPLICANT_NOTES).update(note="")
    SupplementRequest.objects.filter(dossier_id__in=ids).update(fulfilled_note="")
    Rating.objects.filter(dossier_id__in=ids).update(comment="")
    Notification.objects.filter(dossier_id__in=ids).update(recipient="")
    Dossier.objects.filter(pk__in=ids).update(**ERASED_FIELDS, personal_data_erased_at=now)
