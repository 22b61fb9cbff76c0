"""The demo's year of dossiers, written in bulk: once, linked, and numbered so that real
intakes continue each desk's daily sequence."""

from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Sum
from django.utils import timezone

from core.workdays import TZ
from demo import dossiers
from dossiers.models import DailySequence, DailyStat, Dossier, DossierEvent, Rating, Status
from dossiers.reporting.rollup import rolled_through
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake
from tests.factories import UserFactory

COUNT = 300


def seed(count=COUNT):
    lines = []
    dossiers.seed(lines.append, count=count, now=timezone.now())
    return lines


def test_seed_adds_the_dossiers_once(world, clock):
    seed()
    events = DossierEvent.objects.count()
    assert Dossier.objects.count() == COUNT

    lines = seed()

    assert Dossier.objects.count() == COUNT
    assert DossierEvent.objects.count() == events
    assert "already" in lines[-1]


def test_seed_says_so_when_there_is_no_demo_town(db):
    lines = seed()
    assert Dossier.objects.count() == 0
    assert "not added" in lines[-1]


def test_dossiers_come_with_their_timeline_and_filing_time(world, clock):
    seed()
    dossiers = Dossier.objects.annotate(events_count=Count("events"))
    returned = dossiers.filter(status=Status.RETURNED)
    assert returned.count() > COUNT / 2
    assert all(d.events_count >= 4 for d in returned)
    assert not Dossier.objects.exclude(created_at=F("submitted_at")).exists()
    assert Rating.objects.filter(dossier__status=Status.RETURNED).count() > 0
    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    assert statuses[Status.RETURNED] + statuses[Status.RESOLVED] > 0.9 * COUNT


def test_the_year_is_rolled_up_for_the_reports(world, clock):
    seed()
    assert rolled_through() == timezone.localdate() - timedelta(days=1)
    today = datetime.combine(timezone.localdate(), time.min, tzinfo=TZ)
    received_before_today = Dossier.objects.filter(received_at__lt=today).count()
    assert DailyStat.objects.aggregate(n=Sum("received"))["n"] == received_before_today


def test_town_and_ward_desks_receive_and_keep_their_dossiers(world, clock):
    seed()
    by_desk = dict(
        Dossier.objects.values_list("receiving_unit__code").annotate(n=Count("id")).order_by()
    )
    assert set(by_desk) == {world.town.code, *(ward.code for ward in world.wards)}
    ward_dossiers = Dossier.objects.filter(receiving_unit__in=world.wards)
    assert not ward_dossiers.exclude(handling_unit=F("receiving_unit")).exists()
    town_handled = Dossier.objects.filter(receiving_unit=world.town, step_index=1)
    assert set(town_handled.values_list("handling_unit", flat=True)) <= {
        world.town.pk,
        world.justice.pk,
    }


def test_sequences_hold_the_last_number_so_real_intakes_continue(world, clock):
    seed()
    last_numbers = Counter()
    for code, unit, submitted_at in Dossier.objects.values_list(
        "code", "receiving_unit", "submitted_at"
    ):
        key = (unit, timezone.localtime(submitted_at, TZ).date())
        last_numbers[key] = max(last_numbers[key], int(code.rsplit("-", 1)[1]))
    sequences = DailySequence.objects.values_list("unit", "day", "last")
    assert {(unit, day): last for unit, day, last in sequences} == dict(last_numbers)

    (unit, day), last = max(
        ((key, n) for key, n in last_numbers.items() if key[0] == world.town.pk),
        key=lambda pair: pair[1],
    )
    later_that_day = datetime.combine(day, time(16, 30), tzinfo=TZ)
    dossier = intake_at_counter(world.desk_officer, intake(world), now=later_that_day)
    assert dossier.code == f"{world.town.code}-{day:%y%m%d}-{last + 1:04d}"


def test_the_demo_citizen_finds_dossiers_in_their_name(world, clock):
    citizen = UserFactory(username="congdan", role="citizen", phone="0912345678")
    seed()
    mine = Dossier.objects.visible_to(citizen)
    assert mine.count() >= 5
    assert set(mine.values_list("applicant_phone", flat=True)) == {"0912345678"}
