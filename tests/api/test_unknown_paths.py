"""Addresses under /api/v1/ that name no endpoint answer like the API, not like the site."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/reform-index/scorecards/abc/", "/api/v1/fields/a.b/", "/api/v1/no-such-thing/"],
)
def test_an_address_outside_every_pattern_is_a_json_404(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_missing_slash_is_still_redirected(api_client):
    response = api_client.get("/api/v1/fields")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/fields/"
