"""Every write of the reform index with a business rule, one function per use case, atomic.

The scorecard moves draft → self_assessment → appraisal → published:

- ``open_self_assessment`` (index officer or leader) checks the criteria tree and grade
  bands and creates an assessment per scored unit with a score row per leaf criterion;
- the unit's own leader fills its self-assessment (``save_self_assessment``,
  ``add_evidence``) and submits it (``submit_assessment``);
- ``open_appraisal`` computes the automatic criteria; the index officer sets the appraised
  points (``save_appraisal``) and closes each assessment (``appraise_assessment``);
- ``publish`` (leader) computes the automatic criteria a last time and freezes every
  unit's total, rank and grade. After that nothing changes, whatever happens to the
  dossiers: every service below refuses to touch a published scorecard.

Refusals raise ``Refused`` (HTTP 400: ``errors`` is ``{field: [messages]}``) or
``NotAllowed`` (HTTP 403), with a message in the user's language; nothing is saved then.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import parsers
from core.roles import Role
from core.selectors import scored_units
from core.spreadsheets import csv_text, restore_row
from dossiers.uploads import check_upload

from . import metrics, rules, selectors
from .models import (
    Assessment,
    AssessmentState,
    Criterion,
    CriterionKind,
    Evidence,
    Inspection,
    InspectionKind,
    Metric,
    Rule,
    Score,
    Scorecard,
    ScorecardState,
)

MAX_DEPTH = 3  # area → criterion → sub-criterion
MAX_EVIDENCE_LINKS = 20
MAX_IMPORT_BYTES = 1024 * 1024
SELF_FIELDS = ("self_points", "self_note", "evidence_links")
APPRAISAL_FIELDS = ("appraised_points", "appraisal_comment")
CRITERION_COLUMNS = (
    "code",
    "parent",
    "name",
    "max_points",
    "kind",
    "metric",
    "rule",
    "rule_params",
    "guidance",
    "order",
)
EXPORT_FORMAT = "onestop-reform-index-criteria"


class Refused(Exception):
    """A use case the rules do not allow now; ``errors`` maps fields to messages."""

    def __init__(self, message=None, field=None, errors=None):
        self.errors = errors or {field or "detail": [message]}
        self.message = message or _first_message(self.errors)
        super().__init__(self.message)


class NotAllowed(Refused):
    """The actor's role does not allow this use case."""


def _first_message(errors):
    value = next(iter(errors.values()), "")
    while isinstance(value, dict | list):
        value = next(iter(value.values() if isinstance(value, dict) else value), "")
    return str(value)


# --- who may do what -----------------------------------------------------------------------


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def can_manage(user):
    """Criteria, inspections, computing and appraisal: the reform index officers."""
    return _active(user) and (user.is_superuser or user.has_role(Role.INDEX_OFFICER))


def can_run_process(user):
    """Opening the self-assessment and the appraisal: index officers and leaders."""
    return selectors.sees_everything(user)


def can_publish(user):
    return _active(user) and (user.is_superuser or user.has_role(Role.LEADER))


def can_self_assess(user, assessment):
    """Only the leader of the assessed unit fills its self-assessment."""
    return _active(user) and selectors.assessed_unit_id(user) == assessment.unit_id


def _require(allowed, message):
    if not allowed:
        raise NotAllowed(message)


def _require_state(scorecard, state, message):
    if scorecard.state != state:
        raise Refused(message)


def _require_not_frozen(scorecard):
    if scorecard.is_frozen:
        raise Refused(
            _("The %(year)s scorecard is published; its points are frozen.")
            % {"year": scorecard.year}
        )


def _locked_scorecard(scorecard):
    return Scorecard.objects.select_for_update().get(pk=scorecard.pk)


def _locked_assessment(assessment):
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    locked.scorecard = _locked_scorecard(assessment.scorecard)
    return locked


# --- the scorecard's life ------------------------------------------------------------------


@transaction.atomic
def open_self_assessment(scorecard, actor):
    """Draft → self-assessment: check the scorecard, then give each scored unit its
    assessment."""
    _require(can_run_process(actor), _("Only reform index officers and leaders can do this."))
    scorecard = _locked_scorecard(scorecard)
    _require_state(scorecard, ScorecardState.DRAFT, _("Only a draft scorecard can be opened."))
    problems = scorecard_problems(scorecard)
    if problems:
        raise Refused(errors=problems)
    created = create_assessments(scorecard)
    scorecard.state = ScorecardState.SELF_ASSESSMENT
    scorecard.save(update_fields=["state"])
    return created


