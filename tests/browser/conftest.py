"""Browser tests: Playwright's sync API driving Debian's Chromium (never a browser of
Playwright's own) against pytest-django's live server.

Every journey runs in a fresh browser context (cookies, storage) with a Vietnamese locale,
and saves a screenshot of each step under ``$ARTIFACTS_DIR/browser/<journey>/``.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Explicit waits only: an element or a page that is not there in this time is a failure.
WAIT_MS = 15_000


def artifacts_dir():
    return Path(os.environ.get("ARTIFACTS_DIR") or ROOT / "test-artifacts") / "browser"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module (Playwright gives each launch a fresh, temporary
    profile). While Playwright runs, its event loop is marked running in this thread, so
    Django would refuse the test's own ORM calls as "async"; they are plain sync calls
    beside it, hence the flag for as long as the browser lives."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs it.")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        extra_http_headers={"Accept-Language": "vi"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails its test if the browser refused anything under the Content
    Security Policy (a refusal is logged to the console, and the feature silently breaks)."""
    page = context.new_page()
    refusals = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not refusals, refusals


class Screenshots:
    """``shots("search results")`` saves ``NN-search-results.png`` in the journey's folder."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def __call__(self, page, step):
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request):
    journey = request.node.name.removeprefix("test_")
    journey = re.sub(r"[^a-z0-9]+", "-", journey.lower()).strip("-")
    return Screenshots(artifacts_dir() / journey)
