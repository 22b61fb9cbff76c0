"""Every public endpoint is throttled per client address: past the rate it answers 429 with
a reason and a Retry-After, another address is still served, and a forged X-Forwarded-For
does not buy a fresh allowance. The lookup page and the lookup API share one count.

The portal's throttles (core/throttles.py) read the rates from the settings per request, so
the tests lower them in the settings alone.
"""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
LOW_RATES = {scope: f"{LIMIT}/min" for scope in ("anon", "user", "auth", "lookup")}

# (name, method, path, data): one request each endpoint answers without a login.
PUBLIC = [
    ("procedures API", "get", "/api/v1/procedures/", {"search": "khai sinh"}),
    ("fields API", "get", "/api/v1/fields/", {}),
    (
        "deadline preview",
        "get",
        "/api/v1/calendar/deadline/",
        {"start": "2026-11-23T09:00:00+07:00", "amount": 3, "unit": "working_days"},
    ),
    ("lookup API", "get", "/api/v1/lookup/", {"code": "H26.45-261123-0001", "phone": "0912"}),
    ("reform index API", "get", "/api/v1/reform-index/scorecards/", {}),
    ("token API", "post", "/api/v1/auth/token/", {"username": "nobody", "password": "x"}),
]


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": LOW_RATES}


def call(client, method, path, data, **extra):
    return getattr(client, method)(path, data, REMOTE_ADDR="203.0.113.7", **extra)


def exhaust(client, method, path, data):
    return [call(client, method, path, data).status_code for _ in range(LIMIT)]


@pytest.mark.parametrize(("name", "method", "path", "data"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_endpoint_answers_429_past_its_rate(api_client, low_rates, name, method, path, data):
    assert 429 not in exhaust(api_client, method, path, data)
    blocked = call(api_client, method, path, data)
    assert blocked.status_code == 429, name
    assert blocked.json()["detail"]
    assert int(blocked["Retry-After"]) > 0


@pytest.mark.parametrize(("name", "method", "path", "data"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_the_count_is_per_client_address(api_client, low_rates, name, method, path, data):
    exhaust(api_client, method, path, data)
    other = getattr(api_client, method)(path, data, REMOTE_ADDR="198.51.100.9")
    assert other.status_code != 429, name


@pytest.mark.parametrize(("name", "method", "path", "data"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_a_forged_forwarded_for_header_does_not_reset_the_count(
    api_client, low_rates, name, method, path, data
):
    exhaust(api_client, method, path, data)
    forged = call(api_client, method, path, data, HTTP_X_FORWARDED_FOR="192.0.2.55")
    assert forged.status_code == 429, name


def test_the_lookup_page_answers_429_past_the_lookup_rate(client, low_rates):
    attempt = {"code": "H26.45-261123-0001", "phone": "0912345678"}
    statuses = [client.post("/lookup/", attempt).status_code for _ in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]
    assert client.post("/lookup/", attempt, REMOTE_ADDR="198.51.100.9").status_code == 200


LOOKUP = {"code": "H26.45-261123-0001", "phone": "0912345678"}


def lookup_on_page(client, address="203.0.113.7"):
    return client.post("/lookup/", LOOKUP, REMOTE_ADDR=address).status_code


def lookup_by_api(api_client, address="203.0.113.7"):
    return api_client.get("/api/v1/lookup/", LOOKUP, REMOTE_ADDR=address).status_code


@pytest.mark.parametrize("last_door", ["page", "api"])
def test_the_lookup_page_and_api_share_one_count_at_the_lookup_rate(
    client, api_client, settings, last_door
):
    """20 attempts a minute from one address in all (the default rate), whichever door."""
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lookup"] == "20/min"
    page = [lookup_on_page(client) for _ in range(10)]
    api = [lookup_by_api(api_client) for _ in range(10)]
    assert page == [200] * 10 and api == [404] * 10
    last = lookup_on_page(client) if last_door == "page" else lookup_by_api(api_client)
    assert last == 429
    assert lookup_on_page(client, "198.51.100.9") == 200


def test_a_signed_in_caller_shares_the_address_count_too(client, api_client):
    api_client.force_authenticate(UserFactory(username="motcua", role="desk_officer"))
    assert [lookup_by_api(api_client) for _ in range(20)] == [404] * 20
    assert lookup_on_page(client) == 429


def test_behind_a_proxy_both_doors_count_the_forwarded_address(client, api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    behind = {"HTTP_X_FORWARDED_FOR": "192.0.2.55", "REMOTE_ADDR": "10.0.0.1"}
    for _ in range(10):
        client.post("/lookup/", LOOKUP, **behind)
        api_client.get("/api/v1/lookup/", LOOKUP, **behind)
    assert client.post("/lookup/", LOOKUP, **behind).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "192.0.2.56", "REMOTE_ADDR": "10.0.0.1"}
    assert client.post("/lookup/", LOOKUP, **other).status_code == 200
