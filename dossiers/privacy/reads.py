"""The read log: every staff read of a dossier's personal data or papers — its page, its
API record, a printed form, a paper downloaded, a line of an export — is one
``DossierRead``, written in the request that reads (docs/privacy.md). The doors call
``record_read`` (one dossier) or ``record_reads`` (an export); both decide here who is
logged: staff and superusers, never the applicant reading their own dossier, never the
public lookup (it has no user)."""

import re
from itertools import islice

from django.conf import settings
from django.utils import timezone, translation

from core.roles import STAFF_ROLES

from ..models import DossierRead

# The query parameter in which a reader may say why they read (pages and the API).
REASON_PARAMETER = "reason"
REASON_MAX_LENGTH = DossierRead._meta.get_field("reason").max_length
DETAIL_MAX_LENGTH = DossierRead._meta.get_field("detail").max_length
# Rows written per INSERT by ``record_reads``: an export of up to this many dossiers
# costs one query for their ids and one for the log, whatever its size.
READ_BATCH_SIZE = 5000
# PostgreSQL refuses NUL in text; other control characters have no place in a log line.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def is_logged_reader(user):
    """Whose reads are logged: staff (any staff role) and superusers."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*STAFF_ROLES))


def _clean(text, length):
    # Written in the site's language (a form's title, an export's name), whoever reads.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(text or "")
    return _CONTROL.sub(" ", text).strip()[:length]


def reason_of(request):
    """The reason the reader gave with the request (``?reason=…``), cleaned; "" if none."""
    return _clean(request.GET.get(REASON_PARAMETER, ""), REASON_MAX_LENGTH)


def _read(user, dossier_id, kind, detail, reason, at):
    return DossierRead(
        dossier_id=dossier_id,
        reader=user,
        reader_unit_id=user.unit_id,
        at=at,
        kind=kind,
        detail=_clean(detail, DETAIL_MAX_LENGTH),
        reason=_clean(reason, REASON_MAX_LENGTH),
    )


def record_read(user, dossier, kind, detail="", reason=""):
    """Log that ``user`` read ``dossier`` (a ``ReadKind``; ``detail`` says which paper or
    form). Returns the row, or None when the read is not logged. A failed insert is not
    caught: the read fails with it."""
    if not is_logged_reader(user) or dossier.applicant_user_id == user.pk:
        return None
    read = _read(user, dossier.pk, kind, detail, reason, timezone.now())
    read.save()
    return read


def record_reads(user, dossiers, kind, detail="", reason=""):
    """Log one read per dossier of the queryset ``dossiers`` (an export), in bulk: one
    query for the ids, one INSERT per READ_BATCH_SIZE rows. Returns how many were logged."""
    if not is_logged_reader(user):
        return 0
    # The ids are small; the rows are built a batch at a time.
    ids = iter(dossiers.exclude(applicant_user=user).order_by().values_list("pk", flat=True))
    at, logged = timezone.now(), 0
    while pks := list(islice(ids, READ_BATCH_SIZE)):
        DossierRead.objects.bulk_create([_read(user, pk, kind, detail, reason, at) for pk in pks])
        logged += len(pks)
    return logged


def reads_of(dossier):
    """The dossier's read log, newest first, with the reader and their unit then."""
    return dossier.reads.select_related("reader", "reader_unit").order_by("-at", "-pk")
