"""The national adapter over HTTP (NATIONAL.md §2; the contract in
docs/national-exchange.md): a session from ``POST {adapter}/auth`` with the credentials
and the agency code in ``dstcode``, then every call ``POST {adapter}/integration`` with
``{session, madonvi, service, …}``. The session is kept in the shared cache and renewed
when the adapter says it expired."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache

SESSION_KEY = "exchange:national-session"
SESSION_SECONDS = 50 * 60
OK, INVALID, SESSION_EXPIRED, ALREADY_EXISTS = 0, -1, 1, 2


class Unreachable(Exception):
    """No usable answer (refused, timed out, not JSON, a 5xx): try again later."""


class Refused(Exception):
    """The adapter answered and refused the message: retrying it as it is will not help."""

    def __init__(self, answer):
        super().__init__(answer.get("message") or str(answer))
        self.answer = answer


def enabled():
    return bool(settings.NATIONAL_ADAPTER_URL)


def _post(path, body, headers=None):
    request = urllib.request.Request(
        f"{settings.NATIONAL_ADAPTER_URL.rstrip('/')}/{path}",
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NATIONAL_TIMEOUT_SECONDS) as reply:
            return json.loads(reply.read().decode())
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise Unreachable(f"HTTP {error.code}") from None
        try:
            return json.loads(error.read().decode())
        except ValueError:
            raise Unreachable(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise Unreachable(str(error) or error.__class__.__name__) from None


def _session(renew=False):
    session = None if renew else cache.get(SESSION_KEY)
    if session:
        return session
    answer = _post(
        "auth",
        {"username": settings.NATIONAL_USERNAME, "password": settings.NATIONAL_PASSWORD},
        headers={"dstcode": settings.NATIONAL_AGENCY_CODE},
    )
    if answer.get("error_code") != OK or not answer.get("session"):
        raise Refused(answer)
    cache.set(SESSION_KEY, answer["session"], SESSION_SECONDS)
    return answer["session"]


def call(service, **fields):
    """The adapter's answer to ``service``; a new session once if it expired."""
    for renew in (False, True):
        body = {"session": _session(renew), "madonvi": settings.NATIONAL_AGENCY_CODE}
        answer = _post("integration", {**body, "service": service, **fields})
        if answer.get("error_code") != SESSION_EXPIRED:
            return answer
    raise Refused(answer)


def upsert(payload):
    """``DongBoHoSoMC`` as an insert, and as an update when the dossier already exists."""
    answer = call("DongBoHoSoMC", isUpdating="False", data=[payload])
    if answer.get("error_code") == ALREADY_EXISTS:
        answer = call("DongBoHoSoMC", isUpdating="True", data=[payload])
    return _checked(answer)


def step(payload):
    return _checked(call("CapNhatTienDoHoSoMC", data=[payload]))


def _checked(answer):
    if answer.get("error_code") != OK:
        raise Refused(answer)
    return answer
