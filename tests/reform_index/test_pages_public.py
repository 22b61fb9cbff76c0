"""The public reform index pages: the ranking with the change from last year, a unit's
scorecard with every automatic point explained, and only published data for the public."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reform_index.models import AssessmentState, Inspection
from reform_index.services import lifecycle
from tests.factories import UnitFactory
from tests.reform_index.conftest import (
    AFTER_THE_PERIOD,
    YEAR,
    appraise_all,
    assessment_of,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import AssessmentFactory, InspectionFactory, ScorecardFactory

LAST_YEAR = YEAR - 1
# (A.1, A.2) per ward; B.1 (on-time rate) scores 0 without dossiers, B.2 (violations) 5.
LAST_POINTS = {"H26.45.01": (6, 4), "H26.45.02": (5, 3), "H26.45.03": (4, 2)}
THIS_POINTS = {"H26.45.01": (3, 2), "H26.45.02": (6, 4), "H26.45.03": (5, 3)}


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


def open_year(year, world):
    """A scorecard of ``year`` whose wards have self-assessed, now under appraisal."""
    scorecard = build_tree(ScorecardFactory(year=year))
    lifecycle.open_self_assessment(scorecard, world.index_officer)
    self_assess_all(scorecard, world)
    lifecycle.open_appraisal(scorecard, world.index_officer)
    scorecard.refresh_from_db()
    return scorecard


def publish_year(year, world, points):
    scorecard = open_year(year, world)
    appraise_all(scorecard, world, points)
    lifecycle.publish(scorecard, world.leader, now=AFTER_THE_PERIOD)
    scorecard.refresh_from_db()
    return scorecard


def row_of(html, text):
    """The text of the table row that mentions ``text`` (tags stripped)."""
    for row in re.findall(r"<tr[ >].*?</tr>", html, flags=re.S):
        if text in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row mentions {text!r}")


@pytest.fixture
def two_years(world):
    return publish_year(LAST_YEAR, world, LAST_POINTS), publish_year(YEAR, world, THIS_POINTS)


class TestRanking:
    def test_without_a_published_index_the_page_says_so(self, client, world):
        open_year(YEAR, world)
        response = client.get("/reform-index/")
        assert response.status_code == 200
        assert "Chưa công bố kết quả Chỉ số cải cách hành chính nào" in response.text
        assert str(YEAR) not in response.text

    def test_the_latest_published_year_is_ranked_with_the_change_from_last_year(
        self, client, two_years
    ):
        response = client.get("/reform-index/")
        assert response.status_code == 200
        html = response.text
        # Ngô Quyền: 15 of 20 points → 75.00, rank 1, up one place from 65.00.
        assert row_of(html, "Phường Ngô Quyền") == (
            "1 Phường Ngô Quyền 75,00 Khá ▲ tăng 1 bậc (+10 điểm)"
        )
        # Lê Lợi fell from first (75.00) to third (50.00).
        assert row_of(html, "Phường Lê Lợi") == (
            "3 Phường Lê Lợi 50,00 Trung bình ▼ giảm 2 bậc (−25 điểm)"
        )
        assert html.index("Phường Ngô Quyền") < html.index("Xã Cổ Đông") < html.index("Lê Lợi")

    def test_the_year_switcher_lists_published_years_and_opens_them(self, client, two_years):
        html = client.get("/reform-index/").text
        assert f'href="/reform-index/{LAST_YEAR}/"' in html
        assert f'href="/reform-index/{YEAR}/" aria-current="page"' in html
        earlier = client.get(f"/reform-index/{LAST_YEAR}/")
        assert earlier.status_code == 200
        assert row_of(earlier.text, "Phường Lê Lợi").startswith("1 Phường Lê Lợi 75,00")
        assert "So với năm" not in earlier.text  # nothing published before it

    def test_a_year_in_progress_is_not_public(self, client, world):
        publish_year(LAST_YEAR, world, LAST_POINTS)
        open_year(YEAR, world)
        assert client.get(f"/reform-index/{YEAR}/").status_code == 404
        assert client.get(f"/reform-index/{YEAR}/H26.45.01/").status_code == 404
        html = client.get("/reform-index/").text
        assert f"/reform-index/{YEAR}/" not in html
        assert f"{LAST_YEAR}" in html

    def test_a_draft_year_is_not_public(self, client, world):
        build_tree(ScorecardFactory(year=YEAR))
        assert client.get(f"/reform-index/{YEAR}/").status_code == 404

    def test_a_unit_leader_does_not_see_the_provisional_ranking(self, client, world):
        open_year(YEAR, world)
        client.force_login(world.ward_leader)
        assert client.get(f"/reform-index/{YEAR}/").status_code == 404

    def test_leaders_see_a_provisional_ranking_marked_as_such(self, client, world):
        open_year(YEAR, world)
        client.force_login(world.leader)
        response = client.get(f"/reform-index/{YEAR}/")
        assert response.status_code == 200
        assert "Kết quả tạm tính" in response.text
        assert "tạm tính" in client.get("/reform-index/").text  # in the year switcher

    def test_an_unknown_year_or_unit_is_a_404(self, client, two_years):
        assert client.get("/reform-index/1999/").status_code == 404
        assert client.get(f"/reform-index/{YEAR}/X.99/").status_code == 404
        assert client.get("/reform-index/99999999999999999999/").status_code == 404
        assert client.get("/reform-index/inspections/99999999999999999999/").status_code == 404


class TestRankingQueries:
    """The ranking page costs the same number of queries for 3 or 9 units."""

    @staticmethod
    def add_units(count, this_year, last_year):
        for _ in range(count):
            unit = UnitFactory()
            for scorecard, rank in ((this_year, 5), (last_year, 7)):
                AssessmentFactory(
                    scorecard=scorecard,
                    unit=unit,
                    state=AssessmentState.APPRAISED,
                    total=Decimal("81.50"),
                    rank=rank,
                    grade="Tốt",
                )

    @staticmethod
    def queries(client, url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    @pytest.mark.parametrize("url", ["/reform-index/", f"/reform-index/{YEAR}/"])
    def test_flat_at_two_sizes(self, client, db, url):
        this_year = ScorecardFactory(year=YEAR, published=True)
        last_year = ScorecardFactory(year=LAST_YEAR, published=True)
        self.add_units(3, this_year, last_year)
        client.get(url)  # warm up whatever is cached once per process
        small = self.queries(client, url)
        self.add_units(6, this_year, last_year)
        large = self.queries(client, url)
        assert small == large
        assert large <= 10


class TestUnitScorecard:
    @pytest.fixture
    def explained(self, world, make_dossier):
        """Lê Lợi finished 49 of 50 dossiers on time (98 %, exactly the threshold) and had
        2 violations in one published inspection (and 3 in an unpublished one)."""
        ward = world.ward
        for number in range(50):
            verdict = "late" if number == 0 else "on_time"
            make_dossier(ward, resolved=date(YEAR, 3, 5), verdict=verdict)
        InspectionFactory(
            unit=ward, date=date(YEAR, 5, 4), violations=2, findings="Đến muộn 2 lần."
        )
        InspectionFactory(
            unit=ward,
            date=date(YEAR, 5, 20),
            violations=3,
            findings="Chưa công khai.",
            team="Đoàn chưa công khai",
            unpublished=True,
        )
        publish_year(LAST_YEAR, world, LAST_POINTS)
        return publish_year(YEAR, world, THIS_POINTS)

    def test_the_tree_shows_maxima_and_points(self, client, explained):
        html = client.get(f"/reform-index/{YEAR}/H26.45.01/").text
        assert row_of(html, ">A<").split()[-3:] == ["10", "8", "5"]  # max, self, appraised
        assert row_of(html, ">A.1<").split()[-3:] == ["6", "5", "3"]
        assert row_of(html, "Tổng các tiêu chí").split()[-3:] == ["20", "15,5", "12,5"]

    def test_an_automatic_point_is_explained(self, client, explained):
        html = client.get(f"/reform-index/{YEAR}/H26.45.01/").text
        on_time = row_of(html, ">B.1<")
        assert "49 trên 50 hồ sơ đã giải quyết trong kỳ" in on_time
        assert "98 % ≥ ngưỡng 98 % → 5/5 điểm" in on_time
        assert "điểm = 5 × min(1, tỷ lệ / 98%)" in on_time
        violations = row_of(html, ">B.2<")
        assert "2 vi phạm phát hiện qua 1 đợt kiểm tra công vụ" in violations
        assert "→ 2,5/5 điểm" in violations

    def test_the_explanation_reads_in_english_too(self, client, explained):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # English only when chosen
        with translation.override("en"):
            response = client.get(f"/reform-index/{YEAR}/H26.45.01/")
        text = row_of(response.text, ">B.1<")
        assert "49 of 50 dossiers finished in the period were early or on time" in text
        assert "98 % ≥ threshold 98 % → 5/5 points" in text

    def test_the_public_sees_published_inspections_only(self, client, explained):
        html = client.get(f"/reform-index/{YEAR}/H26.45.01/").text
        assert "Đến muộn 2 lần." in html
        assert "Đoàn chưa công khai" not in html

    def test_the_inspection_behind_a_point_links_its_public_page(self, client, explained):
        inspection = Inspection.objects.get(findings="Đến muộn 2 lần.")
        html = client.get(f"/reform-index/{YEAR}/H26.45.01/").text
        (row,) = [row for row in re.findall(r"<tr[ >].*?</tr>", html, flags=re.S) if ">B.2<" in row]
        assert f'href="/reform-index/inspections/{inspection.pk}/"' in row
        assert "/api/" not in row and "/api/v1/" not in html

    def test_the_unit_page_shows_total_rank_grade_and_last_year(self, client, explained):
        html = client.get(f"/reform-index/{YEAR}/H26.45.01/").text
        figures = " ".join(re.sub(r"<[^>]+>", " ", html.split('class="ri-figures"')[1]).split())
        assert figures.startswith("> Tổng điểm 62,50")
        assert "Hạng 3" in figures
        assert f"Năm {LAST_YEAR} 75,00 hạng 1, Khá" in figures

    def test_the_published_scorecard_no_longer_moves(self, client, explained, world, make_dossier):
        before = row_of(client.get(f"/reform-index/{YEAR}/H26.45.01/").text, ">B.1<")
        for _ in range(10):
            make_dossier(world.ward, resolved=date(YEAR, 4, 1), verdict="late")
        after = row_of(client.get(f"/reform-index/{YEAR}/H26.45.01/").text, ">B.1<")
        assert "5/5 điểm" in before and "5/5 điểm" in after

    def test_a_unit_leader_previews_their_own_unit_only(self, client, world):
        scorecard = open_year(YEAR, world)
        client.force_login(world.ward_leader)
        own = client.get(f"/reform-index/{YEAR}/{world.ward.code}/")
        assert own.status_code == 200
        assert "Kết quả tạm tính" in own.text
        assert client.get(f"/reform-index/{YEAR}/{world.other_ward.code}/").status_code == 404
        assert assessment_of(scorecard, world.ward).state == AssessmentState.SUBMITTED
