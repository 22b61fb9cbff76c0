"""The scorecard's life through the services: who may do what, when, and what freezes."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reform_index.models import AssessmentState, Criterion, Inspection, Score, ScorecardState
from reform_index.selectors import results as index_results
from reform_index.services import (
    access,
    appraisal,
    computing,
    criteria_io,
    inspections,
    lifecycle,
    self_assessment,
)
from tests.factories import UnitFactory, UserFactory
from tests.reform_index.conftest import (
    AFTER_THE_PERIOD,
    YEAR,
    appraise_all,
    assessment_of,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import CriterionFactory, InspectionFactory, ScorecardFactory

D = Decimal
POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (5, 3)}


def in_appraisal(scorecard, world):
    self_assess_all(scorecard, world)
    lifecycle.open_appraisal(scorecard, world.index_officer)
    scorecard.refresh_from_db()
    return scorecard


def published(scorecard, world, points=POINTS):
    in_appraisal(scorecard, world)
    appraise_all(scorecard, world, points)
    lifecycle.publish(scorecard, world.leader, now=AFTER_THE_PERIOD)
    scorecard.refresh_from_db()
    return scorecard


class TestOpening:
    def test_every_scored_unit_gets_an_assessment_with_a_score_per_leaf(self, opened, world):
        assert opened.state == ScorecardState.SELF_ASSESSMENT
        assert {a.unit for a in opened.assessments.all()} == set(world.wards)
        codes = Score.objects.filter(assessment__scorecard=opened).values_list(
            "criterion__code", flat=True
        )
        assert sorted(set(codes)) == ["A.1", "A.2", "B.1", "B.2"]
        assert len(codes) == 3 * 4

    def test_creating_assessments_again_adds_nothing(self, opened):
        assert lifecycle.create_assessments(opened) == 0
        assert Score.objects.filter(assessment__scorecard=opened).count() == 12

    @pytest.mark.parametrize("role", ["ward_leader", "ward_desk", "citizen"])
    def test_only_index_officers_and_leaders_open_it(self, scorecard, world, role):
        with pytest.raises(access.NotAllowed):
            lifecycle.open_self_assessment(scorecard, getattr(world, role))
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.DRAFT

    def test_a_leader_may_open_it(self, scorecard, world):
        lifecycle.open_self_assessment(scorecard, world.leader)

    def test_a_tree_whose_sums_disagree_does_not_open(self, scorecard, world):
        Criterion.objects.filter(scorecard=scorecard, code="A").update(max_points=12)
        with pytest.raises(access.Refused) as refused:
            lifecycle.open_self_assessment(scorecard, world.index_officer)
        assert "A" in refused.value.errors["criteria"][0]
        assert not scorecard.assessments.exists()

    def test_bad_grade_bands_do_not_open(self, scorecard, world):
        scorecard.grade_bands = [{"grade": "Tốt", "min": 200}]
        scorecard.save()
        with pytest.raises(access.Refused) as refused:
            lifecycle.open_self_assessment(scorecard, world.index_officer)
        assert "grade_bands" in refused.value.errors

    def test_a_survey_needs_the_criteria_to_fill_the_rest_of_100(self, scorecard, world):
        scorecard.survey_points = D(30)
        scorecard.save()
        with pytest.raises(access.Refused) as refused:
            lifecycle.open_self_assessment(scorecard, world.index_officer)
        assert "70" in refused.value.errors["criteria"][0]

    def test_it_opens_once(self, opened, world):
        with pytest.raises(access.Refused):
            lifecycle.open_self_assessment(opened, world.index_officer)


class TestSelfAssessment:
    def test_the_wards_leader_saves_points_notes_and_links(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        self_assessment.save_self_assessment(
            assessment,
            world.ward_leader,
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

    @pytest.mark.parametrize("role", ["other_ward_leader", "index_officer", "leader", "ward_desk"])
    def test_nobody_else_fills_a_wards_self_assessment(self, opened, world, role):
        assessment = assessment_of(opened, world.ward)
        with pytest.raises(access.NotAllowed) as refused:
            self_assessment.save_self_assessment(
                assessment, getattr(world, role), {"A.1": {"self_points": 1}}
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
    def test_bad_entries_are_refused_per_criterion_and_field(self, opened, world, entries, field):
        assessment = assessment_of(opened, world.ward)
        with pytest.raises(access.Refused) as refused:
            self_assessment.save_self_assessment(assessment, world.ward_leader, entries)
        (code,) = entries
        assert field in refused.value.errors["scores"][code]
        assert not Score.objects.filter(assessment=assessment, self_points__isnull=False).exists()

    def test_one_bad_entry_saves_nothing(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        with pytest.raises(access.Refused):
            self_assessment.save_self_assessment(
                assessment,
                world.ward_leader,
                {"A.1": {"self_points": 3}, "A.2": {"self_points": 9}},
            )
        assert not Score.objects.filter(assessment=assessment, self_points__isnull=False).exists()

    def test_submitting_needs_every_manual_leaf(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        self_assessment.save_self_assessment(
            assessment, world.ward_leader, {"A.1": {"self_points": 3}}
        )
        with pytest.raises(access.Refused) as refused:
            self_assessment.submit_assessment(assessment, world.ward_leader)
        assert list(refused.value.errors["scores"]) == ["A.2"]

    def test_a_submitted_self_assessment_no_longer_changes(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        self_assessment.save_self_assessment(
            assessment, world.ward_leader, {"A.1": {"self_points": 3}, "A.2": {"self_points": 2}}
        )
        self_assessment.submit_assessment(assessment, world.ward_leader)
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.SUBMITTED and assessment.submitted_at
        with pytest.raises(access.Refused):
            self_assessment.save_self_assessment(
                assessment, world.ward_leader, {"A.1": {"self_points": 6}}
            )

    def test_a_draft_scorecard_takes_no_self_assessment(self, scorecard, world):
        lifecycle.create_assessments(scorecard)
        assessment = assessment_of(scorecard, world.ward)
        with pytest.raises(access.Refused):
            self_assessment.save_self_assessment(
                assessment, world.ward_leader, {"A.1": {"self_points": 1}}
            )

    def test_evidence_files_are_checked(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        score = assessment.scores.get(criterion__code="A.1")
        pdf = SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n")
        evidence = self_assessment.add_evidence(score, world.ward_leader, pdf)
        assert evidence.content_type == "application/pdf" and len(evidence.sha256) == 64
        with pytest.raises(access.Refused) as refused:
            self_assessment.add_evidence(
                score, world.ward_leader, SimpleUploadedFile("x.pdf", b"MZ\x90")
            )
        assert "file" in refused.value.errors
        with pytest.raises(access.NotAllowed):
            self_assessment.add_evidence(score, world.other_ward_leader, pdf)
        self_assessment.remove_evidence(evidence, world.ward_leader)
        assert not score.evidence.exists()


class TestAppraisal:
    def test_opening_the_appraisal_computes_the_automatic_criteria(
        self, opened, world, make_dossier
    ):
        make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="on_time")
        make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="late")
        InspectionFactory(unit=world.ward, date=date(YEAR, 4, 1), violations=1, findings="x")
        in_appraisal(opened, world)
        scores = {
            s.criterion.code: s
            for s in assessment_of(opened, world.ward).scores.select_related("criterion")
        }
        assert (scores["B.1"].numerator, scores["B.1"].denominator) == (1, 2)
        assert scores["B.1"].auto_points == D("2.55")  # 5 × 0.5 / 0.98
        assert scores["B.2"].auto_points == D("2.50")  # 1 violation: the ≤ 2 band
        assert scores["B.1"].computed_at is not None

    @pytest.mark.parametrize("role", ["ward_leader", "leader", "ward_desk"])
    def test_only_index_officers_appraise(self, opened, world, role):
        in_appraisal(opened, world)
        assessment = assessment_of(opened, world.ward)
        with pytest.raises(access.NotAllowed):
            appraisal.save_appraisal(
                assessment, getattr(world, role), {"A.1": {"appraised_points": 1}}
            )
        with pytest.raises(access.NotAllowed):
            appraisal.appraise_assessment(assessment, getattr(world, role))

    def test_appraisal_waits_for_its_phase(self, opened, world):
        assessment = assessment_of(opened, world.ward)
        with pytest.raises(access.Refused) as refused:
            appraisal.save_appraisal(
                assessment, world.index_officer, {"A.1": {"appraised_points": 1}}
            )
        assert not isinstance(refused.value, access.NotAllowed)

    def test_closing_an_appraisal_needs_every_manual_leaf(self, opened, world):
        in_appraisal(opened, world)
        assessment = assessment_of(opened, world.ward)
        appraisal.save_appraisal(assessment, world.index_officer, {"A.1": {"appraised_points": 4}})
        with pytest.raises(access.Refused) as refused:
            appraisal.appraise_assessment(assessment, world.index_officer)
        assert list(refused.value.errors["scores"]) == ["A.2"]

    def test_automatic_points_are_not_appraised_by_hand(self, opened, world):
        in_appraisal(opened, world)
        with pytest.raises(access.Refused) as refused:
            appraisal.save_appraisal(
                assessment_of(opened, world.ward),
                world.index_officer,
                {"B.1": {"appraised_points": 5}},
            )
        assert "appraised_points" in refused.value.errors["scores"]["B.1"]

    def test_a_scorecard_without_survey_takes_no_survey_score(self, opened, world):
        in_appraisal(opened, world)
        with pytest.raises(access.Refused) as refused:
            appraisal.save_appraisal(
                assessment_of(opened, world.ward), world.index_officer, {}, D(10), set_survey=True
            )
        assert "survey_score" in refused.value.errors


class TestPublication:
    def test_only_leaders_publish(self, opened, world):
        in_appraisal(opened, world)
        appraise_all(opened, world, POINTS)
        for user in (world.index_officer, world.ward_leader):
            with pytest.raises(access.NotAllowed):
                lifecycle.publish(opened, user)

    def test_every_unit_must_be_appraised_first(self, opened, world):
        in_appraisal(opened, world)
        with pytest.raises(access.Refused) as refused:
            lifecycle.publish(opened, world.leader)
        assert "Phường Lê Lợi" in refused.value.errors["assessments"][0]

    def test_totals_ranks_and_grades_are_frozen(self, opened, world):
        # No dossiers, no inspections: B.1 earns 0 (nothing finished), B.2 full 5 points.
        scorecard = published(
            opened, world, {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (5, 3)}
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
        assert scorecard.published_by == world.leader and scorecard.published_at

    def test_ranks_skip_after_a_tie(self, scorecard, world):
        fourth = UnitFactory(code="H26.45.04", name="Xã Sơn Đông", parent=world.town)
        world.wards.append(fourth)
        lifecycle.open_self_assessment(scorecard, world.index_officer)
        points = {**POINTS, "H26.45.04": (1, 1)}
        published(scorecard, world, points)
        ranks = dict(scorecard.assessments.values_list("unit__code", "rank"))
        assert ranks == {"H26.45.01": 1, "H26.45.02": 2, "H26.45.03": 2, "H26.45.04": 4}

    def test_a_published_scorecard_no_longer_changes_when_dossiers_do(
        self, opened, world, make_dossier
    ):
        make_dossier(world.ward, resolved=date(YEAR, 3, 3), verdict="on_time")
        scorecard = published(opened, world)
        frozen = list(scorecard.assessments.values_list("unit_id", "total", "rank", "grade"))
        scores = list(Score.objects.values_list("pk", "auto_points", "numerator", "denominator"))
        for _n in range(3):
            make_dossier(world.ward, resolved=date(YEAR, 5, 5), verdict="late")
        InspectionFactory(unit=world.ward, date=date(YEAR, 6, 1), violations=3, findings="x")
        with pytest.raises(access.Refused):
            computing.compute_automatic(scorecard)
        with pytest.raises(access.Refused):
            computing.compute_scorecard(scorecard, world.index_officer)
        with pytest.raises(access.Refused):
            appraisal.save_appraisal(
                assessment_of(scorecard, world.ward),
                world.index_officer,
                {"A.1": {"appraised_points": 0}},
            )
        with pytest.raises(access.Refused):
            lifecycle.publish(scorecard, world.leader, now=AFTER_THE_PERIOD)
        assert list(scorecard.assessments.values_list("unit_id", "total", "rank", "grade")) == (
            frozen
        )
        assert list(Score.objects.values_list("pk", "auto_points", "numerator", "denominator")) == (
            scores
        )
        ranking = index_results.ranking(scorecard)
        assert (ranking[0].total, ranking[0].rank) == (D("100.00"), 1)
        assert not ranking[0].provisional

    def test_with_a_survey_its_score_is_added_not_scaled(self, world):
        scorecard = build_tree(ScorecardFactory(year=YEAR, survey_points=D(80)))
        lifecycle.open_self_assessment(scorecard, world.index_officer)
        in_appraisal(scorecard, world)
        for ward, survey in zip(world.wards, (D(70), D(60), D(50)), strict=True):
            assessment = assessment_of(scorecard, ward)
            appraisal.save_appraisal(
                assessment,
                world.index_officer,
                {"A.1": {"appraised_points": 5}, "A.2": {"appraised_points": 3}},
                survey_score=survey,
                set_survey=True,
            )
            appraisal.appraise_assessment(assessment, world.index_officer)
        lifecycle.publish(scorecard, world.leader, now=AFTER_THE_PERIOD)
        totals = dict(scorecard.assessments.values_list("unit__code", "total"))
        # 5 + 3 + 0 (B.1) + 5 (B.2) = 13 points of 20, plus the survey.
        assert totals == {"H26.45.01": D("83.00"), "H26.45.02": D("73.00"), "H26.45.03": D("63.00")}

    def test_a_survey_score_above_its_share_is_refused(self, world):
        scorecard = build_tree(ScorecardFactory(year=YEAR, survey_points=D(80)))
        lifecycle.open_self_assessment(scorecard, world.index_officer)
        in_appraisal(scorecard, world)
        assessment = assessment_of(scorecard, world.ward)
        with pytest.raises(access.Refused) as refused:
            appraisal.save_appraisal(assessment, world.index_officer, {}, D(81), set_survey=True)
        assert "survey_score" in refused.value.errors
        appraisal.save_appraisal(
            assessment,
            world.index_officer,
            {"A.1": {"appraised_points": 1}, "A.2": {"appraised_points": 1}},
        )
        with pytest.raises(access.Refused) as refused:
            appraisal.appraise_assessment(assessment, world.index_officer)
        assert "survey_score" in refused.value.errors


class TestProvisionalResults:
    def test_self_points_stand_in_until_appraised(self, opened, world):
        in_appraisal(opened, world)
        results = index_results.compute_results(opened)
        by_unit = {r.unit_id: r for r in results.values()}
        # Self-assessed 5 + 3 by every ward, 0 + 5 computed: 13 / 20.
        assert by_unit[world.ward.pk].total == D("65.00")
        assert {r.rank for r in results.values()} == {1}


class TestCopy:
    def test_copy_keeps_the_tree_bands_and_survey_and_moves_the_period(self, scorecard, world):
        scorecard.period_start = date(2024, 2, 29)
        scorecard.survey_points = D(80)
        scorecard.save()
        copy = lifecycle.copy_scorecard(scorecard, YEAR + 1, world.index_officer)
        assert copy.state == ScorecardState.DRAFT
        assert (copy.period_start, copy.period_end) == (date(2025, 2, 28), date(YEAR + 1, 12, 31))
        assert copy.grade_bands == scorecard.grade_bands and copy.survey_points == D(80)
        assert criteria_io.export_criteria(copy, "json").replace(str(YEAR + 1), "Y") == (
            criteria_io.export_criteria(scorecard, "json").replace(str(YEAR), "Y")
        )
        assert Criterion.objects.get(scorecard=copy, code="A.1").parent.scorecard == copy

    def test_an_existing_year_is_refused(self, scorecard, world):
        with pytest.raises(access.Refused) as refused:
            lifecycle.copy_scorecard(scorecard, YEAR, world.index_officer)
        assert "year" in refused.value.errors

    def test_only_index_officers_copy(self, scorecard, world):
        with pytest.raises(access.NotAllowed):
            lifecycle.copy_scorecard(scorecard, YEAR + 1, world.leader)


class TestImportExport:
    @pytest.mark.parametrize("fmt", ["json", "csv"])
    def test_round_trip(self, scorecard, world, fmt):
        exported = criteria_io.export_criteria(scorecard, fmt)
        target = ScorecardFactory(year=YEAR + 1)
        assert criteria_io.import_criteria(target, world.index_officer, exported.encode(), fmt) == 6
        assert criteria_io.export_criteria(target, fmt) == exported.replace(
            f'"year": {YEAR}', f'"year": {YEAR + 1}'
        )
        b2 = Criterion.objects.get(scorecard=target, code="B.2")
        assert b2.rule_params == {"bands": [{"max": 0, "points": 5}, {"max": 2, "points": 2.5}]}

    def test_import_replaces_the_draft_criteria(self, scorecard, world):
        content = b'{"criteria": [{"code": "X", "name": "Duy nhat", "max_points": 100}]}'
        criteria_io.import_criteria(scorecard, world.index_officer, content, "json")
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
    def test_unreadable_files_are_refused(self, scorecard, world, content, fmt, needle):
        with translation.override("en"), pytest.raises(access.Refused) as refused:
            criteria_io.import_criteria(scorecard, world.index_officer, content, fmt)
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
    def test_bad_rows_are_refused_naming_the_row(self, scorecard, world, rows, needle):
        with translation.override("en"), pytest.raises(access.Refused) as refused:
            criteria_io.import_criteria(
                scorecard, world.index_officer, json.dumps(rows).encode(), "json"
            )
        problems = " ".join(refused.value.errors["file"])
        assert needle in problems and "Row" in problems
        assert scorecard.criteria.count() == 6

    def test_import_waits_for_a_draft_and_an_officer(self, opened, world):
        exported = criteria_io.export_criteria(opened, "json").encode()
        with pytest.raises(access.Refused):
            criteria_io.import_criteria(opened, world.index_officer, exported, "json")
        with pytest.raises(access.NotAllowed):
            criteria_io.import_criteria(
                ScorecardFactory(year=YEAR + 3), world.leader, exported, "json"
            )


class TestInspections:
    def values(self, world, **overrides):
        return {
            "unit": world.ward,
            "date": date(YEAR, 3, 1),
            "team": "Đoàn kiểm tra công vụ",
            "kind": "scheduled",
            "violations": 0,
            **overrides,
        }

    def test_an_officer_records_an_inspection(self, world):
        inspection = inspections.save_inspection(world.index_officer, self.values(world))
        assert inspection.pk and inspection.created_by == world.index_officer

    def test_violations_need_findings_and_dates_cannot_be_ahead(self, world):
        with pytest.raises(access.Refused) as refused:
            inspections.save_inspection(
                world.index_officer,
                self.values(world, violations=2, date=date.today() + timedelta(days=3)),
            )
        assert set(refused.value.errors) == {"findings", "date"}
        assert not Inspection.objects.exists()

    def test_only_index_officers_record_and_publish(self, world):
        with pytest.raises(access.NotAllowed):
            inspections.save_inspection(world.leader, self.values(world))
        inspection = InspectionFactory(unit=world.ward, unpublished=True)
        with pytest.raises(access.NotAllowed):
            inspections.set_inspection_published(inspection, world.ward_leader, True)
        inspections.set_inspection_published(inspection, world.index_officer, True)
        inspection.refresh_from_db()
        assert inspection.published


def test_an_inactive_officer_is_refused(scorecard, world):
    officer = UserFactory(username="old", unit=world.town, role="index_officer", is_active=False)
    with pytest.raises(access.NotAllowed):
        lifecycle.open_self_assessment(scorecard, officer)


def test_automatic_leaves_need_a_valid_rule_to_open(scorecard, world):
    CriterionFactory(scorecard=scorecard, code="C", max_points=0, on_time=True)
    Criterion.objects.filter(scorecard=scorecard, code="C").update(rule_params={"threshold": 0})
    with pytest.raises(access.Refused) as refused:
        lifecycle.open_self_assessment(scorecard, world.index_officer)
    assert any("C" in problem for problem in refused.value.errors["criteria"])
