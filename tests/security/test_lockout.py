"""Login lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords lock the account from
that address on every login door — the citizen/staff login page, the API token endpoint
and the back-office login — until the cool-off passes."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "Secret-pass-123"


@pytest.fixture
def citizen():
    return UserFactory(username="0912345678", role="citizen", phone="0912345678")


@pytest.fixture
def officer():
    return UserFactory(username="motcua", role="desk_officer")


def fail_on_the_page(client, username, times):
    return [
        client.post(LOGIN, {"username": username, "password": "wrong"}).status_code
        for _attempt in range(times)
    ]


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_login_page_locks_at_the_limit(client, officer, settings):
    limit = settings.AXES_FAILURE_LIMIT
    # An inline error until the failure that reaches the limit, which already locks.
    assert fail_on_the_page(client, "motcua", limit) == [200] * (limit - 1) + [429]
    response = client.post(LOGIN, {"username": "motcua", "password": PASSWORD})
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_token_endpoint_locks_at_the_limit(api_client, officer, settings):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        api_client.post(TOKEN, {"username": "motcua", "password": "x"}).status_code
        for _attempt in range(limit)
    ]
    assert statuses == [400] * (limit - 1) + [429]
    response = api_client.post(TOKEN, {"username": "motcua", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == {"detail": response.json()["detail"]}
    assert "token" not in response.json()


def test_failures_on_the_page_lock_the_api_and_the_back_office(
    client, api_client, officer, settings
):
    fail_on_the_page(client, "motcua", settings.AXES_FAILURE_LIMIT)
    token = api_client.post(TOKEN, {"username": "motcua", "password": PASSWORD})
    assert token.status_code == 429
    admin = client.post(ADMIN_LOGIN, {"username": "motcua", "password": PASSWORD})
    assert admin.status_code == 429
    assert not logged_in(client)


def test_any_spelling_of_the_phone_counts_against_the_same_account(client, citizen, settings):
    spellings = ["0912345678", "0912 345 678", "+84912345678", "0912.345.678", "84912345678"]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        client.post(LOGIN, {"username": spelling, "password": "wrong"})
    response = client.post(LOGIN, {"username": "091-234-5678", "password": PASSWORD})
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lock_holds_one_account_not_its_neighbours(client, officer, settings):
    UserFactory(username="motcua2", role="desk_officer")
    fail_on_the_page(client, "motcua", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "motcua2", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_before_the_limit_clears_the_count(client, officer, settings):
    fail_on_the_page(client, "motcua", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(LOGIN, {"username": "motcua", "password": PASSWORD}).status_code == 302
    client.logout()
    fail_on_the_page(client, "motcua", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(LOGIN, {"username": "motcua", "password": PASSWORD}).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, officer, settings):
    fail_on_the_page(client, "motcua", settings.AXES_FAILURE_LIMIT)
    later = timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later):
        response = client.post(LOGIN, {"username": "motcua", "password": PASSWORD})
    assert response.status_code == 302
