"""A real Celery worker on the real Redis delivers notifications and reminders end to end,
and intake survives the broker being unreachable."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dossiers.models import Notification, Reminder, Status
from dossiers.services import transitions
from dossiers.services.intake import intake_at_counter
from onestop.celery import app as celery_app
from tests.dossiers.conftest import intake

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def worker(tmp_path_factory, django_db_setup, django_db_blocker):
    """One worker process on Redis for this module, on the test database; yields its
    mail folder."""
    mail_dir = tmp_path_factory.mktemp("mail")
    with django_db_blocker.unblock():
        url = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onestop.settings.test",
        "TEST_DATABASE_URL": url,
        "CELERY_LIVE_BROKER": REDIS_URL,
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    # The worker must read the test database under its real name, not a derived one.
    env["PYTEST_WORKER_DATABASE"] = "1"
    _purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "onestop",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield mail_dir
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if "Traceback" in (output or ""):
            print(output)


def _purge():
    with Celery(broker=REDIS_URL).connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def _send(task_name, *args):
    client = Celery(broker=REDIS_URL)
    client.send_task(task_name, args=args)


def wait_for(check, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def mails(folder):
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.log"))]


def test_worker_delivers_the_receipt_notification(world, worker):
    before = len(mails(worker))
    dossier = intake_at_counter(world.desk_officer, intake(world))
    ids = list(Notification.objects.filter(dossier=dossier).values_list("pk", flat=True))
    _send("dossiers.tasks.deliver_notifications", ids)
    assert wait_for(lambda: not Notification.objects.filter(sent_at__isnull=True).exists())
    assert wait_for(lambda: len(mails(worker)) > before)
    (message,) = mails(worker)[before:]
    assert dossier.code in message


def test_worker_runs_the_reminder_sweep_end_to_end(world, worker):
    world.specialist.email = "spec@example.vn"
    world.specialist.save()
    dossier = intake_at_counter(world.desk_officer, intake(world))
    dossier = transitions.transfer(dossier, world.admin, to_unit=world.justice)
    # Due within the reminder horizon: move the due time close to now.
    type(dossier).objects.filter(pk=dossier.pk).update(
        due_at=timezone.now() + timedelta(minutes=30)
    )
    _send("dossiers.tasks.sweep_reminders")
    assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())
    assert wait_for(lambda: any("spec@example.vn" in m for m in mails(worker)))
    assert any(dossier.code in m and "spec@example.vn" in m for m in mails(worker))


@pytest.fixture
def broker_down():
    """Point the portal's Celery app at a dead port, as if Redis had stopped."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:1/0", False
    celery_app.pool.force_close_all()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app.pool.force_close_all()


def test_intake_survives_the_broker_being_down_and_the_sweep_sends_once(world, worker, broker_down):
    before = len(mails(worker))
    started = time.monotonic()
    dossier = intake_at_counter(world.desk_officer, intake(world))
    assert time.monotonic() - started < 10  # the request does not hang on the broker
    assert type(dossier).objects.get(pk=dossier.pk).status == Status.RECEIVED
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2
    assert len(mails(worker)) == before

    # Redis is back: the next sweep (run by the worker) sends what is owed, once.
    _send("dossiers.tasks.sweep_reminders")
    _send("dossiers.tasks.sweep_reminders")
    assert wait_for(lambda: not Notification.objects.filter(sent_at__isnull=True).exists())
    time.sleep(1)
    assert wait_for(lambda: len(mails(worker)) > before)
    (message,) = mails(worker)[before:]
    assert dossier.code in message
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the suite's own setting is untouched
