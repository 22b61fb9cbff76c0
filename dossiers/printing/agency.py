"""Who issues a printed form: the agency header, where it signs and how to reach its desk,
all read from the unit tree, never from code."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.models import Unit, UnitKind

from .words import place_name, without_committee

# Units headed by a people's committee; other units (offices, desks) sit under one.
COMMITTEE_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.COMMUNE})


@dataclass(frozen=True)
class Agency:
    """Who issues a form: the header's two lines, where it signs, how to reach its desk."""

    governing: str  # "Ủy ban nhân dân Thị xã Sơn Tây" (printed in capitals)
    issuing: str  # "Bộ phận Một cửa" or "Phòng Tư pháp"
    place: str
    address: str
    phone: str


def agency_of(unit):
    """The agency header of ``unit``: a people's committee issues through its one-stop desk;
    an office or a desk issues under the committee it belongs to."""
    if unit.kind in COMMITTEE_KINDS:
        committee = unit
        desk = (
            Unit.objects.filter(parent=unit, kind=UnitKind.CENTRE, is_active=True)
            .order_by("path")
            .first()
        )
        issuing = desk.name if desk else _("One-stop desk")
        contact = desk or unit
    else:
        committee = _nearest_committee(unit)
        issuing = unit.name
        contact = unit
    governing = ""
    if committee.kind in COMMITTEE_KINDS:
        # The committee's own name, whether or not the unit's name already says so.
        governing = _("People's Committee of %(unit)s") % {
            "unit": without_committee(committee.name)
        }
    elif committee.parent_id:
        governing = committee.parent.name
    return Agency(
        governing=governing,
        issuing=issuing,
        place=place_name(committee),
        address=contact.address or committee.address,
        phone=contact.phone or committee.phone,
    )


def signing_agency(unit):
    """Who signs a result of ``unit`` as an agency: the people's committee it is, or the
    nearest one it belongs to (an office's results are the committee's decisions)."""
    return unit if unit.kind in COMMITTEE_KINDS else _nearest_committee(unit)


def _nearest_committee(unit):
    committees = [ancestor for ancestor in unit.ancestors() if ancestor.kind in COMMITTEE_KINDS]
    return committees[-1] if committees else unit


def issuer(user, fallback):
    """The unit a form is issued by: the unit of the officer who acted, else ``fallback``
    (an administrator acting without a unit)."""
    return user.unit if user is not None and user.unit_id else fallback
