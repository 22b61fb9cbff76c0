"""axe-core on the pages people work in once signed in — the desk's lists, a dossier with
its steps and components, the work lists, the leaders' dashboard and its why-late
drill-down, the citizen's own pages and document store, the counter rating device — and
on the error page: no violation of impact
serious or critical."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dossiers.services import ratings
from tests.browser.steps import log_in, publish_index, serious_violations
from tests.world import add_citizen_dossiers, add_review_step, build_world

pytestmark = pytest.mark.browser
User = get_user_model()

# (who, page); "{O}" is the code of the citizen's dossier in progress at the town.
SIGNED_IN_PAGES = [
    ("desk", "/desk/"),
    ("desk", "/desk/queue/"),
    ("desk", "/desk/intake/"),
    ("desk", "/desk/work/"),
    ("desk", "/desk/dossiers/{O}/"),
    ("spec", "/desk/work/"),
    ("spec", "/desk/dossiers/{O}/"),
    ("leader", "/dashboard/"),
    ("leader", "/dashboard/late/"),
    ("citizen", "/dossiers/mine/"),
    ("citizen", "/dossiers/{O}/"),
    ("citizen", "/dossiers/mine/store/"),
]


@pytest.fixture
def dossiers():
    world = build_world()
    add_review_step(world, share=100)
    return add_citizen_dossiers(world).dossiers


@pytest.mark.parametrize(("username", "path"), SIGNED_IN_PAGES)
def test_signed_in_page_has_no_serious_accessibility_violation(
    page, shots, dossiers, username, path
):
    log_in(page, shots, username)
    response = page.goto(path.format(O=dossiers["O"].code))
    assert response.status == 200
    expect(page.locator("main").first).to_be_visible()
    shots(page, path.strip("/"))
    assert serious_violations(page) == []


def test_the_index_workspace_has_no_serious_accessibility_violation(page, shots):
    publish_index()
    log_in(page, shots, "cchc")
    response = page.goto("/reform-index/work/")
    assert response.status == 200
    assert serious_violations(page) == []


def test_the_counter_rating_device_has_no_serious_accessibility_violation(page, shots, dossiers):
    token = ratings.open_device(dossiers["T"], User.objects.get(username="desk"))
    response = page.goto(f"/rating/{token}/")
    assert response.status == 200
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_be_visible()
    shots(page, "rating device")
    assert serious_violations(page) == []


def test_the_not_found_page_has_no_serious_accessibility_violation(page, shots):
    response = page.goto("/procedures/9.999999/")
    assert response.status == 404
    expect(page.locator("main").first).to_be_visible()
    shots(page, "not found")
    assert serious_violations(page) == []
