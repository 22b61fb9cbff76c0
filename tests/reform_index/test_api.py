"""The reform index API: public reads, role-checked writes, errors per field, flat query
counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reform_index.models import Inspection, Scorecard, ScorecardState
from reform_index.services import computing, lifecycle
from tests.factories import UnitFactory
from tests.reform_index.conftest import (
    AFTER_THE_PERIOD,
    YEAR,
    appraise_all,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import (
    AssessmentFactory,
    InspectionFactory,
    ScorecardFactory,
)

BASE = "/api/v1/reform-index"
POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (4, 3)}


def url(path):
    return f"{BASE}/{path}"


def publish_year(scorecard, world, points=POINTS):
    if scorecard.state == ScorecardState.DRAFT:
        lifecycle.open_self_assessment(scorecard, world.index_officer)
    self_assess_all(scorecard, world)
    lifecycle.open_appraisal(scorecard, world.index_officer)
    appraise_all(scorecard, world, points)
    lifecycle.publish(scorecard, world.leader, now=AFTER_THE_PERIOD)
    scorecard.refresh_from_db()
    return scorecard


@pytest.fixture
def client_as(api_client):
    def login(user=None):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def two_years(world):
    """Last year published (ward 3 first), this year published too (ward 1 first)."""
    last = publish_year(
        build_tree(ScorecardFactory(year=YEAR - 1)),
        world,
        {"H26.45.01": (3, 3), "H26.45.02": (5, 3), "H26.45.03": (6, 4)},
    )
    this = publish_year(build_tree(ScorecardFactory(year=YEAR)), world)
    return last, this


class TestScorecards:
    def test_anonymous_callers_see_published_scorecards_only(self, world, client_as):
        ScorecardFactory(year=2024, published=True)
        ScorecardFactory(year=2025, appraisal=True)
        ScorecardFactory(year=2026)
        response = client_as(None).get(url("scorecards/"))
        assert response.status_code == 200
        assert [row["year"] for row in response.json()["results"]] == [2024]
        assert client_as(None).get(url("scorecards/2026/")).status_code == 404

    def test_index_officers_and_leaders_see_all_and_unit_leaders_those_in_progress(
        self, world, client_as
    ):
        for year, state in ((2024, "published"), (2025, "appraisal"), (2026, "draft")):
            ScorecardFactory(year=year, state=state)
        years = lambda user: [  # noqa: E731
            row["year"] for row in client_as(user).get(url("scorecards/")).json()["results"]
        ]
        assert years(world.index_officer) == years(world.leader) == [2026, 2025, 2024]
        assert years(world.ward_leader) == [2025, 2024]

    def test_detail_has_the_tree_with_each_areas_maximum(self, scorecard, world, client_as):
        body = client_as(world.index_officer).get(url(f"scorecards/{YEAR}/")).json()
        assert body["max_points"] == 20
        assert [(area["code"], area["max_points"]) for area in body["areas"]] == [
            ("A", 10),
            ("B", 10),
        ]
        b1 = body["areas"][1]["children"][0]
        assert (b1["code"], b1["metric"], b1["rule"]) == ("B.1", "on_time_rate", "ratio")
        assert "98%" in b1["rule_text"]

    def test_criteria_are_listed_flat_with_parent_codes(self, scorecard, world, client_as):
        rows = (
            client_as(world.index_officer)
            .get(url(f"scorecards/{YEAR}/criteria/"))
            .json()["results"]
        )
        assert [(r["code"], r["parent"], r["is_leaf"]) for r in rows] == [
            ("A", "", False),
            ("A.1", "A", True),
            ("A.2", "A", True),
            ("B", "", False),
            ("B.1", "B", True),
            ("B.2", "B", True),
        ]

    @pytest.mark.parametrize("path", ["scorecards/abcd/", "scorecards/99999/", "scorecards/1990/"])
    def test_nonsense_years_are_404(self, world, client_as, path):
        assert client_as(world.index_officer).get(url(path)).status_code == 404


class TestRanking:
    def test_rows_have_unit_total_rank_grade_and_change(self, two_years, client_as):
        body = client_as(None).get(url(f"scorecards/{YEAR}/ranking/")).json()
        assert body["previous_year"] == YEAR - 1 and body["provisional"] is False
        rows = [
            (r["unit"]["code"], r["total"], r["rank"], r["grade"], r["previous_rank"], r["change"])
            for r in body["results"]
        ]
        # This year: 6+4+0+5 = 75 %, 5+3+5 = 65 %, 4+3+5 = 60 %. Last year the reverse.
        assert rows == [
            ("H26.45.01", 75.0, 1, "Khá", 3, 2),
            ("H26.45.02", 65.0, 2, "Trung bình", 2, 0),
            ("H26.45.03", 60.0, 3, "Trung bình", 1, -2),
        ]
        assert body["results"][0]["unit"]["name"] == "Phường Lê Lợi"

    def test_the_first_year_has_no_change(self, two_years, client_as):
        rows = client_as(None).get(url(f"scorecards/{YEAR - 1}/ranking/")).json()["results"]
        assert {(r["previous_rank"], r["change"]) for r in rows} == {(None, None)}

    def test_an_unpublished_ranking_is_provisional_and_hidden_from_the_public(
        self, opened, world, client_as
    ):
        assert client_as(None).get(url(f"scorecards/{YEAR}/ranking/")).status_code == 404
        body = client_as(world.leader).get(url(f"scorecards/{YEAR}/ranking/")).json()
        assert body["provisional"] is True and len(body["results"]) == 3

    def test_ranking_queries_do_not_grow_with_units(self, world, client_as):
        ScorecardFactory(year=2029, published=True)  # both years have a previous one
        counts = []
        for year, extra in ((2030, 0), (2031, 6)):
            scorecard = ScorecardFactory(year=year, published=True)
            for n in range(3 + extra):
                unit = UnitFactory(code=f"R{year}.{n}", parent=world.town)
                AssessmentFactory(scorecard=scorecard, unit=unit, total=Decimal(n), rank=n + 1)
            client = client_as(None)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(f"scorecards/{year}/ranking/")).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestAssessments:
    def test_the_public_sees_a_published_units_breakdown_without_dossiers(
        self, two_years, world, client_as, make_dossier
    ):
        make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="late")
        body = client_as(None).get(url(f"scorecards/{YEAR}/assessments/H26.45.01/")).json()
        assert (body["total"], body["rank"], body["grade"]) == (75.0, 1, "Khá")
        assert body["provisional"] is False and body["is_percentage"] is True
        b1 = body["areas"][1]["children"][0]
        assert b1["score"]["numerator"] == 0 and b1["score"]["records"] is None
        b2 = body["areas"][1]["children"][1]
        assert b2["score"]["records"]["kind"] == "inspection"

    def test_staff_see_the_dossiers_behind_an_automatic_point(
        self, opened, world, client_as, make_dossier
    ):
        late = make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="late")
        make_dossier(world.ward, resolved=date(YEAR, 3, 4), verdict="on_time")
        self_assess_all(opened, world)
        lifecycle.open_appraisal(opened, world.index_officer)
        body = (
            client_as(world.index_officer)
            .get(url(f"scorecards/{YEAR}/assessments/H26.45.01/"))
            .json()
        )
        b1 = body["areas"][1]["children"][0]["score"]
        assert (b1["numerator"], b1["denominator"], b1["value"]) == (1, 2, 0.5)
        assert b1["records"]["count"] == 1
        assert b1["records"]["items"][0]["label"].startswith(late.code)
        assert b1["records"]["items"][0]["url"] == f"/desk/dossiers/{late.code}/"

    def test_a_unit_leader_reads_only_their_own_unpublished_assessment(
        self, opened, world, client_as
    ):
        client = client_as(world.ward_leader)
        assert client.get(url(f"scorecards/{YEAR}/assessments/H26.45.01/")).status_code == 200
        assert client.get(url(f"scorecards/{YEAR}/assessments/H26.45.02/")).status_code == 404
        codes = [
            row["unit"]["code"] for row in client.get(url(f"scorecards/{YEAR}/assessments/")).json()
        ]
        assert codes == ["H26.45.01"]

    def test_the_wards_leader_patches_its_self_assessment(self, opened, world, client_as):
        response = client_as(world.ward_leader).patch(
            url(f"scorecards/{YEAR}/assessments/H26.45.01/"),
            {"scores": {"A.1": {"self_points": "5.5", "self_note": "Đủ hồ sơ"}}},
            format="json",
        )
        assert response.status_code == 200, response.json()
        a1 = response.json()["areas"][0]["children"][0]
        assert a1["score"]["self_points"] == 5.5 and a1["score"]["self_note"] == "Đủ hồ sơ"

    @pytest.mark.parametrize("role", ["other_ward_leader", "index_officer", "leader"])
    def test_nobody_else_patches_a_wards_self_assessment(self, opened, world, client_as, role):
        response = client_as(getattr(world, role)).patch(
            url(f"scorecards/{YEAR}/assessments/H26.45.01/"),
            {"scores": {"A.1": {"self_points": 1}}},
            format="json",
        )
        assert response.status_code == 403
        assert "Phường Lê Lợi" in response.json()["detail"]

    def test_staff_outside_the_index_do_not_even_see_it(self, opened, world, client_as):
        response = client_as(world.ward_desk).patch(
            url(f"scorecards/{YEAR}/assessments/H26.45.01/"),
            {"scores": {"A.1": {"self_points": 1}}},
            format="json",
        )
        assert response.status_code == 404

    def test_anonymous_callers_cannot_patch(self, opened, client_as):
        response = client_as(None).patch(
            url(f"scorecards/{YEAR}/assessments/H26.45.01/"), {"scores": {}}, format="json"
        )
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            ({"scores": {"A.1": {"self_points": "abc"}}}, {"scores": {"A.1": ["self_points"]}}),
            ({"scores": {"A.1": {"self_points": 7}}}, {"scores": {"A.1": ["self_points"]}}),
            ({"scores": {"A.1": {"self_points": "1.234"}}}, {"scores": {"A.1": ["self_points"]}}),
            ({"scores": {"B.1": {"self_points": 1}}}, {"scores": {"B.1": ["self_points"]}}),
            ({"scores": {"Z": {"self_points": 1}}}, {"scores": {"Z": ["criterion"]}}),
            (
                {"scores": {"A.1": {"evidence_links": ["not a url"]}}},
                {"scores": {"A.1": ["evidence_links"]}},
            ),
            (
                {"scores": {"A.1": {"appraised_points": 1}}},
                {"scores": {"A.1": ["appraised_points"]}},
            ),
            ({"scores": ["A.1"]}, {"scores": None}),
            ({"survey_score": 3}, {"survey_score": None}),
            ({}, {"scores": None}),
        ],
    )
    def test_bad_input_is_400_per_field(self, opened, world, client_as, body, errors):
        response = client_as(world.ward_leader).patch(
            url(f"scorecards/{YEAR}/assessments/H26.45.01/"), body, format="json"
        )
        assert response.status_code == 400
        answer = response.json()
        for field, nested in errors.items():
            assert field in answer
            for code, names in (nested or {}).items():
                assert set(names) <= set(answer[field][code])

    def test_submit_appraise_and_compute(self, opened, world, client_as):
        ward_url = url(f"scorecards/{YEAR}/assessments/H26.45.01/")
        leader = client_as(world.ward_leader)
        refused = leader.post(ward_url + "submit/")
        assert refused.status_code == 400 and set(refused.json()["scores"]) == {"A.1", "A.2"}
        leader.patch(
            ward_url,
            {"scores": {"A.1": {"self_points": 5}, "A.2": {"self_points": 3}}},
            format="json",
        )
        assert leader.post(ward_url + "submit/").json()["state"] == "submitted"
        assert leader.post(ward_url + "appraise/").status_code == 403
        assert leader.post(ward_url + "compute/").status_code == 403
        officer = client_as(world.index_officer)
        assert officer.post(ward_url + "appraise/").status_code == 400  # not in appraisal yet
        assert officer.post(url(f"scorecards/{YEAR}/open-appraisal/")).status_code == 200
        officer.patch(
            ward_url,
            {"scores": {"A.1": {"appraised_points": 4, "appraisal_comment": "Thiếu minh chứng"}}},
            format="json",
        )
        refused = officer.post(ward_url + "appraise/")
        assert refused.status_code == 400 and list(refused.json()["scores"]) == ["A.2"]
        officer.patch(ward_url, {"scores": {"A.2": {"appraised_points": 3}}}, format="json")
        body = officer.post(ward_url + "appraise/").json()
        assert body["state"] == "appraised" and body["points"] == 12  # 4 + 3 + 0 + 5
        assert officer.post(ward_url + "compute/").status_code == 200

    def test_breakdown_queries_do_not_grow_with_dossiers(
        self, opened, world, client_as, make_dossier
    ):
        self_assess_all(opened, world)
        lifecycle.open_appraisal(opened, world.index_officer)
        client = client_as(world.index_officer)
        counts = []
        for batch in (1, 12):
            for _n in range(batch):
                make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="late")
                InspectionFactory(
                    unit=world.ward, date=date(YEAR, 2, 2), violations=1, findings="x"
                )
            computing.compute_automatic(opened)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url(f"scorecards/{YEAR}/assessments/H26.45.01/"))
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestScorecardActions:
    def test_open_self_assessment_by_an_officer(self, scorecard, world, client_as):
        response = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/open-self-assessment/")
        )
        assert response.status_code == 200 and response.json()["state"] == "self_assessment"

    def test_a_bad_tree_is_400_with_the_reason(self, scorecard, world, client_as):
        scorecard.criteria.filter(code="A").update(max_points=11)
        response = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/open-self-assessment/")
        )
        assert response.status_code == 400 and "criteria" in response.json()

    @pytest.mark.usefixtures("period_over")
    def test_only_leaders_publish(self, opened, world, client_as):
        self_assess_all(opened, world)
        lifecycle.open_appraisal(opened, world.index_officer)
        appraise_all(opened, world, POINTS)
        refused = client_as(world.index_officer).post(url(f"scorecards/{YEAR}/publish/"))
        assert refused.status_code == 403 and refused.json()["detail"]
        response = client_as(world.leader).post(url(f"scorecards/{YEAR}/publish/"))
        assert response.status_code == 200 and response.json()["state"] == "published"
        again = client_as(world.leader).post(url(f"scorecards/{YEAR}/publish/"))
        assert again.status_code == 400 and isinstance(again.json()["detail"], str)
        recompute = client_as(world.index_officer).post(url(f"scorecards/{YEAR}/compute/"))
        assert recompute.status_code == 400

    def test_publishing_too_early_names_the_units_waiting(self, opened, world, client_as):
        lifecycle.open_appraisal(opened, world.index_officer)
        response = client_as(world.leader).post(url(f"scorecards/{YEAR}/publish/"))
        assert response.status_code == 400 and "Phường Lê Lợi" in response.json()["assessments"][0]

    def test_a_unit_leader_cannot_see_a_draft_to_open_it(self, scorecard, world, client_as):
        response = client_as(world.ward_leader).post(
            url(f"scorecards/{YEAR}/open-self-assessment/")
        )
        assert response.status_code == 404

    def test_copy(self, scorecard, world, client_as):
        response = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/copy/"), {"year": YEAR + 1}, format="json"
        )
        assert response.status_code == 201 and response.json()["year"] == YEAR + 1
        assert Scorecard.objects.get(year=YEAR + 1).criteria.count() == 6
        again = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/copy/"), {"year": YEAR + 1}, format="json"
        )
        assert again.status_code == 400 and "year" in again.json()
        bad = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/copy/"), {"year": "next"}, format="json"
        )
        assert bad.status_code == 400 and "year" in bad.json()
        assert (
            client_as(world.leader)
            .post(url(f"scorecards/{YEAR}/copy/"), {"year": 2040}, format="json")
            .status_code
            == 403
        )

    def test_export_and_import(self, scorecard, world, client_as):
        officer = client_as(world.index_officer)
        exported = officer.get(url(f"scorecards/{YEAR}/criteria/export/?format=csv"))
        assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
        assert "attachment" in exported["Content-Disposition"]
        target = ScorecardFactory(year=YEAR + 1)
        upload = SimpleUploadedFile("tieu-chi.csv", exported.content)
        response = officer.post(
            url(f"scorecards/{target.year}/criteria/import/"), {"file": upload}, format="multipart"
        )
        assert response.status_code == 200 and response.json() == {"imported": 6}

    @pytest.mark.parametrize(
        ("name", "content", "field"),
        [
            ("x.json", b"{oops", "file"),
            ("x.txt", b"{}", "format"),
            ("x.csv", b"code,name\n", "file"),
        ],
    )
    def test_bad_import_files_are_400(self, scorecard, world, client_as, name, content, field):
        response = client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/criteria/import/"),
            {"file": SimpleUploadedFile(name, content)},
            format="multipart",
        )
        assert response.status_code == 400 and field in response.json()
        assert scorecard.criteria.count() == 6

    def test_import_without_a_file_or_by_a_leader(self, scorecard, world, client_as):
        assert client_as(world.index_officer).post(
            url(f"scorecards/{YEAR}/criteria/import/"), {}, format="multipart"
        ).json().keys() == {"file"}
        assert (
            client_as(world.leader)
            .post(url(f"scorecards/{YEAR}/criteria/import/"), {}, format="multipart")
            .status_code
            == 403
        )

    def test_export_format_is_checked(self, scorecard, world, client_as):
        response = client_as(world.index_officer).get(
            url(f"scorecards/{YEAR}/criteria/export/?format=xml")
        )
        assert response.status_code == 400 and "format" in response.json()


class TestInspections:
    def body(self, **overrides):
        return {
            "unit": "H26.45.01",
            "date": "2026-03-02",
            "team": "Đoàn kiểm tra công vụ thị xã",
            "kind": "unannounced",
            "violations": 1,
            "findings": "01 công chức không đeo thẻ",
            **overrides,
        }

    def test_the_public_sees_published_inspections(self, world, client_as):
        InspectionFactory(unit=world.ward)
        InspectionFactory(unit=world.ward, unpublished=True)
        rows = client_as(None).get(url("inspections/")).json()["results"]
        assert len(rows) == 1 and rows[0]["unit"] == "H26.45.01"
        assert len(client_as(world.index_officer).get(url("inspections/")).json()["results"]) == 2

    def test_filters(self, world, client_as):
        InspectionFactory(unit=world.ward, violations=2, findings="x")
        InspectionFactory(unit=world.other_ward, date=date(2025, 5, 5))
        client = client_as(None)
        assert len(client.get(url("inspections/?unit=H26.45.02")).json()["results"]) == 1
        assert len(client.get(url("inspections/?year=2026")).json()["results"]) == 1
        assert len(client.get(url("inspections/?has_violations=true")).json()["results"]) == 1
        assert client.get(url("inspections/?kind=nope")).status_code == 400
        for year in ("0", "99999999999", "2026.5", "abc"):
            response = client.get(url(f"inspections/?year={year}"))
            assert response.status_code == 400 and "year" in response.json()

    def test_an_officer_records_one(self, world, client_as):
        response = client_as(world.index_officer).post(
            url("inspections/"), self.body(), format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["unit_name"] == "Phường Lê Lợi"
        assert Inspection.objects.get().created_by == world.index_officer

    @pytest.mark.parametrize("role", ["leader", "ward_leader", "citizen"])
    def test_others_may_not_record(self, world, client_as, role):
        response = client_as(getattr(world, role)).post(
            url("inspections/"), self.body(), format="json"
        )
        assert response.status_code == 403 and response.json()["detail"]

    def test_anonymous_may_not_record(self, world, client_as):
        assert (
            client_as(None).post(url("inspections/"), self.body(), format="json").status_code == 401
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"unit": "NOPE"}, "unit"),
            ({"date": "02/03/2026"}, "date"),
            ({"date": "2999-01-01"}, "date"),
            ({"team": ""}, "team"),
            ({"kind": "surprise"}, "kind"),
            ({"violations": -1}, "violations"),
            ({"violations": "many"}, "violations"),
            ({"findings": ""}, "findings"),
        ],
    )
    def test_bad_input_is_400_per_field(self, world, client_as, overrides, field):
        response = client_as(world.index_officer).post(
            url("inspections/"), self.body(**overrides), format="json"
        )
        assert response.status_code == 400 and field in response.json()
        assert not Inspection.objects.exists()

    def test_an_officer_corrects_one(self, world, client_as):
        inspection = InspectionFactory(unit=world.ward, unpublished=True)
        response = client_as(world.index_officer).patch(
            url(f"inspections/{inspection.pk}/"), {"published": True}, format="json"
        )
        assert response.status_code == 200 and response.json()["published"] is True
        bad = client_as(world.index_officer).patch(
            url(f"inspections/{inspection.pk}/"), {"violations": 3}, format="json"
        )
        assert bad.status_code == 200 or "findings" in bad.json()

    def test_list_queries_do_not_grow(self, world, client_as):
        counts = []
        for batch in (2, 10):
            for _n in range(batch):
                InspectionFactory(unit=world.ward)
            with CaptureQueriesContext(connection) as queries:
                assert client_as(None).get(url("inspections/")).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


def test_scorecard_list_queries_do_not_grow(world, client_as):
    counts = []
    for years in (range(2001, 2003), range(2003, 2011)):
        for year in years:
            ScorecardFactory(year=year, published=True)
        with CaptureQueriesContext(connection) as queries:
            assert client_as(None).get(url("scorecards/")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_public_reads_are_throttled(world, client_as, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = client_as(None)
    statuses = [client.get(url("scorecards/")).status_code for _n in range(3)]
    assert statuses == [200, 200, 429]


def test_errors_speak_vietnamese_by_default(opened, world, client_as):
    response = client_as(world.other_ward_leader).patch(
        url(f"scorecards/{YEAR}/assessments/H26.45.01/"),
        {"scores": {"A.1": {"self_points": 1}}},
        format="json",
    )
    assert "Chỉ lãnh đạo" in response.json()["detail"]


def test_assessment_list_queries_do_not_grow(world, client_as):
    counts = []
    for year, units in ((2030, 2), (2031, 9)):
        scorecard = ScorecardFactory(year=year, published=True)
        for n in range(units):
            unit = UnitFactory(code=f"L{year}.{n}", parent=world.town)
            AssessmentFactory(scorecard=scorecard, unit=unit, total=Decimal(n), rank=n + 1)
        with CaptureQueriesContext(connection) as queries:
            response = client_as(None).get(url(f"scorecards/{year}/assessments/"))
        assert response.status_code == 200 and len(response.json()) == units
        counts.append(len(queries))
    assert counts[0] == counts[1]
