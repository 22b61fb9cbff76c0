"""The dashboard's figures as plain JSON data (``/dashboard/data.json``, and the page's
charts)."""

from django.utils import timezone

from core.workdays import TZ
from dossiers.words import person

from . import flows


def dashboard_payload(figures):
    """The dashboard's figures as plain JSON data (``/dashboard/data.json``)."""
    return {
        "from": figures.first.isoformat(),
        "to": figures.last.isoformat(),
        "unit": figures.unit.code if figures.unit else None,
        "generated_at": timezone.localtime(figures.now, TZ).isoformat(),
        "totals": _row_data(figures.totals),
        "comparison": [_row_data(row) for row in figures.comparison],
        "units": [_row_data(row) for row in figures.by_unit],
        "fields": [_row_data(row) for row in figures.by_field],
        "months": [_row_data(row) for row in figures.by_month],
        "overdue": _live_data(figures.overdue),
        "at_risk": {**_live_data(figures.at_risk), "hours": figures.at_risk_hours},
        "ranking": _ranking_data(figures.ranking),
        "digitisation": [_digitisation_data(row) for row in figures.digitisation],
        "payments": [_payment_data(row) for row in figures.payments],
    }


def _payment_data(row):
    return {
        **{name: getattr(row, name) for name in PAYMENT_FIGURES},
        "online_share": row.online_share,
    }


PAYMENT_FIGURES = ("code", "name", "requested", "paid_online", "paid_at_counter", "collected")


def _digitisation_data(row):
    return {
        **{name: getattr(row, name) for name in DIGITISATION_FIGURES},
        "fully_digitised_rate": row.fully_digitised_rate,
        "reuse_rate": row.reuse_rate,
        "electronic_result_rate": row.electronic_result_rate,
    }


DIGITISATION_FIGURES = (
    "code",
    "name",
    "received",
    "fully_digitised",
    "components",
    "components_digitised",
    "components_exempt",
    "reused",
    "dossiers_reusing",
    "resolved",
    "electronic_results",
)


def _row_data(row):
    return {
        "code": str(row.code),
        "name": str(row.name),
        **{flow: getattr(row, flow) for flow in flows.FLOWS},
        "on_time_rate": row.on_time_rate,
        "online_share": row.online_share,
        "satisfaction_rate": row.satisfaction_rate,
    }


def _live_data(live):
    return {
        "count": live.count,
        "dossiers": [
            {
                "code": dossier.code,
                "procedure": dossier.procedure.name,
                "receiving_unit": dossier.receiving_unit.code,
                "handling_unit": dossier.handling_unit.display_name,
                "handler": person(dossier.handler) or None,
                "due_at": timezone.localtime(dossier.due_at, TZ).isoformat(),
            }
            for dossier in live.rows
        ],
    }


def _ranking_data(ranking):
    if ranking is None:
        return None
    return {
        "year": ranking.year,
        "title": ranking.title,
        "rows": [
            {
                "rank": row.rank,
                "unit": row.unit_code,
                "name": row.unit_name,
                "total": None if row.total is None else float(row.total),
                "grade": row.grade,
                "change": row.change,
            }
            for row in ranking.rows
        ],
    }
