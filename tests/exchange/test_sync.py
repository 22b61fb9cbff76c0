"""Outbound synchronisation over real HTTP against the adapter's contract: a counter
dossier's whole life arrives as upserts and steps with the right codes and times, in order;
an adapter that is down loses nothing and gets nothing twice; "already exists" becomes an
update; an expired session is renewed; nothing is queued while the sync is off."""

from datetime import timedelta

import pytest

from core.workdays import TZ
from dossiers.services import transitions
from exchange.models import SyncItem, SyncKind, SyncState
from exchange.payloads import national_time
from exchange.services import send_due

pytestmark = pytest.mark.django_db


def life(world, make):
    """Received at the counter, sent to the justice office, resolved, returned."""
    dossier = make("received")
    dossier = transitions.transfer(dossier, world.admin, to_unit=world.justice)
    dossier = transitions.resolve(dossier, world.admin)
    return transitions.return_result(dossier, world.admin)


def test_a_counter_dossiers_life_arrives_in_order_with_its_codes(world, make, adapter, clock):
    dossier = life(world, make)
    assert SyncItem.objects.filter(dossier=dossier).count() == 8  # 4 events x (upsert, step)
    assert send_due() == (8, 0)
    code = dossier.code
    assert adapter.received == [
        ("upsert", "False", code, "2"),
        ("step", "", code, "2"),
        ("upsert", "True", code, "4"),
        ("step", "", code, "4"),
        ("upsert", "True", code, "9"),
        ("step", "", code, "9"),
        ("upsert", "True", code, "10"),
        ("step", "", code, "10"),
    ]
    last = adapter.dossiers[code]
    assert last["NgayTiepNhan"] == national_time(dossier.received_at)
    assert last["NgayTiepNhan"] == dossier.received_at.astimezone(TZ).strftime("%Y%m%d%H%M%S")
    assert last["KenhThucHien"] == "1" and last["MaTTHC"] == world.procedure.code
    assert last["NgayKetThucXuLy"] and last["NgayTra"]
    assert not SyncItem.objects.exclude(state=SyncState.SENT).exists()


def test_down_for_a_while_then_back_nothing_lost_nothing_twice(world, make, adapter, clock):
    first = make("received")
    adapter.down = True
    assert send_due() == (0, 1)
    item = SyncItem.objects.filter(dossier=first).order_by("pk").first()
    assert (item.state, item.attempts) == (SyncState.PENDING, 1)
    waited_until = item.next_attempt_at
    second = make("received")
    transitions.transfer(first, world.admin, to_unit=world.justice)
    # The first dossier waits out its backoff; the second's head is tried, and fails.
    assert send_due() == (0, 1)
    assert SyncItem.objects.get(pk=item.pk).next_attempt_at == waited_until
    adapter.down = False
    clock.shift(timedelta(minutes=3))
    sent, failed = send_due()
    assert (sent, failed) == (6, 0)
    by_dossier = {}
    for kind, _updating, code, status in adapter.received:
        by_dossier.setdefault(code, []).append((kind, status))
    assert by_dossier[first.code] == [
        ("upsert", "2"),
        ("step", "2"),
        ("upsert", "4"),
        ("step", "4"),
    ]
    assert by_dossier[second.code] == [("upsert", "2"), ("step", "2")]
    assert send_due() == (0, 0)
    assert len(adapter.received) == 6


def test_an_existing_dossier_is_updated_instead(world, make, adapter, clock):
    dossier = make("received")
    adapter.dossiers[dossier.code] = {"MaHoSo": dossier.code}  # known there already
    assert send_due() == (2, 0)
    assert adapter.received[0][:2] == ("upsert", "True")


def test_an_expired_session_is_renewed_once(world, make, adapter, clock):
    make("received")
    send_due()
    adapter.expire_sessions()
    make("received")
    assert send_due() == (2, 0)
    assert adapter.logins == 2


def test_a_refused_message_stops_its_dossier_until_retried(world, make, adapter, clock):
    from exchange.services import retry

    dossier = make("received")
    item = SyncItem.objects.filter(dossier=dossier, kind=SyncKind.UPSERT).get()
    item.payload = {**item.payload, "TrangThaiHoSo": "99"}
    item.save()
    assert send_due() == (0, 1)
    item.refresh_from_db()
    assert item.state == SyncState.FAILED and "TrangThaiHoSo" in item.last_error
    transitions.transfer(dossier, world.admin, to_unit=world.justice)
    assert send_due() == (0, 0)  # the later messages wait behind the refused one
    item.payload = {**item.payload, "TrangThaiHoSo": "2"}
    item.save()
    retry(item)
    assert send_due() == (4, 0)


def test_nothing_is_queued_while_the_sync_is_off(world, make, settings):
    settings.NATIONAL_ADAPTER_URL = ""
    make("received")
    assert not SyncItem.objects.exists()
