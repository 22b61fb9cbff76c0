"""One unit's scorecard explained: the tree with its points, the result, and for each
automatic leaf the records that cost points. The records are data (kind, key, label): the
pages and the API turn them into links."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .. import metrics
from ..models import Assessment, Metric, Scorecard
from ..roles import assessed_unit_id, sees_everything
from .results import compute_results
from .tree import (
    AppraisalProgress,
    RecordLink,
    RecordList,
    appraisal_progress,
    scorecard_tree,
    sum_or_none,
    walk,
)

DOSSIER, PROCEDURE, INSPECTION = "dossier", "procedure", "inspection"
PUBLIC_RECORD_KINDS = frozenset({PROCEDURE, INSPECTION})
ALL_RECORD_KINDS = frozenset({DOSSIER, PROCEDURE, INSPECTION})
RECORD_LIMIT = 20


def record_kinds_for(user, assessment):
    """Which records behind the automatic points ``user`` may list: dossiers only for
    staff who oversee the unit; published procedures and inspections for everyone."""
    if sees_everything(user) or assessed_unit_id(user) == assessment.unit_id:
        return ALL_RECORD_KINDS
    return PUBLIC_RECORD_KINDS


@dataclass
class Breakdown:
    """One unit's scorecard, explained. ``areas`` is the tree (TreeNode) with its points;
    ``points`` the sum of final leaf points out of ``max_points``; ``self_points`` the
    self-assessed sum; ``total`` (out of 100, a percentage when the scorecard has no
    survey), ``rank`` and ``grade`` are frozen once published, provisional before (the
    self-assessed points standing in for those not appraised yet, as ``appraisal``
    counts)."""

    assessment: Assessment
    scorecard: Scorecard
    unit: object
    areas: list
    points: Decimal | None
    self_points: Decimal | None
    max_points: Decimal
    survey_score: Decimal | None
    total: Decimal | None
    rank: int | None
    grade: str
    provisional: bool
    is_percentage: bool
    appraisal: AppraisalProgress


def assessment_breakdown(assessment, record_kinds=frozenset(), record_limit=RECORD_LIMIT):
    """The Breakdown of one assessment. Automatic leaves list the records that cost
    points (late dossiers, incomplete procedures, inspections with violations…) for the
    kinds in ``record_kinds`` — see ``record_kinds_for(user, assessment)``; the lists are
    read live, while a published scorecard keeps its frozen numerator and denominator.
    A fixed number of queries: about ten plus two per automatic leaf listed."""
    assessment = Assessment.objects.select_related("scorecard", "unit").get(pk=assessment.pk)
    scorecard = assessment.scorecard
    areas = scorecard_tree(scorecard, assessment)
    for node in walk(areas):
        if node.is_leaf and node.is_automatic and node.score is not None:
            node.score.records = _records(node, assessment, record_kinds, record_limit)
    total, rank, grade = assessment.total, assessment.rank, assessment.grade
    if not scorecard.is_frozen:
        result = compute_results(scorecard).get(assessment.pk)
        total, rank, grade = result.total, result.rank, result.grade
    return Breakdown(
        assessment=assessment,
        scorecard=scorecard,
        unit=assessment.unit,
        areas=areas,
        points=sum_or_none(area.final_points for area in areas),
        self_points=sum_or_none(area.self_points for area in areas),
        max_points=sum((area.max_points for area in areas), Decimal(0)),
        survey_score=assessment.survey_score,
        total=total,
        rank=rank,
        grade=grade,
        provisional=not scorecard.is_frozen,
        is_percentage=not scorecard.survey_points,
        appraisal=appraisal_progress(areas),
    )


SHORTFALL_LABELS = {
    Metric.ON_TIME_RATE: _("Late dossiers"),
    Metric.ONLINE_SHARE: _("Dossiers not filed online"),
    Metric.SATISFACTION: _("Dissatisfied ratings"),
    Metric.APOLOGY_SHARE: _("Late dossiers without an apology"),
    Metric.PUBLISHED_PROCEDURES: _("Published procedures missing a part"),
    Metric.INSPECTION_VIOLATIONS: _("Inspections that found violations"),
}


def _records(node, assessment, record_kinds, limit):
    definition = metrics.definition(node.metric)
    if definition.kind not in record_kinds:
        return None
    scorecard = assessment.scorecard
    found = definition.records(assessment.unit, scorecard.period_start, scorecard.period_end)
    items = [_link(definition.kind, record) for record in _first(definition.kind, found, limit)]
    return RecordList(
        kind=definition.kind,
        what=shortfall_label(node.metric),
        count=found.shortfall.count(),
        items=items,
    )


def shortfall_label(metric):
    return str(SHORTFALL_LABELS[Metric(metric)])


def _first(kind, found, limit):
    shortfall = found.shortfall
    if kind == DOSSIER:
        return shortfall.select_related("procedure").order_by("-resolved_at", "-pk")[:limit]
    if kind == PROCEDURE:
        return shortfall.order_by("code")[:limit]
    return shortfall.order_by("-date", "-pk")[:limit]


def _link(kind, record):
    if kind == DOSSIER:
        return RecordLink(kind, record.code, f"{record.code} — {record.procedure.name}")
    if kind == PROCEDURE:
        return RecordLink(kind, record.code, f"{record.code} — {record.name}")
    return RecordLink(
        kind, record.pk, f"{record.date:%d/%m/%Y} — {record.team} ({record.violations})"
    )
