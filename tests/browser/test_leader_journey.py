"""A leader in the browser: log in, read the dashboard (figures and charts drawn from the
dossiers), then open the published reform index ranking of the wards."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, publish_index

pytestmark = pytest.mark.browser


@pytest.fixture
def published_index():
    return publish_index()


def test_leader_reads_the_dashboard_and_the_ranking(page, shots, published_index):
    first, second, third = published_index
    log_in(page, shots, "leader")

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#chart-months")).to_be_visible()
    expect(page.locator("#table-units")).to_contain_text("Sơn Tây")
    shots(page, "dashboard")

    page.goto("/reform-index/")
    ranking = page.locator("table.ranking-table")
    expect(ranking).to_be_visible()
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(first.name)
    expect(rows.nth(1)).to_contain_text(second.name)
    expect(rows.nth(2)).to_contain_text(third.name)
    shots(page, "ranking")
