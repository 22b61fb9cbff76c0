"""Accepting the unit's self-assessed scores during the appraisal — per criterion, per
area and for the whole sheet, in the service, on the appraisal page and in the API — and
the appraisal page's count of what is appraised and what is not yet."""

import json
from decimal import Decimal as D

import pytest
from django.utils import translation

from reform_index.models import Score
from reform_index.services import access, appraisal, lifecycle
from tests.reform_index.conftest import YEAR, assessment_of, build_tree, self_assess_all
from tests.reform_index.factories import CriterionFactory, ScorecardFactory

API = f"/api/v1/reform-index/scorecards/{YEAR}/assessments"
WORK = f"/reform-index/work/{YEAR}"


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


@pytest.fixture
def sheet(world):
    """The 2026 tree plus a manual area C (C.1, 4 points), under appraisal; every ward
    self-assessed A.1 = 5, A.2 = 3 and C.1 = 2. Returns the first ward's assessment."""
    scorecard = build_tree(ScorecardFactory(year=YEAR))
    area_c = CriterionFactory(scorecard=scorecard, code="C", max_points=4, order=7)
    CriterionFactory(scorecard=scorecard, parent=area_c, code="C.1", max_points=4, order=8)
    lifecycle.open_self_assessment(scorecard, world.index_officer)
    Score.objects.filter(criterion__code="C.1").update(self_points=2)
    self_assess_all(scorecard, world)
    lifecycle.open_appraisal(scorecard, world.index_officer)
    return assessment_of(scorecard, world.ward)


def appraised(assessment):
    return dict(
        assessment.scores.values_list("criterion__code", "appraised_points").order_by(
            "criterion__code"
        )
    )


def type_points(assessment, officer, **points):
    entries = {
        code.replace("_", "."): {"appraised_points": value} for code, value in points.items()
    }
    appraisal.save_appraisal(assessment, officer, entries)


class TestAcceptService:
    def test_one_criterion_keeps_the_others_and_the_typed_scores(self, sheet, world):
        officer = world.index_officer
        type_points(sheet, officer, A_2=1)
        assert appraisal.accept_self_scores(sheet, officer, "A.1") == 1
        assert appraised(sheet) == {"A.1": 5, "A.2": 1, "B.1": None, "B.2": None, "C.1": None}
        with pytest.raises(access.Refused) as refused:
            appraisal.accept_self_scores(sheet, officer, "A.2")
        assert refused.value.errors == {
            "criterion": ["Tất cả tiêu chí ở đây đã được thẩm định; điểm đã nhập được giữ nguyên."]
        }
        assert appraised(sheet)["A.2"] == 1

    def test_an_area_accepts_its_leaves_only(self, sheet, world):
        type_points(sheet, world.index_officer, A_1=D("2.5"))
        assert appraisal.accept_self_scores(sheet, world.index_officer, "A") == 1
        assert appraised(sheet) == {
            "A.1": D("2.5"),
            "A.2": 3,
            "B.1": None,
            "B.2": None,
            "C.1": None,
        }

    def test_the_whole_sheet_then_closes_and_automatic_leaves_stay_computed(self, sheet, world):
        officer = world.index_officer
        with pytest.raises(access.Refused) as refused:
            appraisal.appraise_assessment(sheet, officer)
        assert (
            "chấp nhận điểm đơn vị tự chấm"
            in refused.value.errors["scores"]["A.1"]["appraised_points"][0]
        )
        type_points(sheet, officer, C_1=4)
        assert appraisal.accept_self_scores(sheet, officer) == 2
        assert appraised(sheet) == {"A.1": 5, "A.2": 3, "B.1": None, "B.2": None, "C.1": 4}
        appraisal.appraise_assessment(sheet, officer)
        with pytest.raises(access.Refused) as nothing_left:
            appraisal.accept_self_scores(sheet, officer)
        assert list(nothing_left.value.errors) == ["scores"]

    def test_a_leaf_without_self_points_cannot_be_accepted(self, sheet, world):
        sheet.scores.filter(criterion__code="A.1").update(self_points=None)
        with pytest.raises(access.Refused) as refused:
            appraisal.accept_self_scores(sheet, world.index_officer, "A.1")
        assert "hãy nhập điểm thẩm định" in refused.value.errors["criterion"][0]
        assert appraised(sheet)["A.1"] is None

    def test_an_unknown_code_is_refused(self, sheet, world):
        with pytest.raises(access.Refused) as refused:
            appraisal.accept_self_scores(sheet, world.index_officer, "Z.9")
        assert refused.value.errors == {
            "criterion": ["Bộ chỉ số này không có tiêu chí nào mang mã này."]
        }

    @pytest.mark.parametrize("role", ["leader", "ward_leader", "desk_officer"])
    def test_only_index_officers_accept(self, sheet, world, role):
        with pytest.raises(access.NotAllowed):
            appraisal.accept_self_scores(sheet, getattr(world, role))
        assert set(appraised(sheet).values()) == {None}

    def test_not_before_the_appraisal(self, opened, world):
        with pytest.raises(access.Refused, match="giai đoạn thẩm định"):
            appraisal.accept_self_scores(assessment_of(opened, world.ward), world.index_officer)


