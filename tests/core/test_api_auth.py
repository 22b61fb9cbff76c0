import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def test_token_for_good_credentials_authenticates_later_calls(api_client):
    UserFactory(username="motcua", password="Secret-pass-123", role="desk_officer")
    response = api_client.post(URL, {"username": "motcua", "password": "Secret-pass-123"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/schema/").status_code == 200


def test_wrong_password_is_a_clear_400(api_client):
    UserFactory(username="motcua", password="Secret-pass-123")
    response = api_client.post(URL, {"username": "motcua", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_missing_fields_are_named(api_client):
    response = api_client.post(URL, {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_repeated_failures_lock_the_account_out(api_client, settings):
    UserFactory(username="motcua", password="Secret-pass-123")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(URL, {"username": "motcua", "password": "wrong"})
    response = api_client.post(URL, {"username": "motcua", "password": "Secret-pass-123"})
    assert response.status_code in (403, 429)
    assert "token" not in response.json()


def test_an_anonymous_caller_is_challenged_for_a_token(api_client):
    response = api_client.get("/api/v1/dossiers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_a_wrong_token_is_401_and_a_session_still_authenticates(api_client, client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get("/api/v1/dossiers/").status_code == 401

    client.force_login(UserFactory(role="citizen"))
    assert client.get("/api/v1/dossiers/").status_code == 200
