"""Vietnamese for every visitor; English only once chosen with the language switch."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def choose(client, language):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_an_english_browser_still_gets_vietnamese(client):
    response = client.get(reverse("procedures:catalogue"), **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text
    assert "Thủ tục hành chính" in response.text
    assert "Administrative procedures" not in response.text
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_switch_chooses_english_and_back(client):
    assert choose(client, "en").status_code == 302
    english = client.get("/", **ENGLISH_BROWSER)
    assert '<html lang="en">' in english.text
    assert "Administrative procedures" in english.text

    choose(client, "vi")
    vietnamese = client.get("/")
    assert '<html lang="vi">' in vietnamese.text
    assert "Thủ tục hành chính" in vietnamese.text


def test_the_choice_is_remembered_for_a_year(client):
    cookie = choose(client, "en").cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/", **ENGLISH_BROWSER)
    assert '<html lang="vi">' in response.text


def test_the_admin_has_no_english_left_from_django(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("admin:core_unit_changelist"), **ENGLISH_BROWSER).text
    assert "Chuyển đến nội dung chính" in page
    for english in ("Skip to main content", "Toggle theme", "Show counts"):
        assert english not in page


def test_the_api_still_answers_in_the_callers_language(client):
    english = client.get("/api/v1/dossiers/", **ENGLISH_BROWSER)
    vietnamese = client.get("/api/v1/dossiers/")
    assert english.status_code == vietnamese.status_code == 401
    assert english["Content-Language"] == "en"
    assert vietnamese["Content-Language"] == "vi"
