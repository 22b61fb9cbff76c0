"""The automatic criteria: points computed from the portal's data, one grouped query per
metric. Idempotent: computing again recomputes from the database."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import metrics, rules
from ..models import CriterionKind, Score, ScorecardState
from ..selectors.results import leaves
from .access import Refused, can_manage, locked_scorecard, require, require_not_frozen


@transaction.atomic
def compute_automatic(scorecard, units=None, now=None):
    """Compute every automatic leaf of the scorecard's assessments (of ``units`` only, when
    given) from the portal's data: one grouped query per metric. Returns the number of
    scores written."""
    scorecard = locked_scorecard(scorecard)
    require_not_frozen(scorecard)
    automatic = list(leaves(scorecard).filter(kind=CriterionKind.AUTOMATIC))
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
    require(can_manage(actor), _("Only reform index officers can compute the criteria."))
    _require_open_for_computing(assessment.scorecard)
    return compute_automatic(assessment.scorecard, units=[assessment.unit], now=now)


def compute_scorecard(scorecard, actor, now=None):
    require(can_manage(actor), _("Only reform index officers can compute the criteria."))
    _require_open_for_computing(scorecard)
    return compute_automatic(scorecard, now=now)


def _require_open_for_computing(scorecard):
    require_not_frozen(scorecard)
    if scorecard.state == ScorecardState.DRAFT:
        raise Refused(_("Open the self-assessment first: a draft has no assessments."))
