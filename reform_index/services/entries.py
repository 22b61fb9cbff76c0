"""Score entries, shared by the self-assessment and the appraisal: the points, notes and
links sent per criterion code, checked all at once so that a refusal names every problem."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .. import rules
from ..models import CriterionKind, Score
from .access import Refused

MAX_EVIDENCE_LINKS = 20


def scores_for(assessment, entries, allowed):
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


def save_scores(scores, entries, allowed):
    changed = sorted({name for values in entries.values() for name in values if name in allowed})
    if scores and changed:
        Score.objects.bulk_update(scores, changed)


def missing_points(assessment, field, message=None):
    """{code: {field: [message]}} of the manual leaves still without ``field``."""
    codes = assessment.scores.filter(
        criterion__kind=CriterionKind.MANUAL, **{f"{field}__isnull": True}
    ).values_list("criterion__code", flat=True)
    message = message or _("Enter the points of this criterion.")
    return {code: {field: [message]} for code in codes}
