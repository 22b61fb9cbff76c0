"""Digitisation figures per receiving unit and period (Circular 01/2023; the service index's
indicators 4.1 electronic results, 4.2 digitised dossiers and 4.3 reused data): the one
selector behind the API and the dashboard. Three queries whatever the number of units or
dossiers."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from ..models import DossierComponent, ElectronicResult, fully_digitised_expression
from .counting import finished, received


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
    dossiers_reusing: int = 0  # dossiers received with at least one paper reused
    resolved: int = 0  # dossiers resolved in the period
    electronic_results: int = 0  # of those, with a signed electronic result

    @property
    def fully_digitised_rate(self):
        return _rate(self.fully_digitised, self.received)

    @property
    def reuse_rate(self):
        return _rate(self.dossiers_reusing, self.received)

    @property
    def electronic_result_rate(self):
        return _rate(self.electronic_results, self.resolved)


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


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
            dossiers_reusing=Count("pk", filter=Q(Exists(_reused_paper))),
        )
        .order_by()
    ):
        code, name = line.pop(unit[0]), line.pop(unit[1])
        rows[code] = DigitisationRow(code, name, **line)
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
    for line in (
        finished(first, last, dossiers)
        .values(*unit)
        .annotate(
            resolved=Count("pk"),
            electronic_results=Count("pk", filter=Q(Exists(_electronic_result))),
        )
        .order_by()
    ):
        code, name = line.pop(unit[0]), line.pop(unit[1])
        row = rows.setdefault(code, DigitisationRow(code, name))
        row.resolved, row.electronic_results = line["resolved"], line["electronic_results"]
    return sorted(rows.values(), key=lambda row: row.code)


_reused_paper = DossierComponent.objects.filter(dossier=OuterRef("pk"), reused=True)
_electronic_result = ElectronicResult.objects.filter(dossier=OuterRef("pk"))
