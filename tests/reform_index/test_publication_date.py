"""A scorecard is published once its period is over (on the calendar of Hà Nội); before
that only by a leader who gives a reason, which is recorded and shown — in the service,
the workspace and the API."""

import json
from datetime import datetime

import pytest
import time_machine
from django.utils import translation

from core.workdays import TZ
from reform_index.models import ScorecardState
from reform_index.services import access, lifecycle
from tests.reform_index.conftest import YEAR, appraise_all, self_assess_all

POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (4, 2)}
EARLY = datetime(YEAR, 12, 2, 10, 0, tzinfo=TZ)
LAST_EVENING = datetime(YEAR, 12, 31, 23, 30, tzinfo=TZ)
NEW_YEAR = datetime(YEAR + 1, 1, 1, 0, 30, tzinfo=TZ)  # still 31 December in UTC
REASON = "Tỉnh cần kết quả để tổng kết năm trước ngày 15/12."


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


@pytest.fixture
def appraised(opened, world):
    self_assess_all(opened, world)
    lifecycle.open_appraisal(opened, world.index_officer)
    appraise_all(opened, world, POINTS)
    opened.refresh_from_db()
    return opened


def state_of(scorecard):
    scorecard.refresh_from_db()
    return scorecard.state


class TestService:
    @pytest.mark.parametrize("moment", [EARLY, LAST_EVENING])
    def test_refused_before_the_period_ends(self, appraised, world, moment):
        with time_machine.travel(moment, tick=False), pytest.raises(access.Refused) as refused:
            lifecycle.publish(appraised, world.leader)
        assert refused.value.errors == {
            "early_reason": [
                "Kỳ đánh giá năm 2026 kết thúc ngày 31/12/2026: chỉ số được công bố từ ngày "
                "01/01/2027; muốn công bố sớm hơn, phải nêu lý do công bố sớm."
            ]
        }
        assert state_of(appraised) == ScorecardState.APPRAISAL

    def test_allowed_once_the_period_is_over_in_hanoi(self, appraised, world):
        with time_machine.travel(NEW_YEAR, tick=False):
            lifecycle.publish(appraised, world.leader, early_reason="not needed")
        assert state_of(appraised) == ScorecardState.PUBLISHED
        assert appraised.early_publication_reason == ""

    def test_allowed_early_with_a_reason_which_is_recorded(self, appraised, world):
        with time_machine.travel(EARLY, tick=False):
            lifecycle.publish(appraised, world.leader, early_reason=f"  {REASON}  ")
        appraised.refresh_from_db()
        assert appraised.state == ScorecardState.PUBLISHED
        assert (appraised.early_publication_reason, appraised.published_by) == (
            REASON,
            world.leader,
        )

    @pytest.mark.parametrize("reason", ["", "   ", None, "x" * 1001])
    def test_the_reason_must_be_given_and_short(self, appraised, world, reason):
        with time_machine.travel(EARLY, tick=False), pytest.raises(access.Refused) as refused:
            lifecycle.publish(appraised, world.leader, early_reason=reason)
        assert list(refused.value.errors) == ["early_reason"]
        assert state_of(appraised) == ScorecardState.APPRAISAL

    @pytest.mark.parametrize("role", ["index_officer", "ward_leader", "desk_officer"])
    def test_only_those_who_may_publish_may_override(self, appraised, world, role):
        with time_machine.travel(EARLY, tick=False), pytest.raises(access.NotAllowed):
            lifecycle.publish(appraised, getattr(world, role), early_reason=REASON)
        assert state_of(appraised) == ScorecardState.APPRAISAL

    def test_a_waiting_unit_and_the_date_are_both_named(self, opened, world):
        lifecycle.open_appraisal(opened, world.index_officer)
        with time_machine.travel(EARLY, tick=False), pytest.raises(access.Refused) as refused:
            lifecycle.publish(opened, world.leader)
        assert set(refused.value.errors) == {"assessments", "early_reason"}


class TestWorkspace:
    url = f"/reform-index/work/{YEAR}/publish/"

    def test_early_publication_asks_for_the_reason_inline(self, client, appraised, world):
        client.force_login(world.leader)
        with time_machine.travel(EARLY, tick=False):
            assert 'name="early_reason"' in client.get("/reform-index/work/").text
            refused = client.post(self.url, {"early_reason": " "})
            assert refused.status_code == 400
            assert "muốn công bố sớm hơn, phải nêu lý do công bố sớm" in refused.text
            assert state_of(appraised) == ScorecardState.APPRAISAL
            assert client.post(self.url, {"early_reason": REASON}).status_code == 302
        assert state_of(appraised) == ScorecardState.PUBLISHED
        shown = "Công bố trước khi kỳ đánh giá kết thúc ngày 31/12/2026. Lý do của lãnh đạo:"
        for page in ("/reform-index/work/", f"/reform-index/{YEAR}/"):
            html = client.get(page).text
            assert shown in html and REASON in html

    def test_no_reason_is_asked_after_the_period(self, client, appraised, world):
        with time_machine.travel(NEW_YEAR, tick=False):
            client.force_login(world.leader)
            assert 'name="early_reason"' not in client.get("/reform-index/work/").text
            assert client.post(self.url).status_code == 302
            assert "Lý do của lãnh đạo" not in client.get(f"/reform-index/{YEAR}/").text
        assert state_of(appraised) == ScorecardState.PUBLISHED

    def test_an_index_officer_cannot_override(self, client, appraised, world):
        client.force_login(world.index_officer)
        with time_machine.travel(EARLY, tick=False):
            assert client.post(self.url, {"early_reason": REASON}).status_code == 403
        assert state_of(appraised) == ScorecardState.APPRAISAL


class TestApi:
    url = f"/api/v1/reform-index/scorecards/{YEAR}/publish/"

    def test_early_needs_the_reason_field(self, api_client, appraised, world):
        api_client.force_authenticate(world.leader)
        with time_machine.travel(EARLY, tick=False):
            refused = api_client.post(self.url, {}, format="json")
            assert refused.status_code == 400 and list(refused.json()) == ["early_reason"]
            published = api_client.post(self.url, {"early_reason": REASON}, format="json")
        assert published.status_code == 200
        body = json.loads(published.content)
        assert (body["state"], body["early_publication_reason"]) == ("published", REASON)

    def test_a_bad_reason_is_a_field_error(self, api_client, appraised, world):
        api_client.force_authenticate(world.leader)
        response = api_client.post(self.url, {"early_reason": ["x"]}, format="json")
        assert response.status_code == 400 and "early_reason" in response.json()

    def test_an_index_officer_cannot_override(self, api_client, appraised, world):
        api_client.force_authenticate(world.index_officer)
        with time_machine.travel(EARLY, tick=False):
            response = api_client.post(self.url, {"early_reason": REASON}, format="json")
        assert response.status_code == 403
        assert state_of(appraised) == ScorecardState.APPRAISAL

    def test_after_the_period_no_reason_is_needed(self, api_client, appraised, world):
        api_client.force_authenticate(world.leader)
        with time_machine.travel(NEW_YEAR, tick=False):
            response = api_client.post(self.url, format="json")
        assert response.status_code == 200 and response.json()["early_publication_reason"] == ""
