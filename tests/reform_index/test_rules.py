"""The pure scoring rules on their edge values."""

from decimal import Decimal

import pytest
from django.utils import translation

from reform_index import rules

D = Decimal


def ratio(numerator, denominator, max_points=6, **params):
    params = {"threshold": 0.98, **params}
    return rules.points("ratio", params, max_points, numerator, denominator)


BANDS = {
    "bands": [{"min": 0.95, "points": 3}, {"min": 0.8, "points": 2}, {"min": 0.5, "points": 1}]
}


def bands(numerator, denominator, params=BANDS, max_points=3, counts=False):
    return rules.points("bands", params, max_points, numerator, denominator, counts=counts)


class TestRatio:
    def test_exactly_at_the_threshold_earns_full_points(self):
        assert ratio(98, 100) == D("6.00")

    def test_just_below_the_threshold_earns_its_share(self):
        # 6 × (0.97 / 0.98) = 5.938…
        assert ratio(97, 100) == D("5.94")

    def test_above_the_threshold_is_capped_at_the_maximum(self):
        assert ratio(100, 100) == D("6.00")
        assert ratio(150, 100) == D("6.00")  # a numerator above its base still caps

    def test_zero_numerator_earns_nothing(self):
        assert ratio(0, 100) == D("0.00")

    def test_zero_denominator_earns_nothing_by_default(self):
        assert ratio(0, 0) == D("0.00")

    def test_zero_denominator_earns_full_points_when_asked(self):
        assert ratio(0, 0, empty="full") == D("6.00")

    def test_inverse_scores_the_complement(self):
        # 10 % late: 1 − 0.1 = 0.9 against a threshold of 0.9 → full points.
        assert ratio(10, 100, threshold=0.9, inverse=True) == D("6.00")
        assert ratio(55, 100, threshold=0.9, inverse=True) == D("3.00")

    def test_rounds_half_up_to_cents(self):
        # 1 × 0.125 / 1 = 0.125 → 0.13
        assert rules.points("ratio", {"threshold": 1}, 1, 1, 8) == D("0.13")

    @pytest.mark.parametrize("threshold", [0, -0.5, 1.5, "abc", None, True])
    def test_a_threshold_outside_0_to_1_is_refused(self, threshold):
        with pytest.raises(rules.RuleError):
            ratio(1, 2, threshold=threshold)

    def test_a_count_cannot_use_the_ratio_rule(self):
        assert rules.rule_problems("ratio", {"threshold": 1}, 3, counts=True)


class TestBands:
    def test_exactly_at_a_band_minimum_is_in_that_band(self):
        assert bands(95, 100) == D("3.00")
        assert bands(80, 100) == D("2.00")
        assert bands(50, 100) == D("1.00")

    def test_just_below_a_minimum_falls_to_the_next_band(self):
        assert bands(9499, 10000) == D("2.00")

    def test_below_every_band_earns_nothing(self):
        assert bands(49, 100) == D("0.00")

    def test_zero_denominator_earns_nothing_or_full_points(self):
        assert bands(0, 0) == D("0.00")
        assert bands(0, 0, {**BANDS, "empty": "full"}) == D("3.00")

    def test_a_bare_list_of_bands_is_accepted(self):
        assert bands(96, 100, BANDS["bands"]) == D("3.00")

    def test_counts_match_on_max_and_zero_earns_full_points(self):
        violations = {"bands": [{"max": 0, "points": 3}, {"max": 2, "points": 1}]}
        assert bands(0, 0, violations, counts=True) == D("3.00")  # no inspection at all
        assert bands(0, 4, violations, counts=True) == D("3.00")
        assert bands(2, 4, violations, counts=True) == D("1.00")  # exactly at max
        assert bands(3, 4, violations, counts=True) == D("0.00")

    def test_a_band_with_min_and_max_is_a_range(self):
        params = {"bands": [{"min": 1, "max": 2, "points": 2}]}
        assert [bands(n, 5, params, counts=True) for n in (0, 1, 2, 3)] == [D(0), D(2), D(2), D(0)]

    @pytest.mark.parametrize(
        "params",
        [
            {"bands": []},
            {"bands": "x"},
            {"bands": [{"points": 1}]},
            {"bands": [{"min": "a", "points": 1}]},
            {"bands": [{"min": 0.5, "points": 4}]},  # above the criterion's 3 points
            {"bands": [{"min": 0.5, "points": -1}]},
            {"bands": [{"min": 0.9, "max": 0.5, "points": 1}]},
            {"bands": [{"min": 0.5, "points": 1}], "empty": "maybe"},
        ],
    )
    def test_bad_bands_are_refused_with_a_reason(self, params):
        problems = rules.rule_problems("bands", params, 3)
        assert problems and all(isinstance(problem, str) for problem in problems)

    def test_an_unknown_rule_is_refused(self):
        assert rules.rule_problems("magic", {}, 3)


