"""With Redis (the shared cache) unreachable, the desk keeps working and the public doors
answer: the portal's own RedisCache points at a closed local port, so every cache call
meets a refused connection. The throttles fail open for signed-in staff and keep counting
anonymous callers in the process's memory (core/throttles.py)."""

import pytest
from django.core.cache import cache

from core.throttles import outage_counts
from dossiers.models import Dossier, Status
from tests.redis_server import free_port
from tests.world import counter_checklist

DESK_PAGES = ["/desk/", "/desk/queue/", "/desk/intake/", "/desk/due-soon/", "/desk/overdue/"]
LOW_RATES = {"anon": "3/min", "user": "3/min", "auth": "3/min", "lookup": "3/min"}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    outage_counts.clear()
    yield
    outage_counts.clear()


@pytest.fixture
def low_rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **LOW_RATES}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def assert_the_cache_is_down():
    assert cache.get("probe", "missed") == "missed"
    assert cache.available is False


def applicant_body(phone="0912345678"):
    return {"name": "Lê Thị Cúc", "phone": phone, "id_number": "001190000002"}


class TestTheDeskKeepsWorking:
    def test_counter_intake_transfer_and_the_lists(self, api_client, world, redis_down):
        api_client.force_authenticate(world.desk_officer)
        body = {"procedure": "1.001193", "applicant": applicant_body(), "summary": "Khai sinh"}

        created = api_client.post("/api/v1/dossiers/", body, format="json")

        assert_the_cache_is_down()
        assert created.status_code == 201, created.content
        code = created.json()["code"]
        moved = api_client.post(
            f"/api/v1/dossiers/{code}/transfer/", {"to_unit": "H26.45.TP"}, format="json"
        )
        assert moved.status_code == 200, moved.content
        assert Dossier.objects.get(code=code).status == Status.IN_PROGRESS
        listed = api_client.get("/api/v1/dossiers/")
        assert listed.status_code == 200 and listed.json()["count"] == 1
        assert api_client.get(f"/api/v1/dossiers/{code}/").status_code == 200

    def test_the_desk_pages(self, client, make, world, redis_down):
        dossier = make("received")
        client.force_login(world.desk_officer)
        for url in [*DESK_PAGES, f"/desk/dossiers/{dossier.code}/"]:
            assert client.get(url).status_code == 200, url
        assert_the_cache_is_down()

    def test_the_desk_intake_form(self, client, world, redis_down):
        client.force_login(world.desk_officer)
        form = {
            "procedure": "1.001193",
            "channel": "counter",
            "applicant_kind": "person",
            "applicant_name": "Lê Thị Cúc",
            "applicant_phone": "0912345678",
            **counter_checklist(),
        }
        response = client.post("/desk/intake/", form)
        dossier = Dossier.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/desk/dossiers/{dossier.code}/"
        assert client.get(response["Location"]).status_code == 200


class TestThePublicDoorsAnswer:
    def test_procedures_fields_and_the_deadline_preview(self, api_client, world, redis_down):
        assert api_client.get("/api/v1/procedures/", {"search": "khai sinh"}).status_code == 200
        assert api_client.get("/api/v1/procedures/1.001193/").status_code == 200
        assert api_client.get("/api/v1/fields/").status_code == 200
        preview = api_client.get(
            "/api/v1/calendar/deadline/",
            {"start": "2026-11-23T09:00:00+07:00", "amount": 3, "unit": "working_days"},
        )
        assert preview.status_code == 200
        assert_the_cache_is_down()

    def test_the_catalogue_pages(self, client, world, redis_down):
        for url in ("/", "/procedures/", "/procedures/?q=khai+sinh"):
            assert client.get(url).status_code == 200, url

    def test_the_lookup_api_and_page(self, api_client, client, make, redis_down):
        dossier = make("received")
        attempt = {"code": dossier.code, "phone": "0912345678"}
        found = api_client.get("/api/v1/lookup/", attempt)
        assert found.status_code == 200 and found.json()["code"] == dossier.code
        page = client.post("/lookup/", attempt)
        assert page.status_code == 200 and page.context["dossier"] == dossier
        assert_the_cache_is_down()

    def test_the_token_endpoint(self, api_client, world, redis_down):
        answer = api_client.post(
            "/api/v1/auth/token/", {"username": "desk", "password": "Secret-pass-123"}
        )
        assert answer.status_code == 200 and answer.json()["token"]


class TestThrottlesInAnOutage:
    def test_signed_in_staff_are_never_refused(
        self, api_client, make, world, redis_down, low_rates
    ):
        dossier = make("received")
        api_client.force_authenticate(world.desk_officer)
        attempt = {"code": dossier.code, "phone": "0912345678"}
        answers = [
            api_client.get(url, attempt if "lookup" in url else {}).status_code
            for url in ("/api/v1/lookup/", "/api/v1/reform-index/scorecards/")
            for _call in range(10)
        ]
        assert 429 not in answers

    def test_with_the_cache_up_the_same_calls_are_limited(self, api_client, make, world, low_rates):
        """The control: what the outage policy lifts is a real limit."""
        dossier = make("received")
        api_client.force_authenticate(world.desk_officer)
        attempt = {"code": dossier.code, "phone": "0912345678"}
        answers = [api_client.get("/api/v1/lookup/", attempt).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]

    def test_anonymous_lookups_still_count_across_both_doors(
        self, api_client, client, make, redis_down, low_rates
    ):
        dossier = make("received")
        attempt = {"code": dossier.code, "phone": "0912345678"}
        assert api_client.get("/api/v1/lookup/", attempt).status_code == 200
        assert client.post("/lookup/", attempt).status_code == 200
        assert api_client.get("/api/v1/lookup/", attempt).status_code == 200
        assert client.post("/lookup/", attempt).status_code == 429
        assert api_client.get("/api/v1/lookup/", attempt).status_code == 429
        assert client.post("/lookup/", attempt, REMOTE_ADDR="198.51.100.9").status_code == 200
        assert_the_cache_is_down()

    def test_token_guesses_still_count(self, api_client, world, redis_down, low_rates):
        guess = {"username": "nobody", "password": "x"}
        answers = [api_client.post("/api/v1/auth/token/", guess).status_code for _ in range(4)]
        assert answers == [400, 400, 400, 429]

    def test_sign_ups_still_count(self, client, db, redis_down, settings):
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": "2/hour"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        form = {
            "full_name": "Trần Thị Bình",
            "password1": "Lua-gao-2026",
            "password2": "Lua-gao-2026",
        }
        answers = [
            client.post("/accounts/signup/", {**form, "phone": f"098700000{n}"}).status_code
            for n in range(3)
        ]
        assert answers == [302, 302, 429]


def test_intakes_in_an_outage_share_one_procedure_version(api_client, world, redis_down):
    """The current version is worked out from the database when the cache cannot say it:
    intakes in a row get distinct codes and the same version, not a new one each."""
    api_client.force_authenticate(world.desk_officer)
    body = {"procedure": "1.001193", "applicant": applicant_body()}
    codes = [
        api_client.post("/api/v1/dossiers/", body, format="json").json()["code"] for _ in range(3)
    ]
    dossiers = Dossier.objects.filter(code__in=codes)
    assert len(set(codes)) == dossiers.count() == 3
    assert len(set(dossiers.values_list("procedure_version", flat=True))) == 1
