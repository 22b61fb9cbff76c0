"""The versions of a procedure's terms: what a dossier is received under, frozen so that
later catalogue edits never change it."""

import json
from decimal import Decimal

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from ..catalogue_cache import CATALOGUE_CACHE_TIMEOUT, CATALOGUE_VERSION_KEY, catalogue_version
from ..models import Procedure, ProcedureVersion
from ..records.amounts import plain_number

# Model fields a document row is compared and written on; its form file stays as staff
# uploaded it.
DOCUMENT_FIELDS = [
    "case",
    "name",
    "originals",
    "copies",
    "form_name",
    "form_url",
    "is_required",
    "kind",
]


def terms_snapshot(procedure):
    """The terms a dossier is received under, as JSON: what must never change under an
    earlier dossier when the catalogue is edited."""
    snapshot = {
        "code": procedure.code,
        "name": procedure.name,
        "field": {"code": procedure.field.code, "name": procedure.field.name},
        "level": procedure.level,
        "time_limit": {
            "amount": plain_number(Decimal(procedure.time_limit_amount)),
            "unit": procedure.time_limit_unit,
            "cutoff": procedure.same_day_cutoff,
            "note": procedure.time_limit_note,
            "stated": procedure.time_limit_stated,
        },
        "channel_terms": procedure.channel_terms,
        "fees": {
            "amount": plain_number(Decimal(procedure.fee_amount)),
            "description": procedure.fee_description,
        },
        "documents": [
            {
                "id": document.pk,
                **{name: getattr(document, name) for name in DOCUMENT_FIELDS},
                "form_file": document.form_file.name or "",
            }
            for document in procedure.documents.order_by("order", "pk")
        ],
        "workflow": [
            {
                "order": step.order,
                "name": step.name,
                "unit": step.unit.code if step.unit else None,
                "role": step.role,
                "share": plain_number(Decimal(step.share)),
            }
            for step in procedure.workflow.select_related("unit").order_by("order", "pk")
        ],
        "online_level": procedure.online_level,
        "effective_date": procedure.effective_date,
    }
    # Stored JSON reads back with strings for times and dates; compare like with like.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def current_version(procedure):
    """The version a dossier received now is received under: the latest one if the
    procedure's present terms are still those, else a new version numbered next. Dossiers
    keep the version they got, so later edits never change what they were received under.

    Comparing the terms costs four queries, so the answer is remembered under the
    catalogue's stamp, which every catalogue change replaces."""
    # The stamp is read before the terms: an answer computed from terms older than the
    # stamp it is filed under could outlive the change that replaced them.
    stamp, remembered = _remembered_version(procedure.pk)
    if remembered is not None:
        return remembered
    present = Procedure.objects.select_related("field").get(pk=procedure.pk)
    # The everyday case needs no lock and writes nothing.
    version = _latest_if_unchanged(present) or _new_version(procedure)
    # Only a committed version may be handed to other requests.
    transaction.on_commit(
        lambda: cache.set(_version_key(procedure.pk), (stamp, version), CATALOGUE_CACHE_TIMEOUT)
    )
    return version


def _version_key(procedure_pk):
    return f"procedures:current-version:{procedure_pk}"


def _remembered_version(procedure_pk):
    """The catalogue's stamp and the version remembered under it (None if none is)."""
    key = _version_key(procedure_pk)
    found = cache.get_many([CATALOGUE_VERSION_KEY, key])
    stamp = found.get(CATALOGUE_VERSION_KEY)
    if stamp is None:
        return catalogue_version(), None
    remembered_stamp, version = found.get(key, (None, None))
    return stamp, version if remembered_stamp == stamp else None


def _latest_if_unchanged(procedure):
    latest = procedure.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == terms_snapshot(procedure):
        return latest
    return None


@transaction.atomic
def _new_version(procedure):
    # The lock makes concurrent intakes of one procedure agree on a single new version. It
    # must not block the key-share locks that other intakes' inserts take on the procedure
    # row (they may hold their desk's number, which this intake waits for next).
    locked = Procedure.objects.select_for_update(no_key=True).get(pk=procedure.pk)
    found = _latest_if_unchanged(locked)
    if found is not None:
        return found  # another intake made it while this one waited for the lock
    latest = locked.versions.order_by("-number").first()
    number = latest.number + 1 if latest else 1
    return ProcedureVersion.objects.create(
        procedure=locked, number=number, snapshot=terms_snapshot(locked)
    )
