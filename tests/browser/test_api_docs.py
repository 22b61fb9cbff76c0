"""The API's documentation page runs in the browser under the Content Security Policy, from
the assets served by the site itself."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_lists_the_operations(page, db, shots):
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/dossiers/")
    shots(page, "api docs")
