"""The criteria tree as the checks, the import, the export and the copy see it: ``Node``
rows, the problems that keep a tree (or a scorecard) from being used, and writing a
checked tree."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .. import metrics, rules
from ..models import Criterion, CriterionKind, Metric, Rule

MAX_DEPTH = 3  # area → criterion → sub-criterion


@dataclass
class Node:
    """One criterion as the checks, the import and the export see it."""

    code: str
    parent: str
    name: str
    max_points: object
    kind: str = CriterionKind.MANUAL
    metric: str = ""
    rule: str = ""
    rule_params: object = None
    guidance: str = ""
    order: object = 0
    line: int = 0

    @classmethod
    def of(cls, criterion, codes):
        return cls(
            code=criterion.code,
            parent=codes.get(criterion.parent_id, ""),
            name=criterion.name,
            max_points=criterion.max_points,
            kind=criterion.kind,
            metric=criterion.metric,
            rule=criterion.rule,
            rule_params=criterion.rule_params,
            guidance=criterion.guidance,
            order=criterion.order,
        )

    def label(self):
        if self.line:
            return _("Row %(line)s (%(code)s)") % {"line": self.line, "code": self.code or "?"}
        return self.code


def scorecard_nodes(scorecard):
    criteria = list(scorecard.criteria.order_by("order", "code"))
    codes = {criterion.pk: criterion.code for criterion in criteria}
    return [Node.of(criterion, codes) for criterion in criteria]


def scorecard_problems(scorecard):
    """{field: [messages]} that keep a scorecard from opening (empty when it can open)."""
    problems = {}
    nodes = scorecard_nodes(scorecard)
    tree = tree_problems(nodes)
    if not nodes:
        tree.append(_("The scorecard has no criteria."))
    leaf_total = _leaf_total(nodes)
    if scorecard.survey_points and leaf_total + scorecard.survey_points != 100:
        tree.append(
            _(
                "The criteria are worth %(points)s points; with a %(survey)s-point survey they "
                "must be worth %(wanted)s."
            )
            % {
                "points": leaf_total,
                "survey": scorecard.survey_points,
                "wanted": 100 - scorecard.survey_points,
            }
        )
    if tree:
        problems["criteria"] = tree
    bands = rules.grade_band_problems(scorecard.grade_bands)
    if bands:
        problems["grade_bands"] = bands
    if scorecard.period_start > scorecard.period_end:
        problems["period_end"] = [_("The period ends before it starts.")]
    return problems


def _leaf_total(nodes):
    parents = {node.parent for node in nodes}
    return sum(
        (rules.as_decimal(node.max_points) or Decimal(0))
        for node in nodes
        if node.code not in parents
    )


def tree_problems(nodes):
    """Why these nodes do not make a criteria tree (messages naming the row or code)."""
    problems = []
    by_code = {}
    for node in nodes:
        node_problems = _node_problems(node)
        if node.code in by_code:
            node_problems.append(_("the code is used twice."))
        by_code.setdefault(node.code, node)
        problems += [f"{node.label()}: {problem}" for problem in node_problems]
    children = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    for node in nodes:
        problems += [
            f"{node.label()}: {problem}" for problem in _place_problems(node, by_code, children)
        ]
    return problems


def _node_problems(node):
    problems = []
    if not node.code or len(node.code) > 20:
        problems.append(_("the code must have 1 to 20 characters."))
    if not node.name or len(node.name) > 500:
        problems.append(_("the name must have 1 to 500 characters."))
    maximum = rules.as_decimal(node.max_points)
    if maximum is None or maximum < 0 or maximum != rules.rounded(maximum) or maximum > 1000:
        problems.append(_("the maximum points must be a number from 0 to 1000, two decimals."))
    order = node.order
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
        problems.append(_("the order must be a whole number from 0 to 32767."))
    if node.kind not in CriterionKind.values:
        problems.append(_("the kind must be “manual” or “automatic”."))
    elif node.kind == CriterionKind.AUTOMATIC:
        problems += _automatic_problems(node, maximum or Decimal(0))
    elif node.metric or node.rule:
        problems.append(_("only automatic criteria have a metric and a rule."))
    return problems


def _automatic_problems(node, maximum):
    if node.metric not in Metric.values:
        return [_("choose the metric of this automatic criterion.")]
    if node.rule not in Rule.values:
        return [_("choose the rule of this automatic criterion: ratio or bands.")]
    return rules.rule_problems(
        node.rule, node.rule_params or {}, maximum, counts=metrics.counts(node.metric)
    )


def _place_problems(node, by_code, children):
    problems = []
    if node.parent and node.parent not in by_code:
        return [_("the parent “%(code)s” is not in the list.") % {"code": node.parent}]
    depth, ancestor, seen = 1, node, {node.code}
    while ancestor.parent:
        ancestor = by_code[ancestor.parent]
        if ancestor.code in seen:
            return [_("the parents go round in a circle.")]
        seen.add(ancestor.code)
        depth += 1
    if depth > MAX_DEPTH:
        problems.append(_("the tree has at most three levels (area, criterion, sub-criterion)."))
    kids = children.get(node.code, [])
    if kids:
        if node.kind == CriterionKind.AUTOMATIC:
            problems.append(_("an automatic criterion cannot have sub-criteria."))
        total = sum((rules.as_decimal(kid.max_points) or Decimal(0)) for kid in kids)
        if rules.as_decimal(node.max_points) != total:
            problems.append(
                _("its maximum (%(max)s) differs from its sub-criteria's sum (%(sum)s).")
                % {"max": node.max_points, "sum": total}
            )
    return problems


def replace_criteria(scorecard, nodes):
    """Write ``nodes`` (already checked) as the scorecard's whole tree, parents first."""
    scorecard.criteria.all().delete()
    created = {}
    remaining = list(nodes)
    while remaining:
        ready = [node for node in remaining if not node.parent or node.parent in created]
        for node in ready:
            created[node.code] = Criterion.objects.create(
                scorecard=scorecard,
                parent=created.get(node.parent),
                code=node.code,
                name=node.name,
                max_points=rules.as_decimal(node.max_points),
                guidance=node.guidance or "",
                kind=node.kind,
                metric=node.metric or "",
                rule=node.rule or "",
                rule_params=rules.normalise_params(node.rule, node.rule_params or {})
                if node.kind == CriterionKind.AUTOMATIC
                else {},
                order=node.order,
            )
        remaining = [node for node in remaining if node.code not in created]
    return len(created)