@transaction.atomic
def open_appraisal(scorecard, actor, now=None):
    """Self-assessment → appraisal; the automatic criteria are computed for the appraisers."""
    _require(can_run_process(actor), _("Only reform index officers and leaders can do this."))
    scorecard = _locked_scorecard(scorecard)
    _require_state(
        scorecard,
        ScorecardState.SELF_ASSESSMENT,
        _("The appraisal opens after the self-assessment."),
    )
    scorecard.state = ScorecardState.APPRAISAL
    scorecard.save(update_fields=["state"])
    return compute_automatic(scorecard, now=now)


@transaction.atomic
def publish(scorecard, actor, now=None):
    """Appraisal → published: compute the automatic criteria a last time, then freeze each
    unit's total, rank and grade. Returns the number of assessments published."""
    _require(can_publish(actor), _("Only leaders can publish the reform index."))
    scorecard = _locked_scorecard(scorecard)
    _require_state(
        scorecard, ScorecardState.APPRAISAL, _("Only a scorecard under appraisal can be published.")
    )
    waiting = list(
        scorecard.assessments.exclude(state=AssessmentState.APPRAISED)
        .order_by("unit__code")
        .values_list("unit__name", flat=True)
    )
    if waiting:
        raise Refused(
            _("Not appraised yet: %(units)s.") % {"units": ", ".join(waiting)}, field="assessments"
        )
    now = now or timezone.now()
    compute_automatic(scorecard, now=now)
    assessments = list(scorecard.assessments.all())
    results = selectors.compute_results(scorecard)
    for assessment in assessments:
        result = results[assessment.pk]
        assessment.total, assessment.rank, assessment.grade = (
            result.total,
            result.rank,
            result.grade,
        )
    Assessment.objects.bulk_update(assessments, ["total", "rank", "grade"])
    scorecard.state = ScorecardState.PUBLISHED
    scorecard.published_at, scorecard.published_by = now, actor
    scorecard.save(update_fields=["state", "published_at", "published_by"])
    return len(assessments)


def create_assessments(scorecard, units=None):
    """An assessment for each scored unit (or ``units``) and a score row per leaf;
    idempotent. Returns how many assessments were added."""
    _require_not_frozen(scorecard)
    units = list(scored_units() if units is None else units)
    before = scorecard.assessments.count()
    Assessment.objects.bulk_create(
        [Assessment(scorecard=scorecard, unit=unit) for unit in units], ignore_conflicts=True
    )
    assessment_ids = scorecard.assessments.filter(unit__in=units).values_list("pk", flat=True)
    leaf_ids = selectors.leaves(scorecard).values_list("pk", flat=True)
    Score.objects.bulk_create(
        [
            Score(assessment_id=assessment_id, criterion_id=criterion_id)
            for assessment_id in assessment_ids
            for criterion_id in leaf_ids
        ],
        ignore_conflicts=True,
    )
    return scorecard.assessments.count() - before


# --- automatic criteria --------------------------------------------------------------------


@transaction.atomic
def compute_automatic(scorecard, units=None, now=None):
    """Compute every automatic leaf of the scorecard's assessments (of ``units`` only, when
    given) from the portal's data: one grouped query per metric. Returns the number of
    scores written."""
    scorecard = _locked_scorecard(scorecard)
    _require_not_frozen(scorecard)
    automatic = list(selectors.leaves(scorecard).filter(kind=CriterionKind.AUTOMATIC))
    assessments = scorecard.assessments.select_related("unit")
    if units is not None:
        assessments = assessments.filter(unit__in=units)
    assessed_units = [assessment.unit for assessment in assessments]
    if not automatic or not assessed_units:
        return 0
    found = {
        metric: metrics.figures(
            metric, assessed_units, scorecard.period_start, scorecard.period_end
        )
        for metric in {criterion.metric for criterion in automatic}
    }
    scores = list(
        Score.objects.select_for_update()
        .filter(assessment__in=assessments, criterion__in=automatic)
        .select_related("criterion", "assessment")
    )
    now = now or timezone.now()
    for score in scores:
        figure = found[score.criterion.metric][score.assessment.unit_id]
        _apply_figure(score, figure, now)
    Score.objects.bulk_update(scores, ["auto_points", "numerator", "denominator", "computed_at"])
    return len(scores)


