"""The staff pages of the reform index: the workspace and its scorecard actions, the ward's
self-assessment and the index officer's appraisal. Who may do what, and bad input."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reform_index.models import AssessmentState, Evidence, Score, ScorecardState
from reform_index.services import lifecycle
from tests.reform_index.conftest import (
    YEAR,
    appraise_all,
    assessment_of,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import ScorecardFactory

WORK = "/reform-index/work/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (4, 2)}


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


def self_url(unit):
    return f"{WORK}{YEAR}/{unit.code}/self/"


def appraise_url(unit):
    return f"{WORK}{YEAR}/{unit.code}/appraise/"


def prefix(scorecard, code):
    return f"c{scorecard.criteria.get(code=code).pk}"


def sheet(scorecard, field, **values):
    """POST data for the leaf forms: ``values`` maps a criterion code (A_1 for A.1) to
    ``field``'s value."""
    return {
        f"{prefix(scorecard, code.replace('_', '.'))}-{field}": value
        for code, value in values.items()
    }


def scores(scorecard, unit, field):
    return dict(
        Score.objects.filter(assessment__scorecard=scorecard, assessment__unit=unit)
        .exclude(criterion__kind="automatic")
        .values_list("criterion__code", field)
    )


@pytest.fixture
def in_appraisal(opened, world):
    self_assess_all(opened, world)
    lifecycle.open_appraisal(opened, world.index_officer)
    opened.refresh_from_db()
    return opened


class TestWorkspace:
    def test_anonymous_users_are_sent_to_log_in(self, client, opened):
        response = client.get(WORK)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url

    @pytest.mark.parametrize("role", ["citizen", "ward_desk"])
    def test_people_without_a_part_in_the_index_are_refused(self, client, opened, world, role):
        client.force_login(getattr(world, role))
        assert client.get(WORK).status_code == 403

    def test_a_ward_leader_sees_their_own_assessment_and_no_process_action(
        self, client, opened, world
    ):
        client.force_login(world.ward_leader)
        html = client.get(WORK).text
        assert self_url(world.ward) in html
        assert world.other_ward.name not in html
        assert "/open-appraisal/" not in html and "/publish/" not in html

    def test_the_officer_opens_a_draft_with_a_confirmed_post(self, client, scorecard, world):
        client.force_login(world.index_officer)
        html = client.get(WORK).text
        assert f"{WORK}{YEAR}/open-self-assessment/" in html
        assert "Xác nhận: Mở tự đánh giá" in html
        assert "/publish/" not in html
        response = client.post(f"{WORK}{YEAR}/open-self-assessment/")
        assert response.status_code == 302
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.SELF_ASSESSMENT
        assert scorecard.assessments.count() == 3

    def test_a_refusal_is_shown_inline(self, client, world):
        empty = ScorecardFactory(year=YEAR)  # no criteria: it cannot open
        client.force_login(world.index_officer)
        response = client.post(f"{WORK}{YEAR}/open-self-assessment/")
        assert response.status_code == 400
        assert "Không thực hiện được" in response.text
        empty.refresh_from_db()
        assert empty.state == ScorecardState.DRAFT

    @pytest.mark.usefixtures("period_over")
    def test_only_a_leader_sees_and_may_use_the_publish_button(self, client, in_appraisal, world):
        appraise_all(in_appraisal, world, POINTS)
        client.force_login(world.index_officer)
        assert f"{WORK}{YEAR}/publish/" not in client.get(WORK).text
        refused = client.post(f"{WORK}{YEAR}/publish/")
        assert refused.status_code == 403
        assert "Chỉ lãnh đạo được công bố" in refused.text
        in_appraisal.refresh_from_db()
        assert in_appraisal.state == ScorecardState.APPRAISAL

        client.force_login(world.leader)
        assert f"{WORK}{YEAR}/publish/" in client.get(WORK).text
        assert client.post(f"{WORK}{YEAR}/publish/").status_code == 302
        in_appraisal.refresh_from_db()
        assert in_appraisal.state == ScorecardState.PUBLISHED

    def test_a_ward_leader_cannot_publish(self, client, in_appraisal, world):
        appraise_all(in_appraisal, world, POINTS)
        client.force_login(world.ward_leader)
        assert client.post(f"{WORK}{YEAR}/publish/").status_code == 403
        in_appraisal.refresh_from_db()
        assert in_appraisal.state == ScorecardState.APPRAISAL

    def test_publishing_before_every_unit_is_appraised_is_refused_inline(
        self, client, in_appraisal, world
    ):
        client.force_login(world.leader)
        response = client.post(f"{WORK}{YEAR}/publish/")
        assert response.status_code == 400
        assert "Phường Lê Lợi" in response.text
        in_appraisal.refresh_from_db()
        assert in_appraisal.state == ScorecardState.APPRAISAL

    def test_an_unknown_action_is_a_404(self, client, opened, world):
        client.force_login(world.index_officer)
        assert client.post(f"{WORK}{YEAR}/reset/").status_code == 404
        assert client.get(f"{WORK}{YEAR}/publish/").status_code == 405


