"""A browser set to English still opens the portal in Vietnamese; the language switch
turns it to English and back, and the choice holds from page to page."""

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def switch_to(page, language):
    page.select_option("#lang-select", language)
    page.locator(".lang-switch button[type=submit]").click()
    page.wait_for_load_state()


def test_an_english_browser_sees_vietnamese_until_it_switches(english_page, db, shots):
    page = english_page
    page.goto("/procedures/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".main-nav")).to_contain_text("Thủ tục hành chính")
    shots(page, "english browser, vietnamese page")

    switch_to(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".main-nav")).to_contain_text("Administrative procedures")
    page.goto("/")
    expect(page.locator(".main-nav")).to_contain_text("Administrative procedures")
    shots(page, "english chosen")

    switch_to(page, "vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".main-nav")).to_contain_text("Thủ tục hành chính")
    shots(page, "vietnamese again")
