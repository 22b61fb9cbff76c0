"""Reminder sweeps: owed once, sent once, grouped per person, recovered after a crash."""

import json
import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection

from dossiers import tasks
from dossiers.messaging import reminders
from dossiers.models import Reminder, ReminderKind
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def late_and_soon(make, world, clock):
    """Three dossiers with the justice office, due Fri 27/11 09:00."""
    dossiers = [make("in_progress") for _n in range(3)]
    world.specialist.email = "spec@example.vn"
    world.specialist.save()
    return dossiers


def test_due_soon_reminds_the_handling_specialist_once(late_and_soon, world, clock):
    clock.shift(timedelta(days=3, hours=2))  # Thu 26/11 11:00: due in 6 working hours
    assert reminders.sweep_due_soon() == 3
    assert reminders.sweep_due_soon() == 3  # owed again, but the same rows
    assert Reminder.objects.filter(kind=ReminderKind.DUE_SOON).count() == 3
    assert reminders.deliver_reminders() == 1  # one message for the three dossiers
    assert reminders.deliver_reminders() == 0
    (message,) = mail.outbox
    assert message.to == ["spec@example.vn"]
    for dossier in late_and_soon:
        assert dossier.code in message.body
    assert "sắp đến hạn" in message.subject


def test_nothing_is_due_soon_early_in_the_week(late_and_soon, clock):
    assert reminders.sweep_due_soon() == 0


def test_overdue_alerts_go_to_the_unit_leaders(late_and_soon, world, clock):
    justice_leader = UserFactory(
        username="tp-lead", unit=world.justice, role="unit_leader", email="lead@example.vn"
    )
    clock.shift(timedelta(days=5))  # Sat 28/11: past due
    assert reminders.sweep_overdue() == 3
    reminders.deliver_reminders()
    assert [m.to for m in mail.outbox] == [[justice_leader.email]]
    assert "quá hạn" in mail.outbox[0].subject


def test_a_moved_due_time_is_owed_a_new_reminder(late_and_soon, world, clock):
    clock.shift(timedelta(days=3, hours=2))
    reminders.sweep_due_soon()
    dossier = late_and_soon[0]
    from dossiers.services import transitions

    transitions.request_supplement(dossier, world.specialist, "Thiếu")
    clock.shift(timedelta(days=4))
    transitions.supplement(dossier, world.citizen, "Đủ")  # due time moves on
    clock.shift(timedelta(hours=1))
    reminders.sweep_due_soon()
    assert Reminder.objects.filter(dossier=dossier).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_once(world):
    from dossiers.services import transitions
    from dossiers.services.intake import intake_at_counter
    from tests.dossiers.conftest import intake

    world.specialist.email = "spec@example.vn"
    world.specialist.save()
    dossiers = [intake_at_counter(world.desk_officer, intake(world)) for _n in range(20)]
    for dossier in dossiers:
        transitions.transfer(dossier, world.admin, to_unit=world.justice)
    from django.utils import timezone

    now = dossiers[0].due_at - timedelta(minutes=30)
    mail.outbox.clear()
    results, errors = [], []

    def sweep():
        try:
            reminders.sweep_due_soon(now)
            results.append(reminders.deliver_reminders())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 20
    assert sum(results) == 1  # one grouped message, sent by exactly one sweep
    assert timezone.now()  # the test ran with the real clock


def test_a_crash_mid_send_leaves_the_reminder_owed(late_and_soon, world, clock, monkeypatch):
    clock.shift(timedelta(days=3, hours=2))
    reminders.sweep_due_soon()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(reminders, "_send_group", crash)
    with pytest.raises(RuntimeError):
        reminders.deliver_reminders()
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert reminders.deliver_reminders() == 1


def test_step_behind_warning(make, world, clock):
    from dossiers.services import transitions
    from dossiers.services.intake import intake_at_counter
    from procedures.models import WorkflowStep
    from tests.dossiers.conftest import intake

    WorkflowStep.objects.create(
        procedure=world.procedure, order=1, name="Thụ lý", unit=world.justice, share=25
    )
    dossier = intake_at_counter(world.desk_officer, intake(world))
    transitions.transfer(dossier, world.desk_officer)
    assert reminders.sweep_steps_behind() == 0
    clock.shift(timedelta(days=3))
    assert reminders.sweep_steps_behind() == 1


def test_daily_digest_and_sweep_task(late_and_soon, world, clock):
    world.leader.email = "leader@example.vn"
    world.leader.save()
    clock.shift(timedelta(days=5))
    tasks.send_daily_digests.delay()
    tasks.send_daily_digests.delay()
    digests = [m for m in mail.outbox if m.to == ["leader@example.vn"]]
    assert len(digests) == 1
    assert "3" in digests[0].body  # three overdue dossiers named
    assert late_and_soon[0].code in digests[0].body
    result = tasks.sweep_reminders.delay().get()
    assert result["overdue"] >= 3


def test_monthly_report_only_on_the_first_working_day(late_and_soon, world, clock):
    world.leader.email = "leader@example.vn"
    world.leader.save()
    leaders = 2  # the town's and the province's
    assert reminders.owe_monthly_reports(date(2026, 11, 30)) == 0
    assert reminders.owe_monthly_reports(date(2026, 12, 1)) == leaders  # Tuesday
    reminders.deliver_reminders()
    (message,) = [m for m in mail.outbox if m.to == ["leader@example.vn"]]
    name, content, _mimetype = message.attachments[0]
    assert name == "bao-cao-dung-han-2026-11.xlsx" and content[:2] == b"PK"
    assert reminders.owe_monthly_reports(date(2027, 1, 4)) == leaders  # 1 Jan is a holiday


REGISTERED_BY_AUTODISCOVERY = """
import json
import django

django.setup()
from onestop.celery import app

app.loader.import_default_modules()  # what a worker does when it starts
print(json.dumps(sorted(app.tasks)))
"""


def test_a_worker_registers_every_task_by_the_name_it_is_queued_by(settings):
    """Beat and queued messages name tasks as strings: a fresh process that only runs
    Celery's autodiscovery must know every scheduled task and the notification task."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onestop.settings.test"}
    found = subprocess.run(
        [sys.executable, "-c", REGISTERED_BY_AUTODISCOVERY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    registered = set(json.loads(found.stdout.strip().splitlines()[-1]))
    wanted = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    wanted.add("dossiers.tasks.deliver_notifications")
    assert wanted - registered == set()
