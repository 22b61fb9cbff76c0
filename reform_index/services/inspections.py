"""Discipline inspections (kiểm tra công vụ): recording, checking and publishing them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Inspection, InspectionKind
from .access import Refused, can_manage, require

INSPECTION_FIELDS = (
    "unit",
    "date",
    "team",
    "kind",
    "findings",
    "violations",
    "follow_up",
    "published",
)


@transaction.atomic
def save_inspection(actor, values, inspection=None, today=None):
    """Record an inspection (a new or unsaved one when ``inspection`` is None or has no
    id) or change one: ``values`` holds the model's fields, the unit as a Unit.
    Violations need findings that describe them; the date cannot be in the future."""
    require(can_manage(actor), _("Only reform index officers can record inspections."))
    unknown = sorted(set(values) - set(INSPECTION_FIELDS))
    if unknown:
        raise Refused(errors={name: [_("This field cannot be changed.")] for name in unknown})
    inspection = inspection or Inspection()
    if inspection.pk is None:
        inspection.created_by = actor
    for name, value in values.items():
        setattr(inspection, name, value)
    problems = inspection_problems(inspection, today or timezone.localdate())
    if problems:
        raise Refused(errors=problems)
    inspection.save()
    return inspection


def inspection_problems(inspection, today):
    problems = {}
    if inspection.unit_id is None:
        problems["unit"] = [_("Choose the inspected unit.")]
    if inspection.date is None:
        problems["date"] = [_("Enter the date of the inspection.")]
    elif inspection.date > today:
        problems["date"] = [_("An inspection is recorded after it took place.")]
    if not (inspection.team or "").strip():
        problems["team"] = [_("Name the inspection team.")]
    if inspection.kind not in InspectionKind.values:
        problems["kind"] = [_("Choose scheduled or unannounced.")]
    violations = inspection.violations
    if (
        isinstance(violations, bool)
        or not isinstance(violations, int)
        or not 0 <= violations <= 999
    ):
        problems["violations"] = [_("Enter the number of violations, from 0 to 999.")]
    elif violations and not (inspection.findings or "").strip():
        problems["findings"] = [_("Describe the violations found.")]
    return problems


@transaction.atomic
def set_inspection_published(inspection, actor, published):
    require(can_manage(actor), _("Only reform index officers can publish inspections."))
    Inspection.objects.filter(pk=inspection.pk).update(published=published)
    inspection.published = published
    return inspection