def _apply_figure(score, figure, now):
    criterion = score.criterion
    score.numerator, score.denominator = figure.numerator, figure.denominator
    score.auto_points = rules.points(
        criterion.rule,
        criterion.rule_params,
        criterion.max_points,
        figure.numerator,
        figure.denominator,
        counts=metrics.counts(criterion.metric),
    )
    score.computed_at = now


def compute_assessment(assessment, actor, now=None):
    """On demand, for one unit: the index officer refreshes its automatic criteria."""
    _require(can_manage(actor), _("Only reform index officers can compute the criteria."))
    _require_open_for_computing(assessment.scorecard)
    return compute_automatic(assessment.scorecard, units=[assessment.unit], now=now)


def compute_scorecard(scorecard, actor, now=None):
    _require(can_manage(actor), _("Only reform index officers can compute the criteria."))
    _require_open_for_computing(scorecard)
    return compute_automatic(scorecard, now=now)


def _require_open_for_computing(scorecard):
    _require_not_frozen(scorecard)
    if scorecard.state == ScorecardState.DRAFT:
        raise Refused(_("Open the self-assessment first: a draft has no assessments."))


# --- self-assessment -----------------------------------------------------------------------


@transaction.atomic
def save_self_assessment(assessment, actor, entries):
    """The unit leader's points, notes and evidence links: ``entries`` is
    ``{criterion code: {"self_points": Decimal | None, "self_note": str,
    "evidence_links": [url]}}``; only the keys given change."""
    _require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can fill in its self-assessment.")
        % {"unit": assessment.unit},
    )
    assessment = _locked_assessment(assessment)
    _require_self_assessment_open(assessment)
    scores = _scores_for(assessment, entries, SELF_FIELDS)
    _save_scores(scores, entries, SELF_FIELDS)
    return assessment


@transaction.atomic
def submit_assessment(assessment, actor, now=None):
    """The unit leader hands the self-assessment over; every manual leaf needs points."""
    _require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can submit its self-assessment.")
        % {"unit": assessment.unit},
    )
    assessment = _locked_assessment(assessment)
    _require_self_assessment_open(assessment)
    missing = _missing(assessment, "self_points")
    if missing:
        raise Refused(errors={"scores": missing})
    assessment.state = AssessmentState.SUBMITTED
    assessment.submitted_at = now or timezone.now()
    assessment.save(update_fields=["state", "submitted_at"])
    return assessment


def _require_self_assessment_open(assessment):
    _require_not_frozen(assessment.scorecard)
    _require_state(
        assessment.scorecard,
        ScorecardState.SELF_ASSESSMENT,
        _("The self-assessment is not open."),
    )
    if assessment.state != AssessmentState.DRAFT:
        raise Refused(_("This self-assessment has been submitted; it can no longer change."))


@transaction.atomic
def add_evidence(score, actor, upload):
    """Attach a file to a self-assessed criterion (PDF, image or DOCX, size-limited)."""
    assessment = score.assessment
    _require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can add evidence.") % {"unit": assessment.unit},
    )
    _require_self_assessment_open(_locked_assessment(assessment))
    try:
        content_type, digest = check_upload(upload)
    except ValidationError as error:
        raise Refused(error.messages[0], field="file") from None
    return Evidence.objects.create(
        score=score,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest,
        uploaded_by=actor,
    )


@transaction.atomic
def remove_evidence(evidence, actor):
    assessment = evidence.score.assessment
    _require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can remove evidence.") % {"unit": assessment.unit},
    )
    _require_self_assessment_open(_locked_assessment(assessment))
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))


# --- appraisal -----------------------------------------------------------------------------


@transaction.atomic
def save_appraisal(assessment, actor, entries, survey_score=None, set_survey=False):
    """The index officer's points and comments (``{code: {"appraised_points",
    "appraisal_comment"}}``) and, when the scorecard has a survey, the survey score."""
    _require(can_manage(actor), _("Only reform index officers can appraise."))
    assessment = _locked_assessment(assessment)
    _require_appraisal_open(assessment)
    errors = {}
    try:
        scores = _scores_for(assessment, entries, APPRAISAL_FIELDS)
    except Refused as refusal:
        errors.update(refusal.errors)
    if set_survey:
        errors.update(_survey_problems(assessment.scorecard, survey_score))
    if errors:
        raise Refused(errors=errors)
    _save_scores(scores, entries, APPRAISAL_FIELDS)
    if set_survey:
        assessment.survey_score = rules.as_decimal(survey_score)
        assessment.save(update_fields=["survey_score"])
    return assessment


