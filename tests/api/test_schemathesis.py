"""Fuzzing the API against its own live OpenAPI schema (``/api/schema/``) with schemathesis,
once per role: whatever valid or invalid request it generates, the portal must answer
without a server error, with a documented status, content type and headers, and with a
body that matches the schema. A schema-valid request may only be refused (4xx) by a
business rule that ``tests.api.refusals`` names for that operation; the run ends with a
summary of the operations covered and of the refusals seen (``tests/api/conftest.py``).

The requests go to the WSGI application in this process, so they see the test database
(the small world of ``tests.world``) and roll back with the test. Throttles are
lifted: their 429s are tested in ``tests/security/test_throttles.py``.
"""

import zlib
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dossiers.models import DossierComponent
from reform_index.models import Inspection
from tests.api.refusals import judge
from tests.security.matrix import (
    DRAFT_YEAR,
    PUBLISHED_YEAR,
    SELF_ASSESSMENT_YEAR,
    add_document_store,
    add_reform_index,
)
from tests.world import PASSWORD, add_citizen_dossiers, build_world

EXAMPLES_PER_OPERATION = 8
# One identity per role (the matrix checks the other-unit twins' scoping).
FUZZ_ROLES = ("anon", "citizen", "desk", "spec", "uleader", "leader", "index", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Every scope the portal throttles, so that the fuzzing reaches the code behind each.
NO_LIMITS = {
    scope: "100000/min" for scope in django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
}


def live_schema(coverage):
    """The schema as any client reads it, from the running application (building it needs
    no query). ``coverage`` adds schemathesis's systematic cases (boundaries, missing and
    wrong-typed parameters) to the random ones: thousands of requests, so once, as admin."""
    # No crash cache: every run starts from the same seed, not from a previous run's finds.
    config = SchemathesisConfig.from_dict(
        {"cache": {"enabled": False}, "phases": {"coverage": {"enabled": coverage}}}
    )
    return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=config)


schema = live_schema(coverage=False)
systematic_schema = live_schema(coverage=True)


@pytest.fixture(scope="module")
def world_access(django_db_setup, django_db_blocker):
    """One world for the whole module, built in a transaction that is rolled back at the
    end; each test runs in a savepoint inside it. Tokens are asked of the token endpoint
    like any client would."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(SimpleRateThrottle, "THROTTLE_RATES", NO_LIMITS)
        rates = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": NO_LIMITS}
        with override_settings(REST_FRAMEWORK=rates):
            world = add_citizen_dossiers(build_world())
            add_reform_index(world)
            add_document_store(world)
            tokens = {role: token_for(world.roles[role]) for role in FUZZ_ROLES if role != "anon"}
            # After the test client's requests, which reconnect the closing on their way out.
            with connection_kept_open():
                yield tokens, real_keys(world)
        transaction.set_rollback(True)


@contextmanager
def connection_kept_open():
    """Django closes the connection after each request it serves, which would end the
    test's transaction; its test client avoids that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def real_keys(world):
    """Path parameters that name something in the world, so that most generated requests
    reach the code behind the lookup instead of a 404."""
    return {
        "code": [
            *(dossier.code for dossier in world.dossiers.values()),
            world.procedure.code,
            world.procedure.field.code,
        ],
        "year": [PUBLISHED_YEAR, DRAFT_YEAR, SELF_ASSESSMENT_YEAR],
        "unit_code": [world.town.code, world.other_town.code],
        "id": list(Inspection.objects.values_list("pk", flat=True)),
        "pk": [
            world.stored.pk,
            *DossierComponent.objects.order_by("pk").values_list("pk", flat=True),
        ],
    }


def aim_at_the_world(case, keys):
    """Swap generated path parameters for real ones, three times in four; the fourth keeps
    what was generated (unknown or malformed keys must still be a clean 4xx)."""
    for name, value in list((case.path_parameters or {}).items()):
        candidates = keys.get(name)
        if not candidates:
            continue
        pick = zlib.crc32(repr((value, case.query, case.body)).encode()) % (len(candidates) + 1)
        if pick < len(candidates):
            case.path_parameters[name] = candidates[pick]


def token_for(user):
    answer = Client().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


@pytest.mark.parametrize("role", FUZZ_ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_its_schema_under_fuzzing(case, role, world_access):
    call_as(role, case, world_access)


@systematic_schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_its_schema_on_systematic_cases(case, world_access):
    call_as("admin", case, world_access)


def call_as(role, case, world_access):
    tokens, keys = world_access
    aim_at_the_world(case, keys)
    headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    judge(case, response, role)
