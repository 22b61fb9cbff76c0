"""Error pages in Vietnamese, in the site's header, with DEBUG off (as in production)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import path

from onestop.urls import urlpatterns as site_urls
from tests.world import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urls, path("broken/", broken_view)]


@pytest.fixture(autouse=True)
def _production_like():
    with override_settings(DEBUG=False):
        yield


def test_a_missing_procedure_answers_the_vietnamese_404(client):
    response = client.get("/procedures/9.999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert '<header class="site-header">' in response.text


def test_the_dashboard_refuses_a_desk_officer_with_the_vietnamese_403(client, world):
    client.force_login(world.desk_officer)
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.text
    assert '<header class="site-header">' in response.text


def test_a_server_error_answers_the_vietnamese_500():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Đã có lỗi từ phía hệ thống" in response.text
    assert '<html lang="vi">' in response.text


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_admin_login_lockout_answers_the_vietnamese_429(client):
    get_user_model().objects.create_user("locked", password=PASSWORD, is_staff=True)
    for _attempt in range(2):
        client.post("/admin/login/", {"username": "locked", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "locked", "password": "wrong"})
    assert response.status_code == 429
    assert "Quá nhiều lần thử" in response.text


def test_favicon_and_manifest_are_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 302
    assert icon["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")
    home = client.get("/")
    assert 'rel="icon"' in home.text
    assert 'rel="manifest"' in home.text
    with open(finders.find("manifest.webmanifest"), encoding="utf-8") as manifest:
        assert json.load(manifest)["name"] == "Cổng dịch vụ công một cửa"


def test_a_form_sent_without_its_csrf_token_answers_the_vietnamese_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text
