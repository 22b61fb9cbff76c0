import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage_with_production_settings(*arguments, **environment):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9Q#" * 8,
        "ALLOWED_HOSTS": "motcua.example.vn",
        "DATABASE_URL": os.environ.get(
            "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop"
        ),
    }
    env.pop("CONN_MAX_AGE", None)  # the production default is under test
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage_with_production_settings("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("environment", "seconds"), [({}, "60"), ({"CONN_MAX_AGE": "0"}, "0")])
def test_production_keeps_database_connections_unless_told_otherwise(environment, seconds):
    show = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = manage_with_production_settings("shell", "-c", show, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == seconds


def test_production_sends_the_language_cookie_over_https_only():
    show = (
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)"
    )
    result = manage_with_production_settings("shell", "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True Lax True"
