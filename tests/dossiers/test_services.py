"""Deadlines, verdicts, codes and notifications of the dossier services."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.models import CalendarOverride
from core.sms import LoggingSmsBackend
from core.workdays import TZ
from dossiers import tasks
from dossiers.messaging.delivery import deliver
from dossiers.models import Dossier, Notification, Status
from dossiers.services import transitions
from dossiers.services.attachments import attach
from dossiers.services.errors import TransitionError
from dossiers.services.intake import intake_at_counter
from procedures.models import WorkflowStep
from tests.dossiers.conftest import intake

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args):
    return datetime(*args, tzinfo=TZ)


class TestDeadlines:
    def test_counter_intake_starts_the_clock_skipping_culture_day(self, make, clock):
        dossier = make("received")  # Mon 23/11 09:00, 3 working days, Tue 24/11 is a holiday
        assert dossier.received_at == at(2026, 11, 23, 9)
        assert dossier.due_at == at(2026, 11, 27, 9)
        assert dossier.appointment_at == dossier.due_at
        assert dossier.allowance == timedelta(hours=24)

    def test_online_filing_starts_the_clock_only_at_receipt(self, make, world, clock):
        dossier = make("submitted")
        assert dossier.due_at is None
        clock.shift(timedelta(days=2, hours=1))  # Wed 25/11 10:00
        dossier = transitions.receive(dossier, world.desk_officer)
        assert dossier.due_at == at(2026, 11, 30, 10)

    def test_supplement_pause_across_a_weekend_and_holiday(self, make, world, clock):
        dossier = make("in_progress")  # due Fri 27/11 09:00
        clock.shift(timedelta(days=2))  # Wed 25/11 09:00: 7 h + Thu 8 h + Fri 1 h = 16 h left
        dossier = transitions.request_supplement(dossier, world.specialist, "Thiếu giấy tờ")
        assert dossier.paused_at is not None
        CalendarOverride.objects.create(date=date(2026, 12, 1), kind="holiday", name="Nghỉ")
        clock.move_to(at(2026, 11, 30, 8))  # Monday 08:00, the applicant supplements
        dossier = transitions.supplement(dossier, world.citizen, "Bổ sung")
        # 16 h from Mon 08:00: Mon 8 h, Tue 01/12 off, Wed 8 h -> Wed 02/12 17:00.
        assert dossier.due_at == at(2026, 12, 2, 17)
        assert dossier.paused_at is None
        assert dossier.status == Status.IN_PROGRESS

    def test_payment_wait_pauses_too(self, make, world, clock):
        dossier = make("in_progress")  # Mon 23/11 09:00, 24 working hours left
        dossier = transitions.request_payment(dossier, world.specialist)
        clock.shift(timedelta(days=7))  # paid Mon 30/11 09:00
        dossier = transitions.confirm_payment(dossier, world.specialist)
        # Mon 7 h + Tue 8 h + Wed 8 h + Thu 1 h.
        assert dossier.due_at == at(2026, 12, 3, 9)

    def test_workflow_steps_get_their_share_of_the_time(self, make, world, clock):
        WorkflowStep.objects.create(
            procedure=world.procedure, order=1, name="Thụ lý", unit=world.justice, share=50
        )
        WorkflowStep.objects.create(
            procedure=world.procedure, order=2, name="Phê duyệt", unit=world.town, share=50
        )
        dossier = intake_at_counter(world.desk_officer, intake(world))
        dossier = transitions.transfer(dossier, world.desk_officer)
        assert dossier.handling_unit == world.justice
        # Half of 24 h = 12 h from Mon 09:00: Mon 7 h, Tue 24/11 off, Wed 08-12 and 13-14.
        assert dossier.step_due_at == at(2026, 11, 25, 14)
        event = dossier.events.last()
        assert (event.step_name, event.to_unit) == ("Thụ lý", world.justice)
        dossier = transitions.transfer(dossier, world.specialist)
        assert dossier.handling_unit == world.town


class TestVerdicts:
    def test_early_on_time_late(self, make, world, clock):
        early = transitions.resolve(make("in_progress"), world.specialist)
        assert early.verdict == "early"
        dossier = make("in_progress")
        clock.move_to(dossier.due_at)
        assert transitions.resolve(dossier, world.specialist).verdict == "on_time"
        dossier = make("in_progress")
        clock.move_to(dossier.due_at + timedelta(minutes=1))
        assert transitions.resolve(dossier, world.specialist).verdict == "late"

    def test_two_supplement_requests_make_it_late(self, make, world, clock):
        dossier = make("in_progress")
        for _round in range(2):
            dossier = transitions.request_supplement(dossier, world.specialist, "Thiếu")
            dossier = transitions.supplement(dossier, world.citizen, "Đủ")
        assert transitions.resolve(dossier, world.specialist).verdict == "late"

    def test_an_apology_moves_the_appointment_not_the_verdict(self, make, world, clock):
        dossier = make("in_progress")
        due = dossier.due_at
        new_date = due + timedelta(days=3)
        dossier = transitions.apologize(dossier, world.specialist, "Cần xác minh", new_date)
        assert (dossier.appointment_at, dossier.due_at, dossier.apology_count) == (new_date, due, 1)
        clock.move_to(due + timedelta(days=1))
        assert transitions.resolve(dossier, world.specialist).verdict == "late"

    def test_apology_rules(self, make, world, clock):
        dossier = make("in_progress")
        with pytest.raises(TransitionError) as error:
            transitions.apologize(dossier, world.specialist, "Chậm", dossier.appointment_at)
        assert error.value.field == "new_appointment_at"
        with pytest.raises(TransitionError):
            transitions.apologize(dossier, world.specialist, "  ", dossier.due_at + timedelta(1))
        clock.move_to(dossier.due_at + timedelta(hours=1))
        with pytest.raises(TransitionError):
            transitions.apologize(dossier, world.specialist, "Chậm", dossier.due_at + timedelta(3))


class TestCodes:
    def test_code_format_and_daily_sequence(self, make, world, clock):
        first, second = make("received"), make("received")
        assert first.code == "H26.45-261123-0001"
        assert second.code == "H26.45-261123-0002"
        clock.shift(timedelta(days=1))
        assert make("received").code == "H26.45-261124-0001"

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_intake_gives_unique_codes(self, world):
        errors, threads_count, per_thread = [], 16, 8

        def worker():
            try:
                for _n in range(per_thread):
                    intake_at_counter(world.desk_officer, intake(world))
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _t in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        codes = list(Dossier.objects.values_list("code", flat=True))
        assert len(codes) == threads_count * per_thread
        assert len(set(codes)) == len(codes)
        numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
        assert numbers == list(range(1, len(codes) + 1))


class TestNotifications:
    def test_receipt_is_mailed_and_texted_once(
        self, make, world, django_capture_on_commit_callbacks
    ):
        LoggingSmsBackend.sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            dossier = make("received")
        assert len(mail.outbox) == 1
        assert dossier.code in mail.outbox[0].subject
        assert "tiếp nhận" in mail.outbox[0].subject.lower()
        assert "Nguyễn Văn An" in mail.outbox[0].body
        assert [phone for phone, _text in LoggingSmsBackend.sent] == ["0912345678"]
        assert Notification.objects.filter(dossier=dossier, sent_at__isnull=False).count() == 2
        assert deliver() == 0  # the sweep finds nothing left to send
        assert len(mail.outbox) == 1

    def test_broker_down_does_not_fail_intake_and_the_sweep_sends_once(
        self, make, world, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broker_down(*args, **kwargs):
            raise ConnectionError("Redis unreachable")

        monkeypatch.setattr(tasks.deliver_notifications, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = make("received")
        assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
        assert mail.outbox == []
        monkeypatch.undo()

        assert deliver() == 2
        assert deliver() == 0
        assert len(mail.outbox) == 1

    def test_a_failing_address_is_recorded_not_retried_forever(self, make, world, settings):
        settings.EMAIL_BACKEND = "tests.dossiers.test_services.BrokenEmailBackend"
        make("received")
        assert deliver() == 1  # the SMS
        failed = Notification.objects.get(channel="email")
        assert failed.sent_at is None and "refused" in failed.error
        assert deliver() == 0


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server refused the recipient")


class TestUploads:
    def test_attachment_checked_by_content_with_sha256(self, make, world):
        dossier = make("received")
        attachment = attach(
            dossier, SimpleUploadedFile("x.pdf", PDF), "application", world.desk_officer
        )
        assert attachment.content_type == "application/pdf"
        assert len(attachment.sha256) == 64

    def test_renamed_executable_is_refused(self, make, world):
        dossier = make("received")
        fake = SimpleUploadedFile("giay-to.pdf", b"MZ\x90\x00" + b"\x00" * 200)
        with pytest.raises(TransitionError) as error:
            attach(dossier, fake, "application", world.desk_officer)
        assert "PDF" in error.value.message

    def test_oversized_file_is_refused(self, make, world, settings):
        settings.ONESTOP_UPLOAD_MAX_BYTES = 100
        dossier = make("received")
        with pytest.raises(TransitionError) as error:
            attach(
                dossier, SimpleUploadedFile("big.pdf", PDF * 10), "application", world.desk_officer
            )
        assert error.value.field == "file"