@transaction.atomic
def appraise_assessment(assessment, actor, now=None):
    """Close one unit's appraisal: every manual leaf appraised (and the survey scored)."""
    _require(can_manage(actor), _("Only reform index officers can appraise."))
    assessment = _locked_assessment(assessment)
    _require_appraisal_open(assessment)
    errors = {}
    missing = _missing(assessment, "appraised_points")
    if missing:
        errors["scores"] = missing
    if assessment.scorecard.survey_points and assessment.survey_score is None:
        errors["survey_score"] = [_("Enter the survey score before closing the appraisal.")]
    if errors:
        raise Refused(errors=errors)
    now = now or timezone.now()
    compute_automatic(assessment.scorecard, units=[assessment.unit], now=now)
    assessment.state = AssessmentState.APPRAISED
    assessment.appraised_at = now
    assessment.save(update_fields=["state", "appraised_at"])
    return assessment


def _require_appraisal_open(assessment):
    _require_not_frozen(assessment.scorecard)
    _require_state(assessment.scorecard, ScorecardState.APPRAISAL, _("The appraisal is not open."))


def _survey_problems(scorecard, survey_score):
    if not scorecard.survey_points:
        return {"survey_score": [_("This scorecard has no survey.")]}
    if survey_score is None:
        return {}
    score = rules.as_decimal(survey_score)
    if score is None or not Decimal(0) <= score <= scorecard.survey_points:
        return {
            "survey_score": [
                _("The survey score must be from 0 to %(max)s.") % {"max": scorecard.survey_points}
            ]
        }
    return {}


# --- score entries, shared by both sides ---------------------------------------------------


def _scores_for(assessment, entries, allowed):
    """The assessment's scores with ``entries`` applied (not saved); Refused with every
    problem keyed by criterion code and field."""
    if not isinstance(entries, dict):
        raise Refused(_("Send the scores as {criterion code: {field: value}}."), field="scores")
    scores = {
        score.criterion.code: score
        for score in assessment.scores.select_related("criterion").filter(
            criterion__code__in=list(entries)
        )
    }
    errors = {}
    for code, values in entries.items():
        score = scores.get(code)
        problems = (
            _entry_problems(score, values, allowed)
            if score
            else {"criterion": [_("No scored criterion of this scorecard has this code.")]}
        )
        if problems:
            errors[code] = problems
        else:
            for name in allowed:
                if name in values:
                    setattr(score, name, _cleaned(name, values[name]))
    if errors:
        raise Refused(errors={"scores": errors})
    return list(scores.values())


def _entry_problems(score, values, allowed):
    if not isinstance(values, dict):
        return {"criterion": [_("Send the fields of this criterion as an object.")]}
    problems = {}
    for name in values:
        if name not in allowed:
            problems[name] = [_("This field cannot be changed now.")]
    for name in ("self_points", "appraised_points"):
        if name in allowed and values.get(name) is not None:
            problem = _points_problem(score.criterion, values[name])
            if problem:
                problems[name] = [problem]
    if "evidence_links" in values:
        problem = _links_problem(values["evidence_links"])
        if problem:
            problems["evidence_links"] = [problem]
    return problems


def _points_problem(criterion, value):
    if criterion.kind == CriterionKind.AUTOMATIC:
        return _("This criterion is computed from the portal's data.")
    points = rules.as_decimal(value)
    if points is None:
        return _("Enter a number.")
    if not Decimal(0) <= points <= criterion.max_points:
        return _("Enter points from 0 to %(max)s.") % {"max": criterion.max_points}
    if points != rules.rounded(points):
        return _("Use at most two decimals.")
    return None


def _links_problem(links):
    if not isinstance(links, list):
        return _("Send a list of links.")
    if len(links) > MAX_EVIDENCE_LINKS:
        return _("At most %(n)s links.") % {"n": MAX_EVIDENCE_LINKS}
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            if not isinstance(link, str) or len(link) > 500:
                raise ValidationError("")
            validate(link)
        except ValidationError:
            return _("“%(link)s” is not a web address (http:// or https://).") % {"link": link}
    return None


