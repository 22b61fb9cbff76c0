"""The Celery tasks of the reform index: thin wrappers that compute open scorecards."""

from datetime import date

from reform_index import tasks
from reform_index.models import Score, ScorecardState
from reform_index.services import lifecycle
from tests.reform_index.conftest import YEAR, self_assess_all


class TestTasks:
    def test_compute_task_computes_an_open_scorecard(self, opened, world, make_dossier):
        make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="early")
        assert tasks.compute_scorecard.delay(opened.pk).get() == 3 * 2
        score = Score.objects.get(assessment__unit=world.ward, criterion__code="B.1")
        assert (score.numerator, score.denominator, score.auto_points) == (1, 1, 5)

    def test_tasks_leave_drafts_published_and_missing_ids_alone(self, scorecard, world):
        assert tasks.compute_scorecard.delay(scorecard.pk).get() == 0
        assert tasks.compute_scorecard.delay(999999).get() == 0
        scorecard.state = ScorecardState.PUBLISHED
        scorecard.save()
        assert tasks.compute_scorecard.delay(scorecard.pk).get() == 0

    def test_nightly_task_computes_every_open_scorecard(self, opened, world):
        self_assess_all(opened, world)
        lifecycle.open_appraisal(opened, world.index_officer)
        assert tasks.compute_open_scorecards.delay().get() == {opened.pk: 6}
