"""Thin Celery tasks of the reform index: they take ids and call the services. Computing
is idempotent (it recomputes from the database), so a lost or repeated run does no harm."""

from celery import shared_task

from .models import Scorecard, ScorecardState
from .services.computing import compute_automatic


@shared_task
def compute_scorecard(scorecard_id):
    """Recompute the automatic criteria of one scorecard; nothing when it is published or
    still a draft."""
    scorecard = Scorecard.objects.filter(pk=scorecard_id).first()
    if scorecard is None or scorecard.state in (ScorecardState.DRAFT, ScorecardState.PUBLISHED):
        return 0
    return compute_automatic(scorecard)


@shared_task
def compute_open_scorecards():
    """Nightly: keep the automatic criteria of every scorecard in progress up to date."""
    open_ids = Scorecard.objects.filter(
        state__in=[ScorecardState.SELF_ASSESSMENT, ScorecardState.APPRAISAL]
    ).values_list("pk", flat=True)
    return {scorecard_id: compute_scorecard(scorecard_id) for scorecard_id in open_ids}
