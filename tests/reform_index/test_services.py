"""The scorecard's life through the services: who may do what, when, and what freezes."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reform_index import selectors, services
from reform_index.models import AssessmentState, Criterion, Inspection, Score, ScorecardState
from tests.factories import UnitFactory, UserFactory
from tests.reform_index.conftest import (
    YEAR,
    appraise_all,
    assessment_of,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import CriterionFactory, InspectionFactory, ScorecardFactory

D = Decimal
POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (5, 3)}


def in_appraisal(scorecard, town):
    self_assess_all(scorecard, town)
    services.open_appraisal(scorecard, town.officer)
    scorecard.refresh_from_db()
    return scorecard


def published(scorecard, town, points=POINTS):
    in_appraisal(scorecard, town)
    appraise_all(scorecard, town, points)
    services.publish(scorecard, town.leader)
    scorecard.refresh_from_db()
    return scorecard


class TestOpening:
    def test_every_scored_unit_gets_an_assessment_with_a_score_per_leaf(self, opened, town):
        assert opened.state == ScorecardState.SELF_ASSESSMENT
        assert {a.unit for a in opened.assessments.all()} == set(town.wards)
        codes = Score.objects.filter(assessment__scorecard=opened).values_list(
            "criterion__code", flat=True
        )
        assert sorted(set(codes)) == ["A.1", "A.2", "B.1", "B.2"]
        assert len(codes) == 3 * 4

    def test_creating_assessments_again_adds_nothing(self, opened):
        assert services.create_assessments(opened) == 0
        assert Score.objects.filter(assessment__scorecard=opened).count() == 12

    @pytest.mark.parametrize("role", ["ward_leader", "desk_officer", "citizen"])
    def test_only_index_officers_and_leaders_open_it(self, scorecard, town, role):
        with pytest.raises(services.NotAllowed):
            services.open_self_assessment(scorecard, getattr(town, role))
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.DRAFT

    def test_a_leader_may_open_it(self, scorecard, town):
        services.open_self_assessment(scorecard, town.leader)

    def test_a_tree_whose_sums_disagree_does_not_open(self, scorecard, town):
        Criterion.objects.filter(scorecard=scorecard, code="A").update(max_points=12)
        with pytest.raises(services.Refused) as refused:
            services.open_self_assessment(scorecard, town.officer)
        assert "A" in refused.value.errors["criteria"][0]
        assert not scorecard.assessments.exists()

    def test_bad_grade_bands_do_not_open(self, scorecard, town):
        scorecard.grade_bands = [{"grade": "Tốt", "min": 200}]
        scorecard.save()
        with pytest.raises(services.Refused) as refused:
            services.open_self_assessment(scorecard, town.officer)
        assert "grade_bands" in refused.value.errors

    def test_a_survey_needs_the_criteria_to_fill_the_rest_of_100(self, scorecard, town):
        scorecard.survey_points = D(30)
        scorecard.save()
        with pytest.raises(services.Refused) as refused:
            services.open_self_assessment(scorecard, town.officer)
        assert "70" in refused.value.errors["criteria"][0]

    def test_it_opens_once(self, opened, town):
        with pytest.raises(services.Refused):
            services.open_self_assessment(opened, town.officer)


class TestSelfAssessment:
    def test_the_wards_leader_saves_points_notes_and_links(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        services.save_self_assessment(
            assessment,
            town.ward_leader,
            {
                "A.1": {
                    "self_points": "5.5",
                    "self_note": " Đã ban hành kế hoạch ",
                    "evidence_links": ["https://vanban.example.vn/kh.pdf"],
                }
            },
        )
        score = Score.objects.get(assessment=assessment, criterion__code="A.1")
        assert (score.self_points, score.self_note) == (D("5.5"), "Đã ban hành kế hoạch")
        assert score.evidence_links == ["https://vanban.example.vn/kh.pdf"]

    @pytest.mark.parametrize("role", ["other_leader", "officer", "leader", "desk_officer"])
    def test_nobody_else_fills_a_wards_self_assessment(self, opened, town, role):
        assessment = assessment_of(opened, town.ward)
        with pytest.raises(services.NotAllowed) as refused:
            services.save_self_assessment(
                assessment, getattr(town, role), {"A.1": {"self_points": 1}}
            )
        assert "Phường Lê Lợi" in refused.value.message

    @pytest.mark.parametrize(
        ("entries", "field"),
        [
            ({"A.1": {"self_points": 7}}, "self_points"),  # above the maximum
            ({"A.1": {"self_points": -1}}, "self_points"),
            ({"A.1": {"self_points": "1.255"}}, "self_points"),
            ({"A.1": {"self_points": "abc"}}, "self_points"),
            ({"B.1": {"self_points": 1}}, "self_points"),  # automatic
            ({"A.1": {"appraised_points": 1}}, "appraised_points"),
            ({"A.1": {"evidence_links": ["javascript:alert(1)"]}}, "evidence_links"),
            ({"A.1": {"evidence_links": "https://x.vn"}}, "evidence_links"),
            ({"A": {"self_points": 1}}, "criterion"),  # not a leaf
            ({"Z.9": {"self_points": 1}}, "criterion"),
        ],
    )
    def test_bad_entries_are_refused_per_criterion_and_field(self, opened, town, entries, field):
        assessment = assessment_of(opened, town.ward)
        with pytest.raises(services.Refused) as refused:
            services.save_self_assessment(assessment, town.ward_leader, entries)
        (code,) = entries
        assert field in refused.value.errors["scores"][code]
        assert not Score.objects.filter(assessment=assessment, self_points__isnull=False).exists()

    def test_one_bad_entry_saves_nothing(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        with pytest.raises(services.Refused):
            services.save_self_assessment(
                assessment,
                town.ward_leader,
                {"A.1": {"self_points": 3}, "A.2": {"self_points": 9}},
            )
        assert not Score.objects.filter(assessment=assessment, self_points__isnull=False).exists()

    def test_submitting_needs_every_manual_leaf(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        services.save_self_assessment(assessment, town.ward_leader, {"A.1": {"self_points": 3}})
        with pytest.raises(services.Refused) as refused:
            services.submit_assessment(assessment, town.ward_leader)
        assert list(refused.value.errors["scores"]) == ["A.2"]

    def test_a_submitted_self_assessment_no_longer_changes(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        services.save_self_assessment(
            assessment, town.ward_leader, {"A.1": {"self_points": 3}, "A.2": {"self_points": 2}}
        )
        services.submit_assessment(assessment, town.ward_leader)
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.SUBMITTED and assessment.submitted_at
        with pytest.raises(services.Refused):
            services.save_self_assessment(assessment, town.ward_leader, {"A.1": {"self_points": 6}})

    def test_a_draft_scorecard_takes_no_self_assessment(self, scorecard, town):
        services.create_assessments(scorecard)
        assessment = assessment_of(scorecard, town.ward)
        with pytest.raises(services.Refused):
            services.save_self_assessment(assessment, town.ward_leader, {"A.1": {"self_points": 1}})

    def test_evidence_files_are_checked(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        score = assessment.scores.get(criterion__code="A.1")
        pdf = SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n")
        evidence = services.add_evidence(score, town.ward_leader, pdf)
        assert evidence.content_type == "application/pdf" and len(evidence.sha256) == 64
        with pytest.raises(services.Refused) as refused:
            services.add_evidence(score, town.ward_leader, SimpleUploadedFile("x.pdf", b"MZ\x90"))
        assert "file" in refused.value.errors
        with pytest.raises(services.NotAllowed):
            services.add_evidence(score, town.other_leader, pdf)
        services.remove_evidence(evidence, town.ward_leader)
        assert not score.evidence.exists()


class TestAppraisal:
    def test_opening_the_appraisal_computes_the_automatic_criteria(
        self, opened, town, make_dossier
    ):
        make_dossier(town.ward, resolved=date(YEAR, 3, 3), verdict="on_time")
        make_dossier(town.ward, resolved=date(YEAR, 3, 3), verdict="late")
        InspectionFactory(unit=town.ward, date=date(YEAR, 4, 1), violations=1, findings="x")
        in_appraisal(opened, town)
        scores = {
            s.criterion.code: s
            for s in assessment_of(opened, town.ward).scores.select_related("criterion")
        }
        assert (scores["B.1"].numerator, scores["B.1"].denominator) == (1, 2)
        assert scores["B.1"].auto_points == D("2.55")  # 5 × 0.5 / 0.98
        assert scores["B.2"].auto_points == D("2.50")  # 1 violation: the ≤ 2 band
        assert scores["B.1"].computed_at is not None

    @pytest.mark.parametrize("role", ["ward_leader", "leader", "desk_officer"])
    def test_only_index_officers_appraise(self, opened, town, role):
        in_appraisal(opened, town)
        assessment = assessment_of(opened, town.ward)
        with pytest.raises(services.NotAllowed):
            services.save_appraisal(
                assessment, getattr(town, role), {"A.1": {"appraised_points": 1}}
            )
        with pytest.raises(services.NotAllowed):
            services.appraise_assessment(assessment, getattr(town, role))

    def test_appraisal_waits_for_its_phase(self, opened, town):
        assessment = assessment_of(opened, town.ward)
        with pytest.raises(services.Refused) as refused:
            services.save_appraisal(assessment, town.officer, {"A.1": {"appraised_points": 1}})
        assert not isinstance(refused.value, services.NotAllowed)

    def test_closing_an_appraisal_needs_every_manual_leaf(self, opened, town):
        in_appraisal(opened, town)
        assessment = assessment_of(opened, town.ward)
        services.save_appraisal(assessment, town.officer, {"A.1": {"appraised_points": 4}})
        with pytest.raises(services.Refused) as refused:
            services.appraise_assessment(assessment, town.officer)
        assert list(refused.value.errors["scores"]) == ["A.2"]

    def test_automatic_points_are_not_appraised_by_hand(self, opened, town):
        in_appraisal(opened, town)
        with pytest.raises(services.Refused) as refused:
            services.save_appraisal(
                assessment_of(opened, town.ward), town.officer, {"B.1": {"appraised_points": 5}}
            )
        assert "appraised_points" in refused.value.errors["scores"]["B.1"]

    def test_a_scorecard_without_survey_takes_no_survey_score(self, opened, town):
        in_appraisal(opened, town)
        with pytest.raises(services.Refused) as refused:
            services.save_appraisal(
                assessment_of(opened, town.ward), town.officer, {}, D(10), set_survey=True
            )
        assert "survey_score" in refused.value.errors


class TestPublication:
    def test_only_leaders_publish(self, opened, town):
        in_appraisal(opened, town)
        appraise_all(opened, town, POINTS)
        for user in (town.officer, town.ward_leader):
            with pytest.raises(services.NotAllowed):
                services.publish(opened, user)

    def test_every_unit_must_be_appraised_first(self, opened, town):
        in_appraisal(opened, town)
        with pytest.raises(services.Refused) as refused:
            services.publish(opened, town.leader)
        assert "Phường Lê Lợi" in refused.value.errors["assessments"][0]

    def test_totals_ranks_and_grades_are_frozen(self, opened, town):
        # No dossiers, no inspections: B.1 earns 0 (nothing finished), B.2 full 5 points.
        scorecard = published(
            opened, town, {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (5, 3)}
        )
        results = {
            a.unit.code: (a.total, a.rank, a.grade)
            for a in scorecard.assessments.select_related("unit")
        }
        # (6 + 4 + 0 + 5) / 20 = 75 %; (5 + 3 + 5) / 20 = 65 % twice: a tie.
        assert results == {
            "H26.45.01": (D("75.00"), 1, "Khá"),
            "H26.45.02": (D("65.00"), 2, "Trung bình"),
            "H26.45.03": (D("65.00"), 2, "Trung bình"),
        }
        assert scorecard.state == ScorecardState.PUBLISHED
        assert scorecard.published_by == town.leader and scorecard.published_at

    def test_ranks_skip_after_a_tie(self, scorecard, town):
        fourth = UnitFactory(code="H26.45.04", name="Xã Sơn Đông", parent=town.seat)
        town.wards.append(fourth)
        services.open_self_assessment(scorecard, town.officer)
        points = {**POINTS, "H26.45.04": (1, 1)}
        published(scorecard, town, points)
        ranks = dict(scorecard.assessments.values_list("unit__code", "rank"))
        assert ranks == {"H26.45.01": 1, "H26.45.02": 2, "H26.45.03": 2, "H26.45.04": 4}

    def test_a_published_scorecard_no_longer_changes_when_dossiers_do(
        self, opened, town, make_dossier
    ):
        make_dossier(town.ward, resolved=date(YEAR, 3, 3), verdict="on_time")
        scorecard = published(opened, town)
        frozen = list(scorecard.assessments.values_list("unit_id", "total", "rank", "grade"))
        scores = list(Score.objects.values_list("pk", "auto_points", "numerator", "denominator"))
        for _n in range(3):
            make_dossier(town.ward, resolved=date(YEAR, 5, 5), verdict="late")
        InspectionFactory(unit=town.ward, date=date(YEAR, 6, 1), violations=3, findings="x")
        with pytest.raises(services.Refused):
            services.compute_automatic(scorecard)
        with pytest.raises(services.Refused):
            services.compute_scorecard(scorecard, town.officer)
        with pytest.raises(services.Refused):
            services.save_appraisal(
                assessment_of(scorecard, town.ward), town.officer, {"A.1": {"appraised_points": 0}}
            )
        with pytest.raises(services.Refused):
            services.publish(scorecard, town.leader)
        assert list(scorecard.assessments.values_list("unit_id", "total", "rank", "grade")) == (
            frozen
        )
        assert list(Score.objects.values_list("pk", "auto_points", "numerator", "denominator")) == (
            scores
        )
        ranking = selectors.ranking(scorecard)
        assert (ranking[0].total, ranking[0].rank) == (D("100.00"), 1)
        assert not ranking[0].provisional

    def test_with_a_survey_its_score_is_added_not_scaled(self, town):
        scorecard = build_tree(ScorecardFactory(year=YEAR, survey_points=D(80)))
        services.open_self_assessment(scorecard, town.officer)
        in_appraisal(scorecard, town)
        for ward, survey in zip(town.wards, (D(70), D(60), D(50)), strict=True):
            assessment = assessment_of(scorecard, ward)
            services.save_appraisal(
                assessment,
                town.officer,
                {"A.1": {"appraised_points": 5}, "A.2": {"appraised_points": 3}},
                survey_score=survey,
                set_survey=True,
            )
            services.appraise_assessment(assessment, town.officer)
        services.publish(scorecard, town.leader)
        totals = dict(scorecard.assessments.values_list("unit__code", "total"))
        # 5 + 3 + 0 (B.1) + 5 (B.2) = 13 points of 20, plus the survey.
        assert totals == {"H26.45.01": D("83.00"), "H26.45.02": D("73.00"), "H26.45.03": D("63.00")}

    def test_a_survey_score_above_its_share_is_refused(self, town):
        scorecard = build_tree(ScorecardFactory(year=YEAR, survey_points=D(80)))
        services.open_self_assessment(scorecard, town.officer)
        in_appraisal(scorecard, town)
        assessment = assessment_of(scorecard, town.ward)
        with pytest.raises(services.Refused) as refused:
            services.save_appraisal(assessment, town.officer, {}, D(81), set_survey=True)
        assert "survey_score" in refused.value.errors
        services.save_appraisal(
            assessment,
            town.officer,
            {"A.1": {"appraised_points": 1}, "A.2": {"appraised_points": 1}},
        )
        with pytest.raises(services.Refused) as refused:
            services.appraise_assessment(assessment, town.officer)
        assert "survey_score" in refused.value.errors


class TestProvisionalResults:
    def test_self_points_stand_in_until_appraised(self, opened, town):
        in_appraisal(opened, town)
        results = selectors.compute_results(opened)
        by_unit = {r.unit_id: r for r in results.values()}
        # Self-assessed 5 + 3 by every ward, 0 + 5 computed: 13 / 20.
        assert by_unit[town.ward.pk].total == D("65.00")
        assert {r.rank for r in results.values()} == {1}


class TestCopy:
    def test_copy_keeps_the_tree_bands_and_survey_and_moves_the_period(self, scorecard, town):
        scorecard.period_start = date(2024, 2, 29)
        scorecard.survey_points = D(80)
        scorecard.save()
        copy = services.copy_scorecard(scorecard, YEAR + 1, town.officer)
        assert copy.state == ScorecardState.DRAFT
        assert (copy.period_start, copy.period_end) == (date(2025, 2, 28), date(YEAR + 1, 12, 31))
        assert copy.grade_bands == scorecard.grade_bands and copy.survey_points == D(80)
        assert services.export_criteria(copy, "json").replace(str(YEAR + 1), "Y") == (
            services.export_criteria(scorecard, "json").replace(str(YEAR), "Y")
        )
        assert Criterion.objects.get(scorecard=copy, code="A.1").parent.scorecard == copy

    def test_an_existing_year_is_refused(self, scorecard, town):
        with pytest.raises(services.Refused) as refused:
            services.copy_scorecard(scorecard, YEAR, town.officer)
        assert "year" in refused.value.errors

    def test_only_index_officers_copy(self, scorecard, town):
        with pytest.raises(services.NotAllowed):
            services.copy_scorecard(scorecard, YEAR + 1, town.leader)


class TestImportExport:
    @pytest.mark.parametrize("fmt", ["json", "csv"])
    def test_round_trip(self, scorecard, town, fmt):
        exported = services.export_criteria(scorecard, fmt)
        target = ScorecardFactory(year=YEAR + 1)
        assert services.import_criteria(target, town.officer, exported.encode(), fmt) == 6
        assert services.export_criteria(target, fmt) == exported.replace(
            f'"year": {YEAR}', f'"year": {YEAR + 1}'
        )
        b2 = Criterion.objects.get(scorecard=target, code="B.2")
        assert b2.rule_params == {"bands": [{"max": 0, "points": 5}, {"max": 2, "points": 2.5}]}

    def test_import_replaces_the_draft_criteria(self, scorecard, town):
        content = b'{"criteria": [{"code": "X", "name": "Duy nhat", "max_points": 100}]}'
        services.import_criteria(scorecard, town.officer, content, "json")
        assert list(scorecard.criteria.values_list("code", flat=True)) == ["X"]

    @pytest.mark.parametrize(
        ("content", "fmt", "needle"),
        [
            (b"", "json", "empty"),
            (b"\xff\xfe\x00", "json", "UTF-8"),
            (b"{not json", "json", "JSON"),
            (b'{"criteria": "x"}', "json", "criteria"),
            (b'{"criteria": []}', "json", "no criteria"),
            (b"code,name\nA,B\n", "csv", "max_points"),
            (b"code,name,max_points,rule_params\nA,B,1,{bad\n", "csv", "Row 2"),
            (b"x" * (1024 * 1024 + 1), "json", "1 MB"),
        ],
    )
    def test_unreadable_files_are_refused(self, scorecard, town, content, fmt, needle):
        with translation.override("en"), pytest.raises(services.Refused) as refused:
            services.import_criteria(scorecard, town.officer, content, fmt)
        assert needle in str(refused.value.errors["file"])
        assert scorecard.criteria.count() == 6  # nothing replaced

    @pytest.mark.parametrize(
        ("rows", "needle"),
        [
            (
                [
                    {"code": "A", "name": "A", "max_points": 5},
                    {"code": "A", "name": "B", "max_points": 5},
                ],
                "twice",
            ),
            ([{"code": "A", "name": "A", "max_points": 5, "parent": "Z"}], "parent"),
            (
                [
                    {"code": "A", "name": "A", "max_points": 5, "parent": "B"},
                    {"code": "B", "name": "B", "max_points": 5, "parent": "A"},
                ],
                "circle",
            ),
            (
                [
                    {"code": "A", "name": "A", "max_points": 5},
                    {"code": "A.1", "name": "A", "max_points": 3, "parent": "A"},
                ],
                "sum",
            ),
            (
                [
                    {"code": "1", "name": "a", "max_points": 1},
                    {"code": "2", "name": "b", "max_points": 1, "parent": "1"},
                    {"code": "3", "name": "c", "max_points": 1, "parent": "2"},
                    {"code": "4", "name": "d", "max_points": 1, "parent": "3"},
                ],
                "three levels",
            ),
            ([{"code": "A", "name": "A", "max_points": 5, "kind": "automatic"}], "metric"),
            (
                [
                    {
                        "code": "A",
                        "name": "A",
                        "max_points": 5,
                        "kind": "automatic",
                        "metric": "on_time_rate",
                        "rule": "ratio",
                        "rule_params": {"threshold": 2},
                    }
                ],
                "threshold",
            ),
            ([{"code": "A", "name": "A", "max_points": 5, "metric": "on_time_rate"}], "automatic"),
            ([{"code": "A", "name": "", "max_points": 5}], "name"),
            ([{"code": "A", "name": "A", "max_points": -1}], "maximum"),
            ([{"code": "A", "name": "A", "max_points": "x"}], "maximum"),
            ([{"code": "A", "name": "A", "max_points": 1, "kind": "other"}], "kind"),
        ],
    )
    def test_bad_rows_are_refused_naming_the_row(self, scorecard, town, rows, needle):
        with translation.override("en"), pytest.raises(services.Refused) as refused:
            services.import_criteria(scorecard, town.officer, json.dumps(rows).encode(), "json")
        problems = " ".join(refused.value.errors["file"])
        assert needle in problems and "Row" in problems
        assert scorecard.criteria.count() == 6

    def test_import_waits_for_a_draft_and_an_officer(self, opened, town):
        exported = services.export_criteria(opened, "json").encode()
        with pytest.raises(services.Refused):
            services.import_criteria(opened, town.officer, exported, "json")
        with pytest.raises(services.NotAllowed):
            services.import_criteria(ScorecardFactory(year=YEAR + 3), town.leader, exported, "json")


class TestInspections:
    def values(self, town, **overrides):
        return {
            "unit": town.ward,
            "date": date(YEAR, 3, 1),
            "team": "Đoàn kiểm tra công vụ",
            "kind": "scheduled",
            "violations": 0,
            **overrides,
        }

    def test_an_officer_records_an_inspection(self, town):
        inspection = services.save_inspection(town.officer, self.values(town))
        assert inspection.pk and inspection.created_by == town.officer

    def test_violations_need_findings_and_dates_cannot_be_ahead(self, town):
        with pytest.raises(services.Refused) as refused:
            services.save_inspection(
                town.officer,
                self.values(town, violations=2, date=date.today() + timedelta(days=3)),
            )
        assert set(refused.value.errors) == {"findings", "date"}
        assert not Inspection.objects.exists()

    def test_only_index_officers_record_and_publish(self, town):
        with pytest.raises(services.NotAllowed):
            services.save_inspection(town.leader, self.values(town))
        inspection = InspectionFactory(unit=town.ward, unpublished=True)
        with pytest.raises(services.NotAllowed):
            services.set_inspection_published(inspection, town.ward_leader, True)
        services.set_inspection_published(inspection, town.officer, True)
        inspection.refresh_from_db()
        assert inspection.published


def test_an_inactive_officer_is_refused(scorecard, town):
    officer = UserFactory(username="old", unit=town.seat, role="index_officer", is_active=False)
    with pytest.raises(services.NotAllowed):
        services.open_self_assessment(scorecard, officer)


def test_automatic_leaves_need_a_valid_rule_to_open(scorecard, town):
    CriterionFactory(scorecard=scorecard, code="C", max_points=0, on_time=True)
    Criterion.objects.filter(scorecard=scorecard, code="C").update(rule_params={"threshold": 0})
    with pytest.raises(services.Refused) as refused:
        services.open_self_assessment(scorecard, town.officer)
    assert any("C" in problem for problem in refused.value.errors["criteria"])
