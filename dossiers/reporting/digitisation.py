"""Digitisation figures per receiving unit and period (Circular 01/2023; the service index's
indicators of digitised dossiers and reused data): the one selector behind the API and any
page that shows them. Two queries whatever the number of units or dossiers."""

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import DossierComponent, fully_digitised_expression
from .counting import received


@dataclass
class DigitisationRow:
    code: str
    name: str
    received: int = 0  # dossiers received in the period
    fully_digitised: int = 0  # of those, with no paper left to scan
    components: int = 0  # papers received with them
    components_digitised: int = 0  # scanned (or reused: already held digitised)
    components_exempt: int = 0  # needing no scan (Circular 03/2025)
    reused: int = 0  # taken from data already held instead of a new paper

    @property
    def fully_digitised_rate(self):
        return round(100 * self.fully_digitised / self.received, 1) if self.received else None


def digitisation_figures(first, last, dossiers):
    """Rows per receiving unit for the dossiers of ``dossiers`` (start from
    ``Dossier.objects.visible_to(user)``) received in days first..last, by unit code."""
    period = received(first, last, dossiers)
    unit = ("receiving_unit__code", "receiving_unit__name")
    rows = {}
    for line in (
        period.values(*unit)
        .annotate(
            received=Count("pk"),
            fully_digitised=Count("pk", filter=Q(fully_digitised_expression())),
        )
        .order_by()
    ):
        rows[line[unit[0]]] = DigitisationRow(
            line[unit[0]], line[unit[1]], line["received"], line["fully_digitised"]
        )
    papers = DossierComponent.objects.filter(dossier__in=period.values("pk"), handed_over=True)
    for line in (
        papers.values("dossier__receiving_unit__code")
        .annotate(
            components=Count("pk"),
            components_digitised=Count("pk", filter=Q(digitised=True)),
            components_exempt=Count("pk", filter=~Q(exemption="")),
            reused=Count("pk", filter=Q(reused=True)),
        )
        .order_by()
    ):
        row = rows[line.pop("dossier__receiving_unit__code")]
        for name, value in line.items():
            setattr(row, name, value)
    return sorted(rows.values(), key=lambda row: row.code)
