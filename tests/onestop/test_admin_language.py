"""The admin in Vietnamese, with nothing left in English: its frame (Django's own catalogue
lacks some of it), the project's field names, the grade bands read as a scale and the
dossier list naming the procedure — for a browser that asks for English, too."""

import pytest
from django.urls import reverse

from tests.factories import DossierFactory
from tests.reform_index.conftest import build_tree
from tests.reform_index.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# Seen in the admin before: Django's frame, and field names without a Vietnamese label.
ENGLISH = (
    "Skip to main content",
    "Toggle theme",
    "Show counts",
    "Hide counts",
    "Toggle navigation",
    "Filter navigation items",
    "Published by",
    "Parent",
    "Created at",
    "Grade bands",
    '"grade":',
)


@pytest.fixture
def pages(world):
    published = build_tree(ScorecardFactory(year=2025, published=True))
    draft = build_tree(ScorecardFactory(year=2026))
    dossier = DossierFactory(procedure=world.procedure, receiving_unit=world.town)
    return [
        reverse("admin:index"),
        reverse("admin:dossiers_dossier_changelist"),
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        reverse("admin:reform_index_scorecard_changelist"),
        reverse("admin:reform_index_scorecard_change", args=[published.pk]),
        reverse("admin:reform_index_scorecard_change", args=[draft.pk]),
        reverse("admin:core_unit_changelist") + "?_facets=True",
        reverse("admin:procedures_procedure_changelist"),
    ]


def test_no_english_is_left_in_the_admin(client, world, pages):
    client.force_login(world.admin)
    for url in pages:
        response = client.get(url, **ENGLISH_BROWSER)
        assert response.status_code == 200, url
        page = response.text
        left = [english for english in ENGLISH if english in page]
        assert not left, f"{url}: {left}"


def test_a_published_scorecard_shows_its_grade_scale(client, world):
    scorecard = ScorecardFactory(
        year=2025,
        published=True,
        grade_bands=[{"grade": "Xuất sắc", "min": 90}, {"grade": "Tốt", "min": 80}],
    )
    client.force_login(world.admin)
    page = client.get(reverse("admin:reform_index_scorecard_change", args=[scorecard.pk])).text
    assert "Xuất sắc ≥ 90 · Tốt ≥ 80" in page
    assert "Thang xếp loại" in page


def test_the_dossier_list_names_the_procedure(client, world):
    DossierFactory(procedure=world.procedure, receiving_unit=world.town)
    client.force_login(world.admin)
    page = client.get(reverse("admin:dossiers_dossier_changelist")).text
    assert f"{world.procedure.code} — {world.procedure.name[:30]}" in page
