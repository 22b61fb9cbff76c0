"""The transparency figures as open data: flat records with documented, stable columns
(``/transparency/data.csv`` and ``data.json``; docs/dashboard.md lists them)."""

from django.utils.translation import gettext as _

OPEN_DATA_COLUMNS = [
    "row_type",
    "unit_code",
    "unit_name",
    "year",
    "period_start",
    "period_end",
    "received",
    "finished",
    "finished_on_time",
    "on_time_rate",
    "average_handling_working_days",
    "ratings",
    "satisfied_ratings",
    "satisfaction_rate",
    "published_procedures",
]


def open_data_rows(figures):
    """The figures as flat records with the documented, stable columns: one per unit,
    then the total."""
    records = [_open_record(figures, row, "unit") for row in figures.rows]
    total = _open_record(figures, figures.total, "total")
    total["unit_name"] = _("All units")
    return [*records, total]


def _open_record(figures, row, row_type):
    values = [
        row_type,
        row.code,
        str(row.name),
        figures.year,
        figures.first.isoformat(),
        figures.last.isoformat(),
        row.received,
        row.finished,
        row.finished_on_time,
        row.on_time_rate,
        row.average_handling_days,
        row.rated,
        row.satisfied,
        row.satisfaction_rate,
        row.published_procedures,
    ]
    return dict(zip(OPEN_DATA_COLUMNS, values, strict=True))
