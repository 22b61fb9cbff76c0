"""The criteria tree with its points: each area with its criteria and sub-criteria, and
with an assessment each leaf's score and each node's sums. The self-assessed sum adds the
unit's own points on manual leaves to the computed ones."""

from dataclasses import dataclass, field
from decimal import Decimal

from .. import metrics, rules
from ..models import Criterion, CriterionKind, Metric

VALUE_PLACES = Decimal("0.0001")


@dataclass
class RecordLink:
    """A record behind an automatic point: its ``kind`` ("dossier", "procedure",
    "inspection"), the ``key`` its pages are found by (a dossier's or procedure's code, an
    inspection's id) and a ``label``. No URL: the page or the API that shows it links it."""

    kind: str
    key: object
    label: str


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
    node.self_points = sum_or_none(child.self_points for child in node.children)
    node.final_points = sum_or_none(child.final_points for child in node.children)


def sum_or_none(values):
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


@dataclass(frozen=True)
class AppraisalProgress:
    """How far the appraisal of a tree's manual leaves is: ``appraised`` of ``criteria``
    have appraised points, ``points`` in all; ``pending`` have none yet, of which
    ``acceptable`` have self-assessed points that could be accepted."""

    criteria: int
    appraised: int
    points: Decimal
    pending: int
    acceptable: int


def appraisal_progress(nodes):
    """The AppraisalProgress of the manual leaves under ``nodes`` (scored trees only)."""
    scores = [
        node.score
        for node in walk(nodes)
        if node.is_leaf and not node.is_automatic and node.score is not None
    ]
    appraised = [score.appraised_points for score in scores if score.appraised_points is not None]
    return AppraisalProgress(
        criteria=len(scores),
        appraised=len(appraised),
        points=sum(appraised, Decimal(0)),
        pending=len(scores) - len(appraised),
        acceptable=sum(
            1
            for score in scores
            if score.appraised_points is None and score.self_points is not None
        ),
    )


def walk(nodes):
    """Every node of a tree, depth first."""
    for node in nodes:
        yield node
        yield from walk(node.children)
