"""Retention (docs/privacy.md): the personal data of finished dossiers is erased once
their retention period (the procedure's, else the settings' default) has passed, by the
nightly task; the statistics stay exactly as they were."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from core.workdays import TZ
from dossiers import tasks
from dossiers.models import (
    Attachment,
    CitizenDocument,
    Dossier,
    DossierEvent,
    Notification,
    Rating,
    Status,
)
from dossiers.privacy.retention import ERASED_NAME, erase_expired, years_before
from dossiers.reporting.on_time import on_time_report
from dossiers.reporting.rollup import nightly_roll_up
from dossiers.services import transitions
from dossiers.services.attachments import attach
from dossiers.services.store import StoredPaper, keep_in_store
from tests.factories import DossierFactory
from tests.procedures.factories import ProcedureFactory
from tests.samples import pdf_upload

# Five years and a day after tests.world.NOW (23/11/2026), and eleven years after.
AFTER_FIVE_YEARS = datetime(2031, 11, 24, 9, 0, tzinfo=TZ)
AFTER_ELEVEN_YEARS = datetime(2037, 11, 24, 9, 0, tzinfo=TZ)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def dossiers(make, world, clock):
    """Dossiers of November 2026: returned (with a paper, a rating and a supplement note),
    refused, resolved but not collected, still handled; and one of a procedure that keeps
    its data ten years."""
    returned = make("returned")
    attach(returned, pdf_upload("giay-chung-sinh.pdf"), "result", world.admin)
    transitions.rate(returned, world.citizen, "satisfied", "Chị Hoa ở quầy số 2 rất nhiệt tình")
    kept_ten_years = DossierFactory(
        status=Status.RETURNED,
        procedure=ProcedureFactory(retention_years=10),
        receiving_unit=world.town,
        resolved=True,
        applicant_name="Lê Văn Cường",
    )
    Dossier.objects.filter(pk=kept_ten_years.pk).update(
        status=Status.RETURNED, closed_at=kept_ten_years.resolved_at
    )
    return {
        "returned": returned,
        "refused": make("refused"),
        "resolved": make("resolved"),
        "in_progress": make("in_progress"),
        "kept_ten_years": kept_ten_years,
    }


def fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def report():
    return [row.as_dict() for row in on_time_report(*NOVEMBER, group_by="unit")]


class TestWhatIsErased:
    def test_finished_dossiers_past_the_period_only(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS)
        assert tasks.erase_expired_personal_data() == 2
        erased = {key for key, d in dossiers.items() if fresh(d).personal_data_erased_at}
        assert erased == {"returned", "refused"}
        kept = fresh(dossiers["in_progress"])
        assert (kept.applicant_name, kept.applicant_id_number) == ("Nguyễn Văn An", "001090000001")

    def test_nothing_before_the_period_ends(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS - timedelta(days=2))
        assert erase_expired() == 0

    def test_the_applicants_data_and_papers(self, dossiers, clock):
        dossier = dossiers["returned"]
        paper = Attachment.objects.get(dossier=dossier).file.name
        assert default_storage.exists(paper)
        assert Notification.objects.filter(dossier=dossier).exclude(recipient="").exists()
        assert DossierEvent.objects.get(dossier=dossier, action="rate").note
        clock.move_to(AFTER_FIVE_YEARS)
        erase_expired()
        erased = fresh(dossier)
        assert erased.applicant_name == ERASED_NAME
        blanked = (
            erased.applicant_id_number,
            erased.applicant_phone,
            erased.applicant_email,
            erased.applicant_address,
            erased.summary,
        )
        assert blanked == ("", "", "", "", "")
        assert erased.applicant_user is None
        assert erased.personal_data_erased_at == AFTER_FIVE_YEARS
        assert not default_storage.exists(paper)
        assert not Attachment.objects.filter(dossier=dossier).exists()
        assert Rating.objects.get(dossier=dossier).comment == ""
        assert not Notification.objects.filter(dossier=dossier).exclude(recipient="").exists()
        rate = DossierEvent.objects.get(dossier=dossier, action="rate")
        assert rate.note == ""

    def test_a_paper_the_citizen_keeps_in_their_store_stays_for_them(self, dossiers, clock):
        dossier = dossiers["returned"]
        paper = Attachment.objects.get(dossier=dossier)
        kept = keep_in_store(
            dossier.applicant_user, paper, StoredPaper("Giấy chứng sinh"), "dossier_scan"
        )
        clock.move_to(AFTER_FIVE_YEARS)
        erase_expired()
        assert not Attachment.objects.filter(dossier=dossier).exists()
        assert CitizenDocument.objects.get(pk=kept.pk).file.name == paper.file.name
        assert default_storage.exists(paper.file.name)

    def test_the_procedures_own_period(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS)
        erase_expired()
        assert fresh(dossiers["kept_ten_years"]).applicant_name == "Lê Văn Cường"
        clock.move_to(AFTER_ELEVEN_YEARS)
        erase_expired()
        assert fresh(dossiers["kept_ten_years"]).applicant_name == ERASED_NAME

    def test_the_default_comes_from_the_settings(self, dossiers, clock, settings):
        settings.PERSONAL_DATA_RETENTION_YEARS = 2
        clock.move_to(datetime(2028, 11, 24, 9, tzinfo=TZ))
        assert erase_expired() == 2


class TestStatisticsStay:
    def test_the_on_time_report_of_the_period_is_identical(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS)
        live = report()
        assert sum(row["finished"] for row in live) >= 2
        nightly_roll_up()
        stored = report()
        erase_expired()
        assert report() == stored == live
        nightly_roll_up(days_back=3)
        assert report() == live

    def test_what_the_figures_read_is_kept(self, dossiers, clock):
        before = fresh(dossiers["returned"])
        clock.move_to(AFTER_FIVE_YEARS)
        erase_expired()
        after = fresh(dossiers["returned"])
        kept = (
            "status",
            "received_at",
            "due_at",
            "resolved_at",
            "returned_at",
            "closed_at",
            "verdict",
            "receiving_unit_id",
            "handling_unit_id",
            "procedure_id",
            "channel",
        )
        assert {f: getattr(after, f) for f in kept} == {f: getattr(before, f) for f in kept}
        assert Rating.objects.get(dossier=after).level == "satisfied"


class TestRuns:
    def test_idempotent(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS)
        assert erase_expired() == 2
        first = fresh(dossiers["returned"]).personal_data_erased_at
        clock.shift(timedelta(days=1))
        assert erase_expired() == 0
        assert fresh(dossiers["returned"]).personal_data_erased_at == first

    def test_in_batches(self, dossiers, clock):
        clock.move_to(AFTER_FIVE_YEARS)
        assert erase_expired(batch_size=1) == 2
        assert erase_expired(batch_size=1) == 0

    def test_scheduled_nightly(self):
        (entry,) = [
            job
            for job in settings.CELERY_BEAT_SCHEDULE.values()
            if job["task"] == "dossiers.tasks.erase_expired_personal_data"
        ]
        assert entry["schedule"].hour == {3}


def test_years_before_takes_29_february_to_the_28th():
    leap_day = datetime(2028, 2, 29, 10, tzinfo=TZ)
    assert years_before(leap_day, 5) == datetime(2023, 2, 28, 10, tzinfo=TZ)
