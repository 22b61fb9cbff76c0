"""The business rules that refuse a request the schema calls valid.

A schema says which values a parameter or body may hold; it cannot say that a code names
nothing, that a dossier's status does not allow an action now, or that a role may not do
something. When the fuzzer sends a schema-valid request and gets a 4xx, the answer is
conformant only if a rule below names that refusal for that operation (and, where it says
``when``, the request shows the reason); the status must be documented in the schema
anyway, which ``status_code_conformance`` checks. A 401 for an anonymous caller where the
schema's security asks for a login is the schema's own word, not a business rule. Any other
refusal means a schema that promises more than the API accepts.
"""

from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

from core.input_limits import value_problem
from core.serializers import FIRST_YEAR, LAST_YEAR

CODE_FILTERS = {"receiving_unit", "handling_unit", "procedure", "field", "unit"}


def holds_a_value_refused_at_the_door(case, role):
    """A control character, or a date whose year is outside 1900–2100 or whose UTC offset
    is beyond ±14:00, anywhere in the request: the input limits refuse it before any view
    (one rule for every operation)."""
    return any(value_problem(text) for text in texts_in(case.query, case.body))


def asks_past_the_last_page(case, role):
    return int((case.query or {}).get("page", 1)) > 1


def names_a_code(case, role):
    return bool(CODE_FILTERS & set(case.query or {}))


def misses_what_the_unit_needs(case, role):
    query = case.query or {}
    start_year = int(str(query["start"])[:4])
    needs_amount = query.get("unit") != "same_day" and "amount" not in query
    return needs_amount or not FIRST_YEAR <= start_year <= LAST_YEAR


def files_without_filing_role(case, role):
    return role not in ("citizen", "desk")


def not_a_superuser(case, role):
    return role != "admin"


@dataclass(frozen=True)
class Refusal:
    operations: str  # a shell-style pattern over "METHOD /path"
    status: int
    reason: str
    when: object = None  # (case, role) -> bool: the request shows the reason

    def names(self, case, status, role):
        return (
            status == self.status
            and fnmatchcase(case.operation.label, self.operations)
            and (self.when is None or self.when(case, role))
        )


REFUSALS = (
    Refusal(
        "*",
        400,
        "a control character, or a date outside 1900–2100 or past ±14:00 UTC, in a value",
        holds_a_value_refused_at_the_door,
    ),
    Refusal(
        "* /api/v1/*{*}*",
        404,
        "the path names nothing the caller may see: an unknown key, or one outside their "
        "scope (DESIGN §3.1)",
    ),
    Refusal("GET *", 404, "a page past the last", asks_past_the_last_page),
    Refusal("GET /api/v1/lookup/", 404, "no dossier has this code with this phone number"),
    Refusal(
        "GET /api/v1/*",
        400,
        "a filter names a unit, field or procedure code that does not exist",
        names_a_code,
    ),
    Refusal("GET /api/v1/reports/*", 400, "`from` after `to`, or a period over ten years"),
    Refusal(
        "GET /api/v1/reports/*",
        403,
        "reports are for leaders, unit leaders and reform index officers",
        not_a_superuser,
    ),
    Refusal(
        "GET /api/v1/calendar/deadline/",
        400,
        "no amount for a unit other than same_day, or a start outside 2000–2100",
        misses_what_the_unit_needs,
    ),
    Refusal("POST /api/v1/auth/token/", 400, "the username and password match no account"),
    Refusal(
        "POST /api/v1/auth/token/",
        429,
        "the account is locked after repeated failed logins (django-axes)",
    ),
    Refusal(
        "POST /api/v1/dossiers/",
        403,
        "only citizens and desk officers file dossiers",
        files_without_filing_role,
    ),
    Refusal(
        "POST /api/v1/dossiers/",
        400,
        "an unknown or unpublished procedure code, or a desk that does not receive it",
    ),
    Refusal(
        "POST /api/v1/dossiers/{code}/components/{pk}/*/",
        400,
        "only a desk officer digitises; the paper was not handed over or is already digitised; "
        "a scan must be a PDF, JPEG or PNG by its content",
    ),
    Refusal(
        "POST /api/v1/dossiers/{code}/results/",
        400,
        "only the handling unit's specialists and leaders issue results, while the dossier is "
        "handled or waits at the desk; the file must be a PDF by its content",
    ),
    Refusal("POST /api/v1/verify/", 400, "only a readable PDF, by its content, can be checked"),
    Refusal(
        "POST /api/v1/payments/gateway/",
        400,
        "the signature does not match the shared secret, or the reference or amount is not "
        "a waiting payment's",
    ),
    Refusal(
        "POST /api/v1/payments/statements/",
        403,
        "only desk officers and unit leaders reconcile statements",
        not_a_superuser,
    ),
    Refusal(
        "POST /api/v1/payments/statements/",
        400,
        "the file is no readable CSV or XLSX statement with the configured columns",
    ),
    Refusal("POST /api/v1/national/dossiers/", 401, "the partner credential is missing or unknown"),
    Refusal(
        "* /api/v1/national/outbox/*",
        403,
        "the outbox is for leaders, unit leaders and reform index officers, as reports are",
        not_a_superuser,
    ),
    Refusal(
        "* /api/v1/dossiers/{code}/fees/*",
        400,
        "only the handling unit's staff set fees, while handled, with a reason; cash is "
        "recorded by the desk for a waiting request",
    ),
    Refusal(
        "POST /api/v1/dossiers/{code}/*/",
        400,
        "the workflow does not allow this action now: the dossier's status, the caller's "
        "side, a rating already given",
    ),
    Refusal(
        "* /api/v1/reform-index/*",
        403,
        "the role may not do this (index officers manage, leaders publish, unit leaders "
        "self-assess)",
        not_a_superuser,
    ),
    Refusal(
        "POST /api/v1/reform-index/scorecards/{year}/*",
        400,
        "the scorecard's state does not allow it now, or the target year already has a scorecard",
    ),
    Refusal(
        "* /api/v1/reform-index/inspections/*",
        400,
        "an unknown unit code, or an inspection dated in the future",
    ),
)


@dataclass
class Tally:
    """What the module covered, for its closing summary."""

    operations: set = field(default_factory=set)
    refusals: Counter = field(default_factory=Counter)


TALLY = Tally()


def judge(case, response, role):
    """Accept a schema-valid request's 4xx only as a named refusal (and count it)."""
    label, status = case.operation.label, response.status_code
    TALLY.operations.add(label)
    if not 400 <= status < 500 or not is_schema_valid(case):
        return
    if status == 401 and role == "anon" and needs_login(case.operation):
        return
    refusal = next((rule for rule in REFUSALS if rule.names(case, status, role)), None)
    assert refusal is not None, (
        f"{label} refused a schema-valid request as {role} with {status}, and no business "
        f"rule names that refusal: {response.text[:500]}"
    )
    TALLY.refusals[refusal] += 1


def is_schema_valid(case):
    meta = case.meta
    return (
        meta is not None
        and meta.generation.mode.is_positive
        and not is_unexpected_http_status_case(case)
    )


def needs_login(operation):
    return {} not in operation.definition.raw.get("security", [{}])


def texts_in(*values):
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from texts_in(*value.keys(), *value.values())
        elif isinstance(value, list | tuple):
            yield from texts_in(*value)
