"""Reads of the reform index with business meaning: who sees what, results and ranking,
the criteria tree with its points, and the breakdown that explains every point.

Points of a leaf criterion ("final points"): the computed ``auto_points`` for an
automatic one; for a manual one the appraised points, or the unit's own points while the
appraisal has not set them (an assessment is only closed, and a scorecard only published,
once every manual leaf is appraised). The self-assessed total adds the unit's own points
on manual leaves to the computed ones. A published scorecard reads its
frozen ``total``/``rank``/``grade``; any other scorecard gets provisional results computed
the way publication will compute them (missing points count as 0).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from dossiers.models import service_unit

from . import metrics, rules
from .models import (
    Assessment,
    Criterion,
    CriterionKind,
    Inspection,
    Metric,
    Score,
    Scorecard,
    ScorecardState,
)

DOSSIER, PROCEDURE, INSPECTION = "dossier", "procedure", "inspection"
PUBLIC_RECORD_KINDS = frozenset({PROCEDURE, INSPECTION})
ALL_RECORD_KINDS = frozenset({DOSSIER, PROCEDURE, INSPECTION})
RECORD_LIMIT = 20
ZERO = Decimal("0.00")
VALUE_PLACES = Decimal("0.0001")


# --- who sees what -------------------------------------------------------------------------


def sees_everything(user):
    """Index officers, leaders and superusers see every scorecard, even drafts."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.INDEX_OFFICER, Role.LEADER))
    )


def assessed_unit_id(user):
    """The unit whose self-assessment ``user`` fills in (they lead it), or None."""
    if not user.is_authenticated or not user.has_role(Role.UNIT_LEADER) or not user.unit_id:
        return None
    return service_unit(user.unit).pk


def visible_scorecards(user):
    """Published scorecards for everyone; unit leaders also see those in progress; index
    officers and leaders see drafts too."""
    if sees_everything(user):
        return Scorecard.objects.all()
    if assessed_unit_id(user) is not None:
        return Scorecard.objects.exclude(state=ScorecardState.DRAFT)
    return Scorecard.objects.filter(state=ScorecardState.PUBLISHED)


def visible_assessments(user, scorecard):
    """Every unit's assessment once published (and always for index officers and
    leaders); a unit leader otherwise sees only their own unit's."""
    assessments = Assessment.objects.filter(scorecard=scorecard)
    if scorecard.is_frozen or sees_everything(user):
        return assessments
    unit_id = assessed_unit_id(user)
    return assessments.filter(unit_id=unit_id) if unit_id else assessments.none()


def visible_inspections(user):
    """Published inspections for everyone; all for index officers and leaders; a unit
    leader also sees their own unit's."""
    if sees_everything(user):
        return Inspection.objects.all()
    unit_id = assessed_unit_id(user)
    if unit_id:
        return Inspection.objects.filter(Q(published=True) | Q(unit_id=unit_id))
    return Inspection.objects.filter(published=True)


def record_kinds_for(user, assessment):
    """Which records behind the automatic points ``user`` may list: dossiers only for
    staff who oversee the unit; published procedures and inspections for everyone."""
    if sees_everything(user) or assessed_unit_id(user) == assessment.unit_id:
        return ALL_RECORD_KINDS
    return PUBLIC_RECORD_KINDS


# --- points and results --------------------------------------------------------------------


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


def area_totals(scorecard):
    """{unit id: {area code: final points}}: each unit's points per area (top-level
    criterion), summed in SQL. Relies on the tree's three levels at most."""
    area = Coalesce("criterion__parent__parent__code", "criterion__parent__code", "criterion__code")
    rows = (
        Score.objects.filter(assessment__scorecard=scorecard)
        .values("assessment__unit_id", area_code=area)
        .annotate(points=Coalesce(Sum(final_points()), ZERO))
        .order_by()
    )
    totals = {}
    for row in rows:
        points = rules.rounded(row["points"])  # SQLite sums decimals as floats
        totals.setdefault(row["assessment__unit_id"], {})[row["area_code"]] = points
    return totals


# --- the tree and the breakdown ------------------------------------------------------------


@dataclass
class RecordLink:
    label: str
    url: str | None


@dataclass
class RecordList:
    """Records behind an automatic point, as they are now: ``kind`` ("dossier",
    "procedure", "inspection"), ``what`` (what the listed records are, in words),
    ``count`` of them and the first ``items`` (RecordLink) up to the limit."""

    kind: str
    what: str
    count: int
    items: list


@dataclass
class LeafScore:
    """A leaf's points in one assessment. For automatic leaves ``numerator``,
    ``denominator``, ``value`` (the ratio, or the count) and ``records`` say where the
    points come from; ``final_points`` is what counts towards the total."""

    self_points: Decimal | None
    self_note: str
    evidence_links: list
    evidence: list
    appraised_points: Decimal | None
    appraisal_comment: str
    auto_points: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    computed_at: object
    final_points: Decimal | None
    records: RecordList | None = None


