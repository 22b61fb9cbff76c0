"""The leaders' dashboard: what it shows for a reader, a period and a unit.

Dossier figures are the flows of ``dashboard.flows`` (the nightly roll-up plus a live count
of the days after it, the same counts as ``dossiers.reporting.on_time.on_time_report``), so
they equal a direct count of the dossiers. "Overdue now" and "at risk" are live lists,
since they change by the minute. Every figure starts from what the reader may see: the
receiving units of ``dossiers.reporting.access.report_units`` and the dossiers of
``Dossier.objects.visible_to``. See docs/dashboard.md for the definitions.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Unit, UnitKind
from core.selectors import scored_units
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier
from dossiers.reporting.access import report_units
from dossiers.reporting.digitisation import digitisation_figures
from dossiers.reporting.on_time import ReportRow
from payments.selectors import payment_figures
from reform_index.selectors import results as index_results

from . import flows

LIST_LENGTH = 20
PRESETS = ("this_month", "this_quarter", "this_year")
# Units that never receive dossiers in their own name: a centre receives them for its
# parent, departments handle what a desk received.
NON_RECEIVING_KINDS = (UnitKind.CENTRE, UnitKind.DEPARTMENT)


# --- periods and scope ---------------------------------------------------------------------


def preset_period(name, today):
    """(first, last) of a named period ending today: this month, quarter or year."""
    if name == "this_month":
        first = today.replace(day=1)
    elif name == "this_quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    elif name == "this_year":
        first = date(today.year, 1, 1)
    else:
        raise ValueError(f"Unknown period {name!r}.")
    return first, today


def filter_units(user):
    """The units a user may narrow the dashboard to: the receiving units of their scope."""
    return report_units(user).exclude(kind__in=NON_RECEIVING_KINDS).order_by("path")


# --- the dashboard -------------------------------------------------------------------------


@dataclass
class LiveList:
    """A live list of dossiers: its full size and its first rows."""

    count: int
    rows: list


@dataclass
class Ranking:
    year: int
    title: str
    rows: list  # reform_index.selectors.results.RankingRow, best first


@dataclass
class DashboardFigures:
    first: date
    last: date
    unit: Unit | None
    totals: ReportRow
    comparison: list
    by_unit: list
    by_field: list
    by_month: list
    overdue: LiveList
    at_risk: LiveList
    at_risk_hours: int
    ranking: Ranking | None
    now: datetime
    digitisation: list  # dossiers.reporting.digitisation.DigitisationRow per receiving unit
    payments: list  # payments.selectors.PaymentRow per receiving unit


def dashboard_figures(user, first, last, unit=None, now=None):
    """Everything the dashboard shows for ``user`` over days first..last (days after
    today count nothing yet), optionally narrowed to ``unit`` and below. The number of
    queries does not grow with the data."""
    now = now or timezone.now()
    last = min(last, timezone.localdate(now))
    unit_ids = list(report_units(user, within=unit).values_list("pk", flat=True))
    table = flows.flow_table(first, last, unit_ids)
    scoped = Dossier.objects.visible_to(user).filter(receiving_unit__in=unit_ids)
    by_unit = flows.rows_by(table, flows.UNIT)
    return DashboardFigures(
        first=first,
        last=last,
        unit=unit,
        totals=combine(by_unit, "", _("All units")),
        comparison=town_and_wards(by_unit),
        by_unit=by_unit,
        by_field=flows.rows_by(table, flows.FIELD),
        by_month=flows.rows_by_month(table, first, last),
        overdue=_live_list(dossier_selectors.overdue(user, now), unit, "due_at"),
        at_risk=_live_list(dossier_selectors.due_soon(user, now), unit, "due_at"),
        at_risk_hours=settings.ONESTOP_DUE_SOON_HOURS,
        ranking=latest_ranking(),
        now=now,
        digitisation=digitisation_figures(first, last, scoped),
        payments=payment_figures(first, last, scoped),
    )


def combine(rows, code, name):
    """One ReportRow adding up the flows of ``rows`` (rates follow from the sums)."""
    counts = [sum(getattr(row, flow) for row in rows) for flow in flows.FLOWS]
    return flows.report_row(None, code, name, counts)


def town_and_wards(by_unit):
    """The town's own desk against its wards and communes (the units the index scores):
    two combined rows, each only when it has units in the figures."""
    ward_ids = set(scored_units().values_list("pk", flat=True))
    town = [row for row in by_unit if row.key not in ward_ids]
    wards = [row for row in by_unit if row.key in ward_ids]
    groups = []
    if town:
        groups.append(combine(town, "town", ", ".join(row.name for row in town)))
    if wards:
        label = _("Wards and communes (%(count)s)") % {"count": len(wards)}
        groups.append(combine(wards, "wards", label))
    return groups


def _live_list(dossiers, unit, order):
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit__in=Unit.objects.subtree(unit).values("pk"))
    count = dossiers.count()
    if not count:
        # Asked for its first rows in due order, PostgreSQL walks the due-time index and
        # reads far when hardly anything matches; the count already says there is none.
        return LiveList(count=0, rows=[])
    return LiveList(
        count=count,
        rows=list(dossiers.select_related("procedure").order_by(order, "pk")[:LIST_LENGTH]),
    )


def latest_ranking():
    """The ranking of the latest published scorecard, frozen at its publication."""
    scorecard = index_results.latest_published()
    if scorecard is None:
        return None
    return Ranking(scorecard.year, scorecard.title, index_results.ranking(scorecard))
