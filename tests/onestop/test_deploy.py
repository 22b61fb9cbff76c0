import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9Q#" * 8,
        "ALLOWED_HOSTS": "motcua.example.vn",
        "DATABASE_URL": os.environ.get(
            "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop"
        ),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
