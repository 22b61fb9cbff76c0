"""Points, results and the ranking of the reform index.

Points of a leaf criterion ("final points"): the computed ``auto_points`` for an
automatic one; for a manual one the appraised points, or the unit's own points while the
appraisal has not set them (an assessment is only closed, and a scorecard only published,
once every manual leaf is appraised). A published scorecard reads its frozen
``total``/``rank``/``grade``; any other scorecard gets provisional results computed the
way publication will compute them (missing points count as 0).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Sum, When
from django.db.models.functions import Coalesce

from .. import rules
from ..models import Assessment, Criterion, CriterionKind, Scorecard, ScorecardState

ZERO = Decimal("0.00")


def leaves(scorecard):
    """The scorecard's scored criteria: those without sub-criteria."""
    return Criterion.objects.filter(scorecard=scorecard, children__isnull=True)


def final_points(prefix=""):
    """SQL for a score's final points: computed for automatic leaves, else appraised (the
    self-assessed points standing in until the appraisal sets them)."""
    return Case(
        When(
            **{f"{prefix}criterion__kind": CriterionKind.AUTOMATIC},
            then=F(f"{prefix}auto_points"),
        ),
        default=Coalesce(F(f"{prefix}appraised_points"), F(f"{prefix}self_points")),
    )


def leaf_maximum(scorecard):
    return leaves(scorecard).aggregate(total=Sum("max_points"))["total"] or ZERO


@dataclass(frozen=True)
class Result:
    """One unit's result: ``points`` (sum of final leaf points), ``total`` (out of 100),
    ``rank`` (ties share it) and ``grade``."""

    assessment_id: int
    unit_id: int
    points: Decimal
    total: Decimal
    rank: int
    grade: str


def compute_results(scorecard):
    """{assessment id: Result} computed from the scores now (what ``publish`` freezes).
    Two queries."""
    maximum = leaf_maximum(scorecard)
    rows = list(
        Assessment.objects.filter(scorecard=scorecard)
        .annotate(points=Coalesce(Sum(final_points("scores__")), ZERO))
        .values("pk", "unit_id", "points", "survey_score")
        .order_by()
    )
    totals = {
        row["pk"]: rules.total_score(
            row["points"], maximum, scorecard.survey_points, row["survey_score"]
        )
        for row in rows
    }
    ranks = rules.competition_ranks(totals)
    return {
        row["pk"]: Result(
            assessment_id=row["pk"],
            unit_id=row["unit_id"],
            points=rules.rounded(row["points"]),
            total=totals[row["pk"]],
            rank=ranks[row["pk"]],
            grade=rules.grade_for(totals[row["pk"]], scorecard.grade_bands),
        )
        for row in rows
    }


# --- ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    """A line of the ranking. ``change`` is ``previous_rank − rank`` (positive: moved up;
    None when the unit was not ranked in the previous published year)."""

    unit_id: int
    unit_code: str
    unit_name: str
    state: str
    total: Decimal | None
    rank: int | None
    grade: str
    previous_rank: int | None
    change: int | None
    provisional: bool


def previous_published(scorecard):
    """The latest published scorecard before ``scorecard``'s year, or None."""
    return (
        Scorecard.objects.filter(state=ScorecardState.PUBLISHED, year__lt=scorecard.year)
        .order_by("-year")
        .first()
    )


def latest_published():
    return Scorecard.objects.filter(state=ScorecardState.PUBLISHED).order_by("-year").first()


LOOK_UP = object()


def ranking(scorecard, previous=LOOK_UP):
    """[RankingRow] best first (ties by unit name), with the change from ``previous`` (by
    default the previous published year, see ``previous_published``). Frozen figures once
    published, provisional ones before. At most five queries whatever the number of
    units."""
    assessments = list(
        Assessment.objects.filter(scorecard=scorecard)
        .values("pk", "unit_id", "unit__code", "unit__name", "state", "total", "rank", "grade")
        .order_by()
    )
    provisional = not scorecard.is_frozen
    if provisional:
        results = compute_results(scorecard)
        for row in assessments:
            result = results[row["pk"]]
            row.update(total=result.total, rank=result.rank, grade=result.grade)
    if previous is LOOK_UP:
        previous = previous_published(scorecard)
    previous = _ranks_of(previous)
    rows = [
        RankingRow(
            unit_id=row["unit_id"],
            unit_code=row["unit__code"],
            unit_name=row["unit__name"],
            state=row["state"],
            total=row["total"],
            rank=row["rank"],
            grade=row["grade"],
            previous_rank=previous.get(row["unit_id"]),
            change=_change(previous.get(row["unit_id"]), row["rank"]),
            provisional=provisional,
        )
        for row in assessments
    ]
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.unit_name))


def _ranks_of(previous):
    if previous is None:
        return {}
    return dict(
        Assessment.objects.filter(scorecard=previous, rank__isnull=False).values_list(
            "unit_id", "rank"
        )
    )


def _change(previous_rank, rank):
    if previous_rank is None or rank is None:
        return None
    return previous_rank - rank