@dataclass
class TreeNode:
    """A criterion of the tree; ``parent`` is the parent's code. Every node carries its
    ``max_points``; with an assessment, ``self_points`` and ``final_points`` are the sums
    of its leaves' (None while none is set) and a leaf has its ``score`` (LeafScore).
    Automatic leaves have ``metric``, ``metric_label``, ``rule`` and ``rule_text`` (the
    rule in words)."""

    id: int
    code: str
    name: str
    max_points: Decimal
    guidance: str
    kind: str
    metric: str
    metric_label: str
    rule: str
    rule_params: object
    rule_text: str
    depth: int
    parent: str = ""
    children: list = field(default_factory=list)
    score: LeafScore | None = None
    self_points: Decimal | None = None
    final_points: Decimal | None = None

    @property
    def is_leaf(self):
        return not self.children

    @property
    def is_automatic(self):
        return self.kind == CriterionKind.AUTOMATIC


def scorecard_tree(scorecard, assessment=None):
    """[TreeNode] — the areas, each with its criteria and sub-criteria in order, and the
    points of ``assessment`` when one is given. Two or three queries."""
    criteria = list(Criterion.objects.filter(scorecard=scorecard).order_by("order", "code"))
    nodes = {criterion.pk: _node(criterion) for criterion in criteria}
    roots = []
    for criterion in criteria:
        node = nodes[criterion.pk]
        parent = nodes.get(criterion.parent_id)
        if parent:
            node.parent = parent.code
        (parent.children if parent else roots).append(node)
    _set_depth(roots, 1)
    if assessment is not None:
        scores = assessment.scores.prefetch_related("evidence")
        by_criterion = {score.criterion_id: score for score in scores}
        for node in nodes.values():
            if node.is_leaf and node.id in by_criterion:
                node.score = _leaf_score(node, by_criterion[node.id])
        for root in roots:
            _sum_points(root)
    return roots


def _node(criterion):
    automatic = criterion.kind == CriterionKind.AUTOMATIC
    return TreeNode(
        id=criterion.pk,
        code=criterion.code,
        name=criterion.name,
        max_points=criterion.max_points,
        guidance=criterion.guidance,
        kind=criterion.kind,
        metric=criterion.metric if automatic else "",
        metric_label=str(Metric(criterion.metric).label) if automatic and criterion.metric else "",
        rule=criterion.rule if automatic else "",
        rule_params=criterion.rule_params if automatic else {},
        rule_text=_rule_text(criterion) if automatic else "",
        depth=1,
    )


def _rule_text(criterion):
    if criterion.metric not in Metric.values:
        return ""
    return rules.describe(
        criterion.rule,
        criterion.rule_params,
        criterion.max_points,
        counts=metrics.counts(criterion.metric),
    )


def _set_depth(nodes, depth):
    for node in nodes:
        node.depth = depth
        _set_depth(node.children, depth + 1)


def _leaf_score(node, score):
    automatic = node.is_automatic
    value = None
    if automatic and score.denominator is not None:
        value = rules.metric_value(score.numerator, score.denominator, metrics.counts(node.metric))
        value = None if value is None else value.quantize(VALUE_PLACES)
    return LeafScore(
        self_points=score.self_points,
        self_note=score.self_note,
        evidence_links=score.evidence_links,
        evidence=list(score.evidence.all()),
        appraised_points=score.appraised_points,
        appraisal_comment=score.appraisal_comment,
        auto_points=score.auto_points,
        numerator=score.numerator,
        denominator=score.denominator,
        value=value,
        computed_at=score.computed_at,
        final_points=score.auto_points
        if automatic
        else _first_set(score.appraised_points, score.self_points),
    )


def _first_set(*values):
    return next((value for value in values if value is not None), None)


def _sum_points(node):
    if node.is_leaf:
        if node.score is not None:
            own = node.score.auto_points if node.is_automatic else node.score.self_points
            node.self_points, node.final_points = own, node.score.final_points
        return
    for child in node.children:
        _sum_points(child)
    node.self_points = _sum_or_none(child.self_points for child in node.children)
    node.final_points = _sum_or_none(child.final_points for child in node.children)


def _sum_or_none(values):
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def walk(nodes):
    """Every node of a tree, depth first."""
    for node in nodes:
        yield node
        yield from walk(node.children)


@dataclass
class Breakdown:
    """One unit's scorecard, explained. ``areas`` is the tree (TreeNode) with its points;
    ``points`` the sum of final leaf points out of ``max_points``; ``self_points`` the
    self-assessed sum; ``total`` (out of 100, a percentage when the scorecard has no
    survey), ``rank`` and ``grade`` are frozen once published, provisional before."""

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
        points=_sum_or_none(area.final_points for area in areas),
        self_points=_sum_or_none(area.self_points for area in areas),
        max_points=sum((area.max_points for area in areas), Decimal(0)),
        survey_score=assessment.survey_score,
        total=total,
        rank=rank,
        grade=grade,
        provisional=not scorecard.is_frozen,
        is_percentage=not scorecard.survey_points,
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
        return RecordLink(
            f"{record.code} — {record.procedure.name}",
            _url("dossiers:desk-dossier", record.code),
        )
    if kind == PROCEDURE:
        return RecordLink(f"{record.code} — {record.name}", _url("procedures:detail", record.code))
    return RecordLink(
        f"{record.date:%d/%m/%Y} — {record.team} ({record.violations})",
        _url("reform-index-inspection-detail", record.pk),
    )


def _url(name, key):
    try:
        return reverse(name, args=[key])
    except NoReverseMatch:
        return None