def _cleaned(name, value):
    if name in ("self_points", "appraised_points"):
        return None if value is None else rules.as_decimal(value)
    if name == "evidence_links":
        return list(value)
    return (value or "").strip()


def _save_scores(scores, entries, allowed):
    changed = sorted({name for values in entries.values() for name in values if name in allowed})
    if scores and changed:
        Score.objects.bulk_update(scores, changed)


def _missing(assessment, field):
    """{code: {field: [message]}} of the manual leaves still without ``field``."""
    codes = assessment.scores.filter(
        criterion__kind=CriterionKind.MANUAL, **{f"{field}__isnull": True}
    ).values_list("criterion__code", flat=True)
    return {code: {field: [_("Enter the points of this criterion.")]} for code in codes}


# --- the criteria tree ---------------------------------------------------------------------


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


def _replace_criteria(scorecard, nodes):
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


# --- copying a year ------------------------------------------------------------------------


@transaction.atomic
def copy_scorecard(source, year, actor, title=None):
    """A new draft scorecard for ``year`` with ``source``'s criteria, survey share and
    grade bands; its period moves by the years between them."""
    _require(can_manage(actor), _("Only reform index officers can create scorecards."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Refused(_("Enter a year from 2000 to 2100."), field="year")
    if Scorecard.objects.filter(year=year).exists():
        raise Refused(_("There is already a scorecard for %(year)s.") % {"year": year}, "year")
    shift = year - source.year
    scorecard = Scorecard.objects.create(
        year=year,
        title=title or _("Administrative reform index %(year)s") % {"year": year},
        period_start=_shifted(source.period_start, shift),
        period_end=_shifted(source.period_end, shift),
        survey_points=source.survey_points,
        grade_bands=source.grade_bands,
    )
    _replace_criteria(scorecard, scorecard_nodes(source))
    return scorecard


def _shifted(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 2, 28)


# --- import and export ---------------------------------------------------------------------


def export_criteria(scorecard, fmt):
    """The criteria as text: ``json`` (``{"format", "version", "year", "criteria"}``) or
    ``csv`` (one row per criterion, rule_params as JSON; written by ``core.spreadsheets``:
    a BOM for Excel, formula-like text behind an apostrophe that ``parse_criteria`` takes
    back)."""
    rows = [_row_of(node) for node in scorecard_nodes(scorecard)]
    if fmt == "json":
        document = {"format": EXPORT_FORMAT, "version": 1, "year": scorecard.year, "criteria": rows}
        return json.dumps(document, ensure_ascii=False, indent=2)
    if fmt == "csv":
        flat = (
            {**row, "rule_params": json.dumps(row["rule_params"], ensure_ascii=False)}
            for row in rows
        )
        return csv_text(CRITERION_COLUMNS, flat)
    raise ValueError(f"Unknown format {fmt!r}.")


def _row_of(node):
    return {
        "code": node.code,
        "parent": node.parent,
        "name": node.name,
        "max_points": float(node.max_points),
        "kind": node.kind,
        "metric": node.metric,
        "rule": node.rule,
        "rule_params": node.rule_params or {},
        "guidance": node.guidance,
        "order": node.order,
    }


@transaction.atomic
def import_criteria(scorecard, actor, content, fmt):
    """Replace a draft scorecard's criteria with a JSON or CSV file (bytes) in the export
    format. Returns the number of criteria; Refused naming each bad row otherwise."""
    _require(can_manage(actor), _("Only reform index officers can import criteria."))
    scorecard = _locked_scorecard(scorecard)
    _require_state(
        scorecard,
        ScorecardState.DRAFT,
        _("Criteria can only change while the scorecard is a draft."),
    )
    nodes = parse_criteria(content, fmt)
    problems = tree_problems(nodes)
    if problems:
        raise Refused(errors={"file": problems})
    return _replace_criteria(scorecard, nodes)


def parse_criteria(content, fmt):
    """Nodes from a file's bytes; Refused (field ``file``) when it cannot be read."""
    if not content:
        raise Refused(_("The file is empty."), field="file")
    if len(content) > MAX_IMPORT_BYTES:
        raise Refused(_("The file is larger than 1 MB."), field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("The file is not UTF-8 text."), field="file") from None
    if fmt == "json":
        nodes = _json_nodes(text)
    elif fmt == "csv":
        nodes = _csv_nodes(text)
    else:
        raise Refused(_("Choose JSON or CSV."), field="format")
    if not nodes:
        raise Refused(_("The file lists no criteria."), field="file")
    return nodes


def _json_nodes(text):
    try:
        document = parsers.loads(text)
    except ValueError:
        raise Refused(_("The file is not valid JSON."), field="file") from None
    rows = document.get("criteria") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise Refused(
            _("The JSON must hold a list “criteria” of objects, one per criterion."), field="file"
        )
    return [_node_of(row, line) for line, row in enumerate(rows, start=1)]


def _csv_nodes(text):
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        column
        for column in ("code", "name", "max_points")
        if column not in (reader.fieldnames or [])
    ]
    if missing:
        raise Refused(
            _("The CSV has no column %(columns)s.") % {"columns": ", ".join(missing)}, field="file"
        )
    nodes = []
    for row in map(restore_row, reader):
        params = (row.get("rule_params") or "").strip()
        try:
            row["rule_params"] = parsers.loads(params) if params else {}
        except ValueError:
            raise Refused(
                _("Row %(line)s: rule_params is not valid JSON.") % {"line": reader.line_num},
                field="file",
            ) from None
        nodes.append(_node_of(row, reader.line_num))
    return nodes


def _node_of(row, line):
    return Node(
        code=_text(row.get("code")),
        parent=_text(row.get("parent")),
        name=_text(row.get("name")),
        max_points=row.get("max_points"),
        kind=_text(row.get("kind")) or CriterionKind.MANUAL,
        metric=_text(row.get("metric")),
        rule=_text(row.get("rule")),
        rule_params=row.get("rule_params") or {},
        guidance=_text(row.get("guidance")),
        order=_order(row.get("order"), line),
        line=line,
    )


def _text(value):
    return str(value).strip() if value is not None else ""


def _order(value, default):
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        return value


# --- inspections ---------------------------------------------------------------------------

INSPECTION_FIELDS = (
    "unit",
    "date",
    "team",
    "kind",
    "findings",
    "violations",
    "follow_up",
    "published",
)


@transaction.atomic
def save_inspection(actor, values, inspection=None, today=None):
    """Record an inspection (a new or unsaved one when ``inspection`` is None or has no
    id) or change one: ``values`` holds the model's fields, the unit as a Unit.
    Violations need findings that describe them; the date cannot be in the future."""
    _require(can_manage(actor), _("Only reform index officers can record inspections."))
    unknown = sorted(set(values) - set(INSPECTION_FIELDS))
    if unknown:
        raise Refused(errors={name: [_("This field cannot be changed.")] for name in unknown})
    inspection = inspection or Inspection()
    if inspection.pk is None:
        inspection.created_by = actor
    for name, value in values.items():
        setattr(inspection, name, value)
    problems = inspection_problems(inspection, today or timezone.localdate())
    if problems:
        raise Refused(errors=problems)
    inspection.save()
    return inspection


def inspection_problems(inspection, today):
    problems = {}
    if inspection.unit_id is None:
        problems["unit"] = [_("Choose the inspected unit.")]
    if inspection.date is None:
        problems["date"] = [_("Enter the date of the inspection.")]
    elif inspection.date > today:
        problems["date"] = [_("An inspection is recorded after it took place.")]
    if not (inspection.team or "").strip():
        problems["team"] = [_("Name the inspection team.")]
    if inspection.kind not in InspectionKind.values:
        problems["kind"] = [_("Choose scheduled or unannounced.")]
    violations = inspection.violations
    if (
        isinstance(violations, bool)
        or not isinstance(violations, int)
        or not 0 <= violations <= 999
    ):
        problems["violations"] = [_("Enter the number of violations, from 0 to 999.")]
    elif violations and not (inspection.findings or "").strip():
        problems["findings"] = [_("Describe the violations found.")]
    return problems


@transaction.atomic
def set_inspection_published(inspection, actor, published):
    _require(can_manage(actor), _("Only reform index officers can publish inspections."))
    Inspection.objects.filter(pk=inspection.pk).update(published=published)
    inspection.published = published
    return inspection