class TestSelfAssessment:
    def test_the_ward_leader_gets_a_form_over_the_manual_leaves(self, client, opened, world):
        client.force_login(world.ward_leader)
        response = client.get(self_url(world.ward))
        assert response.status_code == 200
        html = response.text
        for code in ("A.1", "A.2"):
            assert f'name="{prefix(opened, code)}-self_points"' in html
        for code in ("B.1", "B.2"):  # automatic: read-only
            assert f'name="{prefix(opened, code)}-self_points"' not in html
        assert "tối đa 6 điểm" in html
        assert "Điểm tính tự động" in html

    def test_another_wards_leader_cannot_open_or_post_it(self, client, opened, world):
        client.force_login(world.other_ward_leader)
        assert client.get(self_url(world.ward)).status_code in (403, 404)
        data = sheet(opened, "self_points", A_1="6")
        assert client.post(self_url(world.ward), data).status_code in (403, 404)
        assert scores(opened, world.ward, "self_points") == {"A.1": None, "A.2": None}

    @pytest.mark.parametrize("role", ["index_officer", "leader"])
    def test_index_staff_do_not_fill_a_wards_self_assessment(self, client, opened, world, role):
        client.force_login(getattr(world, role))
        assert client.get(self_url(world.ward)).status_code == 403

    def test_saving_a_draft_with_a_decimal_comma(self, client, opened, world):
        client.force_login(world.ward_leader)
        data = {
            **sheet(opened, "self_points", A_1="5,5", A_2="3"),
            **sheet(opened, "self_note", A_1="Đã ban hành kế hoạch."),
            **sheet(opened, "evidence_links", A_1="https://vanban.example.vn/kh-01.pdf\n"),
            "save": "1",
        }
        response = client.post(self_url(world.ward), data)
        assert response.status_code == 302
        assert scores(opened, world.ward, "self_points") == {
            "A.1": Decimal("5.50"),
            "A.2": Decimal("3.00"),
        }
        assert scores(opened, world.ward, "evidence_links")["A.1"] == [
            "https://vanban.example.vn/kh-01.pdf"
        ]
        assert assessment_of(opened, world.ward).state == AssessmentState.DRAFT
        assert "Đã lưu nháp" in client.get(response.url).text

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("7", "Nhập số điểm từ 0 đến 6"),
            ("-1", "Nhập số điểm từ 0 đến 6"),
            ("abc", "Nhập một số"),
            ("2,555", "Chỉ dùng tối đa hai chữ số thập phân"),
        ],
    )
    def test_bad_points_are_shown_inline_and_nothing_is_saved(
        self, client, opened, world, value, message
    ):
        client.force_login(world.ward_leader)
        data = {
            **sheet(opened, "self_points", A_1=value, A_2="3"),
            **sheet(opened, "self_note", A_2="Ghi chú không được lưu."),
        }
        response = client.post(self_url(world.ward), data)
        assert response.status_code == 400
        field = response.text.split('id="criterion-A.1"')[1].split("</fieldset>")[0]
        assert 'class="errorlist' in field
        assert message in field
        assert f'value="{value}"' in field  # what was typed stays
        assert scores(opened, world.ward, "self_points") == {"A.1": None, "A.2": None}
        assert scores(opened, world.ward, "self_note") == {"A.1": "", "A.2": ""}

    def test_a_bad_link_is_shown_inline_and_nothing_is_saved(self, client, opened, world):
        client.force_login(world.ward_leader)
        data = {
            **sheet(opened, "self_points", A_1="5"),
            **sheet(opened, "evidence_links", A_1="vanban/kh-01.pdf"),
        }
        response = client.post(self_url(world.ward), data)
        assert response.status_code == 400
        field = response.text.split('id="criterion-A.1"')[1].split("</fieldset>")[0]
        assert "“vanban/kh-01.pdf” không phải địa chỉ web" in field
        assert scores(opened, world.ward, "self_points")["A.1"] is None

    def test_an_evidence_file_is_attached(self, client, opened, world):
        client.force_login(world.ward_leader)
        upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
        data = {
            **sheet(opened, "self_points", A_1="5"),
            f"{prefix(opened, 'A.1')}-evidence_file": upload,
        }
        assert client.post(self_url(world.ward), data).status_code == 302
        evidence = Evidence.objects.get()
        assert evidence.original_name == "ke-hoach.pdf"
        page = client.get(self_url(world.ward)).text
        assert f"/reform-index/work/evidence/{evidence.pk}/" in page
        download = client.get(f"/reform-index/work/evidence/{evidence.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF

        client.force_login(world.other_ward_leader)
        assert client.get(f"/reform-index/work/evidence/{evidence.pk}/").status_code == 404
        assert client.post(f"/reform-index/work/evidence/{evidence.pk}/remove/").status_code in (
            403,
            404,
        )
        client.force_login(world.ward_leader)
        response = client.post(f"/reform-index/work/evidence/{evidence.pk}/remove/")
        assert response.status_code == 302
        assert not Evidence.objects.exists()

    def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(
        self, client, opened, world
    ):
        client.force_login(world.ward_leader)
        upload = SimpleUploadedFile(
            "virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        data = {
            **sheet(opened, "self_points", A_1="5"),
            f"{prefix(opened, 'A.1')}-evidence_file": upload,
        }
        response = client.post(self_url(world.ward), data)
        assert response.status_code == 400
        assert "virus.pdf" in response.text
        assert not Evidence.objects.exists()
        assert scores(opened, world.ward, "self_points")["A.1"] is None

    def test_submitting_with_missing_points_saves_the_draft_and_names_the_gap(
        self, client, opened, world
    ):
        client.force_login(world.ward_leader)
        data = {**sheet(opened, "self_points", A_1="5"), "submit": "1"}
        response = client.post(self_url(world.ward), data)
        assert response.status_code == 400
        gap = response.text.split('id="criterion-A.2"')[1].split("</fieldset>")[0]
        assert 'class="errorlist' in gap
        assert scores(opened, world.ward, "self_points")["A.1"] == Decimal("5.00")
        assert assessment_of(opened, world.ward).state == AssessmentState.DRAFT

    def test_after_submission_the_sheet_is_read_only(self, client, opened, world):
        client.force_login(world.ward_leader)
        data = {**sheet(opened, "self_points", A_1="5", A_2="3"), "submit": "1"}
        assert client.post(self_url(world.ward), data).status_code == 302
        assert assessment_of(opened, world.ward).state == AssessmentState.SUBMITTED
        html = client.get(self_url(world.ward)).text
        assert "-self_points" not in html
        assert "không thể sửa kết quả tự đánh giá nữa" in html
        again = client.post(self_url(world.ward), sheet(opened, "self_points", A_1="1"))
        assert again.status_code == 400
        assert scores(opened, world.ward, "self_points")["A.1"] == Decimal("5.00")


class TestAppraisal:
    def test_only_the_index_officer_appraises(self, client, in_appraisal, world):
        for user in (world.ward_leader, world.leader):
            client.force_login(user)
            assert client.get(appraise_url(world.ward)).status_code in (403, 404)
            data = {**sheet(in_appraisal, "appraised_points", A_1="1"), "appraise": "1"}
            assert client.post(appraise_url(world.ward), data).status_code in (403, 404)
        assert scores(in_appraisal, world.ward, "appraised_points")["A.1"] is None
        assert assessment_of(in_appraisal, world.ward).state == AssessmentState.SUBMITTED

    def test_the_page_shows_the_units_points_evidence_and_figures(
        self, client, in_appraisal, world
    ):
        client.force_login(world.index_officer)
        response = client.get(appraise_url(world.ward))
        assert response.status_code == 200
        html = response.text
        assert f'name="{prefix(in_appraisal, "A.1")}-appraised_points"' in html
        assert f'name="{prefix(in_appraisal, "B.1")}-appraised_points"' not in html
        assert "Điểm tự đánh giá" in html
        assert "0 trên 0 hồ sơ đã giải quyết trong kỳ" in html  # the on-time figures
        assert 'name="survey-survey_score"' not in html  # no survey in this scorecard

    def test_the_officer_saves_and_closes_an_appraisal(self, client, in_appraisal, world):
        client.force_login(world.index_officer)
        data = {
            **sheet(in_appraisal, "appraised_points", A_1="4,5", A_2="3"),
            **sheet(in_appraisal, "appraisal_comment", A_1="Thiếu tài liệu kiểm chứng."),
            "appraise": "1",
        }
        response = client.post(appraise_url(world.ward), data)
        assert response.status_code == 302
        assert scores(in_appraisal, world.ward, "appraised_points") == {
            "A.1": Decimal("4.50"),
            "A.2": Decimal("3.00"),
        }
        assert assessment_of(in_appraisal, world.ward).state == AssessmentState.APPRAISED

    def test_bad_appraised_points_are_shown_inline_and_nothing_is_saved(
        self, client, in_appraisal, world
    ):
        client.force_login(world.index_officer)
        data = {
            **sheet(in_appraisal, "appraised_points", A_1="3", A_2="4,5"),
            "appraise": "1",
        }
        response = client.post(appraise_url(world.ward), data)
        assert response.status_code == 400
        field = response.text.split('id="criterion-A.2"')[1].split("</fieldset>")[0]
        assert "Nhập số điểm từ 0 đến 4" in field
        assert scores(in_appraisal, world.ward, "appraised_points") == {"A.1": None, "A.2": None}
        assert assessment_of(in_appraisal, world.ward).state == AssessmentState.SUBMITTED

    def test_the_officer_recomputes_one_unit(self, client, in_appraisal, world):
        client.force_login(world.index_officer)
        response = client.post(f"{WORK}{YEAR}/{world.ward.code}/compute/")
        assert response.status_code == 302
        assert response.url == appraise_url(world.ward)
        client.force_login(world.ward_leader)
        assert client.post(f"{WORK}{YEAR}/{world.ward.code}/compute/").status_code == 403


class TestSurvey:
    @pytest.fixture
    def with_survey(self, world):
        scorecard = build_tree(ScorecardFactory(year=YEAR, survey_points=Decimal(80)))
        lifecycle.open_self_assessment(scorecard, world.index_officer)
        self_assess_all(scorecard, world)
        lifecycle.open_appraisal(scorecard, world.index_officer)
        return scorecard

    def test_the_survey_score_has_its_field_and_range(self, client, with_survey, world):
        client.force_login(world.index_officer)
        assert 'name="survey-survey_score"' in client.get(appraise_url(world.ward)).text
        data = {"survey-survey_score": "81", **sheet(with_survey, "appraised_points", A_1="3")}
        response = client.post(appraise_url(world.ward), data)
        assert response.status_code == 400
        assert "từ 0 đến 80" in response.text
        assessment = assessment_of(with_survey, world.ward)
        assert assessment.survey_score is None
        assert scores(with_survey, world.ward, "appraised_points")["A.1"] is None

        data["survey-survey_score"] = "72,5"
        assert client.post(appraise_url(world.ward), data).status_code == 302
        assessment.refresh_from_db()
        assert assessment.survey_score == Decimal("72.50")