class TestTotals:
    def test_without_survey_points_scale_to_100(self):
        assert rules.total_score(D(14), D(20), 0, None) == D("70.00")
        assert rules.total_score(D(70), D(70), 0, None) == D("100.00")

    def test_with_a_survey_its_score_is_added(self):
        assert rules.total_score(D("55.5"), D(70), D(30), D("24.25")) == D("79.75")
        assert rules.total_score(D("55.5"), D(70), D(30), None) == D("55.50")

    def test_an_empty_tree_totals_zero(self):
        assert rules.total_score(0, 0, 0, None) == D("0.00")


class TestRanks:
    def test_ties_share_a_rank_and_the_next_rank_skips(self):
        totals = {"a": D(90), "b": D(85), "c": D(85), "d": D(70)}
        assert rules.competition_ranks(totals) == {"a": 1, "b": 2, "c": 2, "d": 4}

    def test_a_tie_at_the_top(self):
        assert rules.competition_ranks({"a": D(80), "b": D(80), "c": D(1)}) == {
            "a": 1,
            "b": 1,
            "c": 3,
        }

    def test_no_units_no_ranks(self):
        assert rules.competition_ranks({}) == {}


GRADES = [
    {"grade": "Xuất sắc", "min": 90},
    {"grade": "Tốt", "min": 80},
    {"grade": "Khá", "min": 70},
    {"grade": "Trung bình", "min": 50},
    {"grade": "Yếu", "min": 0},
]


class TestGrades:
    @pytest.mark.parametrize(
        ("total", "grade"),
        [
            (100, "Xuất sắc"),
            (90, "Xuất sắc"),
            ("89.99", "Tốt"),
            (80, "Tốt"),
            (70, "Khá"),
            ("69.99", "Trung bình"),
            (50, "Trung bình"),
            ("49.99", "Yếu"),
            (0, "Yếu"),
        ],
    )
    def test_band_boundaries(self, total, grade):
        assert rules.grade_for(D(total), GRADES) == grade

    def test_bands_in_any_order_grade_the_same(self):
        assert rules.grade_for(D(85), list(reversed(GRADES))) == "Tốt"

    def test_below_every_band_has_no_grade(self):
        assert rules.grade_for(D(40), GRADES[:4]) == ""

    @pytest.mark.parametrize(
        "bands",
        [
            [],
            [{"grade": "", "min": 90}],
            [{"grade": "Tốt", "min": 120}],
            [{"grade": "Tốt", "min": "x"}],
            [{"grade": "Tốt", "min": 80}, {"grade": "Khá", "min": 80}],
            ["Tốt"],
        ],
    )
    def test_bad_grade_bands_are_refused(self, bands):
        assert rules.grade_band_problems(bands)

    def test_good_grade_bands_pass(self):
        assert rules.grade_band_problems(GRADES) == []


class TestDescribe:
    def test_ratio_in_words(self):
        with translation.override("en"):
            text = rules.describe("ratio", {"threshold": 0.98}, 6)
        assert "6 × min(1, ratio / 98%)" in text

    def test_count_bands_in_words(self):
        text = rules.describe("bands", {"bands": [{"max": 0, "points": 3}]}, 3, counts=True)
        assert "≤ 0" in text and "3" in text