class TestAppraisalPage:
    def url(self, assessment):
        return f"{WORK}/{assessment.unit.code}/appraise/"

    def box(self, assessment, code):
        return f"c{assessment.scorecard.criteria.get(code=code).pk}-appraised_points"

    def test_the_header_counts_what_is_appraised_and_what_is_not(self, client, sheet, world):
        type_points(sheet, world.index_officer, A_1=D("4.5"))
        client.force_login(world.index_officer)
        html = client.get(self.url(sheet)).text
        assert "Đã thẩm định 1/3 tiêu chí — 4,5 điểm; chưa thẩm định 2" in html
        assert "Tổng điểm nếu chấp nhận điểm tự chấm cho phần còn lại:" in html
        assert 'name="accept_all"' in html and 'name="accept" value="A.2"' in html
        assert 'name="accept" value="A.1"' not in html  # typed already: nothing to accept

    def test_accepting_a_criterion_saves_the_typed_boxes_first(self, client, sheet, world):
        client.force_login(world.index_officer)
        data = {self.box(sheet, "A.1"): "", self.box(sheet, "A.2"): "1", "accept": "A.1"}
        response = client.post(self.url(sheet), data, follow=True)
        assert response.status_code == 200
        assert "Đã chấp nhận điểm tự chấm của 1 tiêu chí." in response.text
        assert appraised(sheet) == {"A.1": 5, "A.2": 1, "B.1": None, "B.2": None, "C.1": None}

    def test_accepting_an_area_and_the_whole_sheet(self, client, sheet, world):
        client.force_login(world.index_officer)
        client.post(self.url(sheet), {self.box(sheet, "C.1"): "3", "accept": "A"})
        assert appraised(sheet) == {"A.1": 5, "A.2": 3, "B.1": None, "B.2": None, "C.1": 3}
        sheet.scores.filter(criterion__code="C.1").update(appraised_points=None)
        client.post(self.url(sheet), {"accept_all": "1"})
        assert appraised(sheet)["C.1"] == 2
        html = client.get(self.url(sheet)).text
        assert "Đã thẩm định 3/3 tiêu chí — 10 điểm; chưa thẩm định 0" in html
        assert 'name="accept_all"' not in html

    def test_a_refusal_is_shown_on_the_page(self, client, sheet, world):
        client.force_login(world.index_officer)
        response = client.post(self.url(sheet), {"accept": "Z.9"})
        assert response.status_code == 400
        assert "Bộ chỉ số này không có tiêu chí nào mang mã này." in response.text
        assert "không có điểm tự chấm nào được chấp nhận" in response.text

    def test_a_leader_may_not_accept(self, client, sheet, world):
        client.force_login(world.leader)
        assert client.post(self.url(sheet), {"accept_all": "1"}).status_code == 403
        assert set(appraised(sheet).values()) == {None}


class TestAcceptApi:
    def url(self, assessment):
        return f"{API}/{assessment.unit.code}/accept-self-scores/"

    def test_an_area_then_the_rest(self, api_client, sheet, world):
        api_client.force_authenticate(world.index_officer)
        type_points(sheet, world.index_officer, A_2=0)
        response = api_client.post(self.url(sheet), {"criterion": "A"}, format="json")
        assert response.status_code == 200
        assert response.json()["appraisal"] == {
            "criteria": 3,
            "appraised": 2,
            "points": 5.0,
            "pending": 1,
            "acceptable": 1,
        }
        assert api_client.post(self.url(sheet), {}, format="json").status_code == 200
        assert appraised(sheet) == {"A.1": 5, "A.2": 0, "B.1": None, "B.2": None, "C.1": 2}

    def test_refusals_are_field_level(self, api_client, sheet, world):
        api_client.force_authenticate(world.index_officer)
        unknown = api_client.post(self.url(sheet), {"criterion": "Z.9"}, format="json")
        assert unknown.status_code == 400
        assert unknown.json() == {"criterion": ["Bộ chỉ số này không có tiêu chí nào mang mã này."]}
        assert api_client.post(self.url(sheet), format="json").status_code == 200
        again = api_client.post(self.url(sheet), format="json")
        assert again.status_code == 400 and "đã được thẩm định" in again.json()["scores"][0]

    def test_only_index_officers(self, api_client, sheet, world):
        assert api_client.post(self.url(sheet)).status_code == 401
        api_client.force_authenticate(world.leader)
        assert api_client.post(self.url(sheet)).status_code == 403
        assert set(appraised(sheet).values()) == {None}

    def test_the_schema_describes_the_body_and_the_progress(self, api_client):
        response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        schema = json.loads(response.content)
        operation = schema["paths"][
            "/api/v1/reform-index/scorecards/{year}/assessments/{unit_code}/accept-self-scores/"
        ]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/AcceptRequest"
        )
        assert "appraisal" in schema["components"]["schemas"]["Breakdown"]["properties"]
        publish = schema["paths"]["/api/v1/reform-index/scorecards/{year}/publish/"]["post"]
        assert publish["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/PublishRequest"
        )
