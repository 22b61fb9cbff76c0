"""axe-core (static/vendor/axe-core) injected into each public page: no violation of
impact serious or critical (contrast, names of controls, landmarks, language…)."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import INDEX_YEAR, publish_index, serious_violations
from tests.world import BIRTH_REGISTRATION, build_world

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/procedures/",
    f"/procedures/{BIRTH_REGISTRATION}/",
    "/procedures/?q=dang+ky+khai+sinh",
    "/kiosk/",
    "/lookup/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
]
# With the year's index published, so that tables and figures are on the page.
INDEX_PAGES = [
    "/transparency/",
    "/reform-index/",
    f"/reform-index/{INDEX_YEAR}/H26.45.01/",
    "/reform-index/inspections/",
]


@pytest.fixture
def catalogue():
    build_world()


def check(page, shots, path):
    response = page.goto(path)
    assert response.status == 200
    expect(page.locator("main, [role=main]").first).to_be_visible()
    shots(page, path.strip("/") or "home")
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(page, shots, catalogue, path):
    check(page, shots, path)


@pytest.mark.parametrize("path", INDEX_PAGES)
def test_public_index_page_has_no_serious_accessibility_violation(page, shots, path):
    publish_index()
    check(page, shots, path)


def test_the_check_catches_what_it_should(page):
    # An unlabelled field and an image without text: the check must see them, or a green
    # result above would mean nothing.
    page.goto("/")  # the site's origin, where the check's script is served
    page.set_content('<html lang="vi"><body><main><img src="x.png"><input></main></body></html>')
    rules = {violation["rule"] for violation in serious_violations(page)}
    assert {"image-alt", "label"} <= rules
