"""Production settings, beyond ``check --deploy`` (tests/onestop/test_deploy.py): they refuse
to start without secrets, send plain HTTP to HTTPS and put the security headers on every
answer. Each check runs in a fresh interpreter, as the server would start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "motcua.example.vn"
PROBE = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/no-such-page/", HTTP_HOST="{HOST}")
secure = client.get("/no-such-page/", HTTP_HOST="{HOST}", secure=True)
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "X_FRAME_OPTIONS"]
print(json.dumps({{
    "settings": {{name: getattr(settings, name) for name in names}},
    "num_proxies": settings.REST_FRAMEWORK.get("NUM_PROXIES"),
    "plain": [plain.status_code, plain.get("Location")],
    "secure": dict(secure.headers),
}}))
"""


def run_with_production_settings(code, **overrides):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings.prod",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9Q#" * 8,
        "ALLOWED_HOSTS": HOST,
        # No query may be needed to answer; an unreachable database proves it.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        **overrides,
    }
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def production():
    """What a production process reports of itself and answers to two requests."""
    result = run_with_production_settings(PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with_production_settings("import django; django.setup()", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_are_hardened(production):
    answer = production
    assert answer["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "X_FRAME_OPTIONS": "DENY",
    }
    # Throttles count the address the proxy saw, never a header the client wrote.
    assert answer["num_proxies"] is not None


def test_plain_http_is_sent_to_https(production):
    status, location = production["plain"]
    assert (status, location) == (301, f"https://{HOST}/no-such-page/")


def test_every_answer_carries_the_security_headers(production):
    headers = production["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == policy["script-src"] == "'self'"
    assert (policy["object-src"], policy["frame-ancestors"]) == ("'none'", "'none'")
    assert policy["form-action"] == policy["base-uri"] == "'self'"
