"""The desk's queues: scoped by visible_to, filtered and counted in SQL."""

from datetime import datetime, timedelta

from core.workdays import TZ
from dossiers import selectors
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake

FRIDAY_9AM = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)  # due time of Monday's 3-day dossiers


def codes(queryset):
    return [dossier.code for dossier in queryset]


def test_online_queue_is_scoped_and_oldest_first(make, world, clock):
    first = make("submitted")
    clock.shift(timedelta(minutes=5))
    second = make("submitted")
    make("received")
    assert codes(selectors.online_queue(world.desk_officer)) == [first.code, second.code]
    assert codes(selectors.online_queue(world.other_ward_desk)) == []
    assert codes(selectors.online_queue(world.citizen)) == [first.code, second.code]


def test_due_soon_is_the_window_of_working_hours_before_the_due_time(make, world, clock, settings):
    dossier = make("in_progress")  # due Fri 09:00
    settings.ONESTOP_DUE_SOON_HOURS = 8
    # Thu 09:00 is exactly 8 working hours before: the window's edge is inside it.
    clock.move_to(FRIDAY_9AM - timedelta(days=1))
    assert codes(selectors.due_soon(world.desk_officer)) == [dossier.code]
    clock.move_to(FRIDAY_9AM - timedelta(days=1, minutes=1))
    assert codes(selectors.due_soon(world.desk_officer)) == []
    # Counting working hours, Wed 09:00 is 16 h before; a wider window takes it in.
    clock.move_to(FRIDAY_9AM - timedelta(days=2))
    assert codes(selectors.due_soon(world.desk_officer, hours=16)) == [dossier.code]


def test_the_due_time_itself_is_still_due_soon_and_a_minute_later_overdue(make, world, clock):
    dossier = make("in_progress")
    clock.move_to(FRIDAY_9AM)
    assert codes(selectors.due_soon(world.desk_officer)) == [dossier.code]
    assert codes(selectors.overdue(world.desk_officer)) == []
    clock.move_to(FRIDAY_9AM + timedelta(minutes=1))
    assert codes(selectors.due_soon(world.desk_officer)) == []
    assert codes(selectors.overdue(world.desk_officer)) == [dossier.code]


def test_paused_dossiers_are_in_neither_list(make, world, clock):
    make("awaiting_payment")
    make("supplement_requested")
    clock.move_to(FRIDAY_9AM + timedelta(days=3))
    assert codes(selectors.overdue(world.admin)) == []


def test_lists_are_scoped(make, world, clock):
    make("in_progress")
    intake_at_counter(world.ward_desk, intake(world))
    clock.move_to(FRIDAY_9AM + timedelta(hours=2))
    assert len(codes(selectors.overdue(world.leader))) == 2
    assert len(codes(selectors.overdue(world.ward_leader))) == 1
    assert codes(selectors.overdue(world.other_ward_desk)) == []


def test_desk_counts_come_from_one_query(make, world, clock, django_assert_num_queries):
    make("submitted")
    make("in_progress")
    make("in_progress")
    clock.move_to(FRIDAY_9AM + timedelta(hours=1))
    make("received")  # received Friday, due next week
    selectors.desk_counts(world.desk_officer)  # loads the user's roles and the calendar
    with django_assert_num_queries(1):
        counts = selectors.desk_counts(world.desk_officer)
    assert counts == {"queue": 1, "due_soon": 0, "overdue": 2}


def test_scope_units(world):
    assert set(selectors.scope_units(world.desk_officer)) >= {world.town, world.justice, world.ward}
    assert world.province not in selectors.scope_units(world.desk_officer)
    assert set(selectors.scope_units(world.ward_specialist)) == {world.ward}
    assert not selectors.scope_units(world.citizen).exists()
    assert selectors.scope_units(world.admin).count() == 10  # every unit of the world


def test_desk_dossier_is_none_outside_the_scope(make, world):
    dossier = make("received")
    assert selectors.desk_dossier(world.desk_officer, dossier.code) == dossier
    assert selectors.desk_dossier(world.other_ward_desk, dossier.code) is None
    assert selectors.desk_dossier(world.desk_officer, "H26.45-000000-9999") is None
