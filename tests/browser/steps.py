"""Steps and seeds the browser tests share."""

from types import SimpleNamespace

from playwright.sync_api import expect

from reform_index.services import lifecycle
from tests.reform_index.conftest import (
    AFTER_THE_PERIOD,
    appraise_all,
    build_tree,
    self_assess_all,
)
from tests.reform_index.factories import ScorecardFactory
from tests.world import PASSWORD, add_citizen_dossiers, build_world

# Loaded from the site like its own scripts: the Content Security Policy refuses inline ones.
AXE = "/static/vendor/axe-core/axe.min.js"
INDEX_YEAR = 2026
# (A.1, A.2) appraised per ward: Lê Lợi comes first, Ngô Quyền second, Cổ Đông third.
POINTS = {"H26.45.01": (6, 4), "H26.45.02": (3, 2), "H26.45.03": (2, 1)}


def log_in(page, shots, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    shots(page, "login")
    page.locator("form.panel").get_by_role("button").click()
    expect(page.locator("#id_username")).to_have_count(0)


def publish_index():
    """The world with its citizens' dossiers, and the year's index of its wards published."""
    world = add_citizen_dossiers(build_world())
    people = SimpleNamespace(
        wards=world.wards, index_officer=world.roles["index"], leader=world.roles["leader"]
    )
    scorecard = build_tree(ScorecardFactory(year=INDEX_YEAR, title="Chỉ số CCHC năm 2026"))
    lifecycle.open_self_assessment(scorecard, people.index_officer)
    self_assess_all(scorecard, people)
    lifecycle.open_appraisal(scorecard, people.index_officer)
    appraise_all(scorecard, people, POINTS)
    lifecycle.publish(scorecard, people.leader, now=AFTER_THE_PERIOD)
    return world.wards


def serious_violations(page):
    """axe-core's violations of impact serious or critical on the page as it stands."""
    page.add_script_tag(url=AXE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]
