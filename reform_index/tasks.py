"""Thin Celery tasks of the reform index: they take ids and call the services. Computing
is idempotent (it recomputes from the database), so a lost or repeated run does no harm."""

from celery import shared_task


@shared_task
def compute_scorecard(scorecard_id):
    """Recompute the automatic criteria of one scorecard; nothing when it is published or
    still a draft."""
    from . import services
    from .models import Scorecard, ScorecardState

    scorecard = Scorecard.objects.filter(pk=scorecard_id).first()
    if scorecard is None or scorecard.state in (ScorecardState.DRAFT, ScorecardState.PUBLISHED):
        return 0
    return services.compute_automatic(scorecard)


@shared_task
def compute_assessment(assessment_id):
    from . import services
    from .models import Assessment, ScorecardState

    assessment = (
        Assessment.objects.select_related("scorecard", "unit").filter(pk=assessment_id).first()
    )
    if assessment is None or assessment.scorecard.state in (
        ScorecardState.DRAFT,
        ScorecardState.PUBLISHED,
    ):
        return 0
    return services.compute_automatic(assessment.scorecard, units=[assessment.unit])


@shared_task
def compute_open_scorecards():
    """Nightly: keep the automatic criteria of every scorecard in progress up to date."""
    from .models import Scorecard, ScorecardState

    open_ids = Scorecard.objects.filter(
        state__in=[ScorecardState.SELF_ASSESSMENT, ScorecardState.APPRAISAL]
    ).values_list("pk", flat=True)
    return {scorecard_id: compute_scorecard(scorecard_id) for scorecard_id in open_ids}
