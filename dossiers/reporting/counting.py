"""What the reports count: the one definition of the dossiers received, finished (early, on
time or late, late with an apology), left and falling due over a period of local days, and
of the ratings given in it (DESIGN §3.4, §3.7).

The roll-up stores these counts, the on-time report, the dashboard and the transparency page
read them, and the reform index's metrics filter the same querysets with the same
conditions, so no two figures can disagree on what "on time" means.
"""

from datetime import datetime, time, timedelta

from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate

from core.workdays import TZ, Verdict
from procedures.models import Channel

from ..models import DUE_FALLS, Dossier, Rating, Satisfaction

FLOW_FIELDS = [
    "received",
    "received_online",
    "finished",
    "early",
    "on_time",
    "late",
    "late_with_apology",
    "left",
    "left_overdue",
    "due_fell",
    "rated",
    "satisfied",
    "dissatisfied",
]
# Every flow is keyed by receiving unit, field, procedure and local day.
KEY = ("k_unit", "k_field", "k_procedure", "k_day")

# The verdicts of a finished dossier; "in time" is early or on time. An apology moves the
# citizen's appointment, not the verdict: a late dossier with an apology is still late.
EARLY = Q(verdict=Verdict.EARLY)
ON_TIME = Q(verdict=Verdict.ON_TIME)
IN_TIME = Q(verdict__in=[Verdict.EARLY, Verdict.ON_TIME])
LATE = Q(verdict=Verdict.LATE)
WITH_APOLOGY = Q(apology_count__gt=0)
ONLINE = Q(channel=Channel.ONLINE)
# A rating counts as satisfied unless it says dissatisfied.
SATISFIED_LEVELS = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


def day_bounds(first, last):
    """[start of ``first``, start of the day after ``last``) as aware local instants."""
    return (
        datetime.combine(first, time.min, tzinfo=TZ),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=TZ),
    )


def received(first, last, dossiers=None):
    """The dossiers (of ``dossiers``, default all) received in days first..last."""
    start, end = day_bounds(first, last)
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    return dossiers.filter(received_at__gte=start, received_at__lt=end)


def finished_in(first, last):
    """The condition of ``finished``, for a query that combines it with others."""
    start, end = day_bounds(first, last)
    return Q(received_at__isnull=False, resolved_at__gte=start, resolved_at__lt=end)


def finished(first, last, dossiers=None):
    """The received dossiers (of ``dossiers``, default all) resolved in days first..last:
    the ones judged early, on time or late."""
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    return dossiers.filter(finished_in(first, last))


def ratings(first, last, dossiers=None):
    """The ratings given in days first..last (to ``dossiers`` only, when given)."""
    start, end = day_bounds(first, last)
    given = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if dossiers is not None and dossiers.query.where:
        given = given.filter(dossier__in=dossiers)
    return given


def _local_day(column):
    return TruncDate(column, tzinfo=TZ)


def _keyed(queryset, day_column, grouped, prefix="", **counted):
    """Key ``queryset`` by receiving unit, field, procedure and local day and select every
    flow under a stable name (0 for those this query does not count), so the queries can
    be summed together, in Python or in one SQL statement. ``counted`` maps each flow it
    counts to the condition a row must meet (None: every row). Grouped, each flow is a
    count per key; otherwise each row carries a 1 or 0 per flow, for one grouping over
    every query at once."""
    keyed = queryset.annotate(
        k_unit=F(f"{prefix}receiving_unit_id"),
        k_field=F(f"{prefix}procedure__field_id"),
        k_procedure=F(f"{prefix}procedure_id"),
        k_day=_local_day(day_column),
    )
    zeros = {name: Value(0) for name in FLOW_FIELDS if name not in counted}
    if grouped:
        flows = {name: Count("id", filter=condition) for name, condition in counted.items()}
        return keyed.values(*KEY).annotate(**flows, **zeros).order_by()
    marks = {
        name: Value(1) if condition is None else Case(When(condition, then=1), default=0)
        for name, condition in counted.items()
    }
    return keyed.annotate(**marks, **zeros).values(*KEY, *FLOW_FIELDS).order_by()


def flow_queries(first, last, dossiers, grouped=True):
    """The queries counting every flow of days first..last over ``dossiers``, keyed as
    ``_keyed`` describes: receipts, results and verdicts, departures, due times falling,
    ratings."""
    start, end = day_bounds(first, last)
    left = dossiers.filter(received_at__isnull=False).annotate(
        left_at=Coalesce("resolved_at", "closed_at")
    )
    dissatisfied = Q(level=Satisfaction.DISSATISFIED)
    return [
        _keyed(
            received(first, last, dossiers),
            "received_at",
            grouped,
            received=None,
            received_online=ONLINE,
        ),
        _keyed(
            finished(first, last, dossiers),
            "resolved_at",
            grouped,
            finished=None,
            early=EARLY,
            on_time=ON_TIME,
            late=LATE,
            late_with_apology=LATE & WITH_APOLOGY,
        ),
        _keyed(
            left.filter(left_at__gte=start, left_at__lt=end),
            "left_at",
            grouped,
            left=None,
            left_overdue=Q(left_at__gt=F("due_at")),
        ),
        _keyed(
            left.filter(DUE_FALLS, due_at__gte=start, due_at__lt=end),
            "due_at",
            grouped,
            due_fell=None,
        ),
        _keyed(
            ratings(first, last, dossiers),
            "rated_at",
            grouped,
            prefix="dossier__",
            rated=None,
            satisfied=Q(level__in=SATISFIED_LEVELS),
            dissatisfied=dissatisfied,
        ),
    ]
