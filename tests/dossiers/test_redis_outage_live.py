"""Redis dies in the middle of a morning at the counter and comes back: every intake is
received, and every applicant is told once.

A redis-server of the test's own serves as the shared cache and the Celery broker of this
process, and as the broker of a real worker. Intakes are filed, Redis is killed (its data
lost, as nothing is saved), filing goes on, Redis starts again, and the sweep the beat would
run delivers what could not be queued."""

import os
import re
import subprocess
import sys
import time

import pytest

from dossiers.models import Dossier, Notification
from onestop.celery import app as celery_app
from tests.dossiers.test_celery_live import ROOT, database_url, mails, wait_for
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

INTAKES_BEFORE, INTAKES_DURING, INTAKES_AFTER = 3, 4, 2


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis_server, tmp_path, django_db_blocker):
    """A Celery worker on that Redis and the test database; yields (mail folder, log)."""
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    with django_db_blocker.unblock():
        url = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings.test",
        "TEST_DATABASE_URL": url,
        "PYTEST_WORKER_DATABASE": "1",
        "CELERY_LIVE_BROKER": redis_server.url,
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    command = [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool=solo"]
    command += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        assert wait_for(lambda: " ready." in log.read_text(), seconds=30), log.read_text()
        yield mail_dir, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def portal_on_redis(redis_server, settings):
    """This process's cache and broker are that Redis, as with REDIS_URL in production."""
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": redis_server.url}
    }
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    # Celery keeps its connection pools until a fork; forget them so the broker applies.
    celery_app._after_fork()
    # Tasks are sent through the current app, which any Celery() made since may have become.
    celery_app.set_current()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._after_fork()


def file_at_counter(api_client, number):
    body = {
        "procedure": "1.001193",
        "applicant": {
            "name": "Nguyễn Văn An",
            "phone": f"09123456{number:02d}",
            "email": f"an{number}@example.vn",
        },
        "summary": "Khai sinh cho con",
    }
    started = time.monotonic()
    response = api_client.post("/api/v1/dossiers/", body, format="json")
    return response.status_code, time.monotonic() - started, response.json().get("code")


def unsent(codes):
    return Notification.objects.filter(dossier__code__in=codes, sent_at__isnull=True)


def emails(folder):
    """One entry per message: the file backend appends messages sent within the same
    second to one file, each followed by a line of dashes."""
    return [part for text in mails(folder) for part in text.split("-" * 79) if part.strip()]


def sms_lines(log):
    return [line for line in log.read_text().splitlines() if "SMS to " in line]


def test_intake_survives_redis_dying_and_every_applicant_is_told_once(
    api_client, world, redis_server, worker, portal_on_redis
):
    mail_dir, log = worker
    api_client.force_authenticate(world.desk_officer)
    filed = []

    def file(count):
        start = len(filed)
        filed.extend(file_at_counter(api_client, start + n) for n in range(count))
        return [code for _status, _seconds, code in filed[start:]]

    before = file(INTAKES_BEFORE)
    assert wait_for(lambda: not unsent(before).exists())  # queued and sent live

    redis_server.kill()
    during = file(INTAKES_DURING)
    assert unsent(during).count() == 2 * INTAKES_DURING  # could not be queued

    redis_server.start()
    after = file(INTAKES_AFTER)
    celery_app.send_task("dossiers.tasks.sweep_reminders")
    assert wait_for(lambda: not unsent(before + during + after).exists(), seconds=40)

    assert [status for status, _seconds, _code in filed] == [201] * len(filed)
    assert max(seconds for _status, seconds, _code in filed) < 5
    codes = before + during + after
    assert len(set(codes)) == len(codes) == Dossier.objects.filter(code__in=codes).count()
    assert not Notification.objects.exclude(error="").exists()
    # Exactly once: one e-mail and one SMS per dossier, no more after another sweep.
    celery_app.send_task("dossiers.tasks.sweep_reminders")
    assert wait_for(lambda: log.read_text().count("sweep_reminders") >= 4)
    time.sleep(0.5)
    messages = emails(mail_dir)
    for code in codes:
        assert sum(code in message for message in messages) == 1, code
        assert sum(bool(re.search(rf"\b{re.escape(code)}\b", line)) for line in sms_lines(log)) == 1
    assert len(messages) == len(sms_lines(log)) == len(codes)
