"""The appraisal: the index officer sets the appraised points (or accepts the unit's own,
per criterion, per area or for the whole sheet) and the survey score, then closes each
unit's assessment."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import AssessmentState, CriterionKind, ScorecardState
from ..selectors.tree import scorecard_tree, walk
from .access import (
    Refused,
    can_manage,
    locked_assessment,
    require,
    require_not_frozen,
    require_state,
)
from .computing import compute_automatic
from .entries import missing_points, save_scores, scores_for

APPRAISAL_FIELDS = ("appraised_points", "appraisal_comment")


@transaction.atomic
def save_appraisal(assessment, actor, entries, survey_score=None, set_survey=False):
    """The index officer's points and comments (``{code: {"appraised_points",
    "appraisal_comment"}}``) and, when the scorecard has a survey, the survey score."""
    require(can_manage(actor), _("Only reform index officers can appraise."))
    assessment = locked_assessment(assessment)
    _require_appraisal_open(assessment)
    errors = {}
    try:
        scores = scores_for(assessment, entries, APPRAISAL_FIELDS)
    except Refused as refusal:
        errors.update(refusal.errors)
    if set_survey:
        errors.update(_survey_problems(assessment.scorecard, survey_score))
    if errors:
        raise Refused(errors=errors)
    save_scores(scores, entries, APPRAISAL_FIELDS)
    if set_survey:
        assessment.survey_score = rules.as_decimal(survey_score)
        assessment.save(update_fields=["survey_score"])
    return assessment


@transaction.atomic
def appraise_assessment(assessment, actor, now=None):
    """Close one unit's appraisal: every manual leaf appraised (and the survey scored)."""
    require(can_manage(actor), _("Only reform index officers can appraise."))
    assessment = locked_assessment(assessment)
    _require_appraisal_open(assessment)
    errors = {}
    missing = missing_points(
        assessment,
        "appraised_points",
        _("Enter the appraised points of this criterion, or accept the self-assessed score."),
    )
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


@transaction.atomic
def accept_self_scores(assessment, actor, criterion=None):
    """Take the unit's own points as the appraised points of the manual leaves under the
    ``criterion`` code (a leaf, a group or an area; the whole sheet when None). A leaf an
    appraiser has already scored keeps its points. Returns how many leaves were accepted;
    Refused when none could be."""
    require(can_manage(actor), _("Only reform index officers can appraise."))
    assessment = locked_assessment(assessment)
    _require_appraisal_open(assessment)
    field = "scores" if criterion is None else "criterion"
    scores = assessment.scores.filter(criterion__kind=CriterionKind.MANUAL)
    if criterion is not None:
        scores = scores.filter(criterion_id__in=_leaf_ids_under(assessment.scorecard, criterion))
    pending = scores.filter(appraised_points__isnull=True)
    accepted = pending.filter(self_points__isnull=False).update(appraised_points=F("self_points"))
    if not accepted:
        raise Refused(_nothing_to_accept(pending.exists()), field=field)
    return accepted


def _leaf_ids_under(scorecard, code):
    node = next((node for node in walk(scorecard_tree(scorecard)) if node.code == code), None)
    if node is None:
        raise Refused(_("No criterion of this scorecard has this code."), field="criterion")
    return [leaf.id for leaf in walk([node]) if leaf.is_leaf]


def _nothing_to_accept(unscored_left):
    if unscored_left:
        return _("The unit gave no points of its own here: enter the appraised points instead.")
    return _("Everything here is already appraised; the points entered were kept.")


def _require_appraisal_open(assessment):
    require_not_frozen(assessment.scorecard)
    require_state(assessment.scorecard, ScorecardState.APPRAISAL, _("The appraisal is not open."))


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
