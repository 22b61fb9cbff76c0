"""Where synchronisation stands: per dossier on the desk's page, the outbox's health, a
retry of a refused message, and the sync rate per unit equal to a direct count."""

from datetime import timedelta

import pytest

from dossiers.models import Dossier
from exchange.models import SyncItem, SyncKind, SyncState
from exchange.selectors import dossier_sync, outbox_health, sync_figures
from exchange.services import send_due
from tests.world import NOW

pytestmark = pytest.mark.django_db


def refuse_first_upsert(dossier):
    item = SyncItem.objects.filter(dossier=dossier, kind=SyncKind.UPSERT).order_by("pk").first()
    item.payload = {**item.payload, "TrangThaiHoSo": "99"}
    item.save()
    return item


def test_states_and_the_sync_rate(world, make, adapter, clock):
    synced, refused, _waiting = make("received"), make("received"), make("received")
    refuse_first_upsert(refused)
    adapter.down = True
    send_due()  # `synced`'s first message is not delivered: the adapter is down
    adapter.down = False
    clock.shift(timedelta(minutes=2))
    assert send_due() == (4, 1)  # `synced` and `waiting` go through; `refused` is refused
    make("received")  # and one more, not sent yet
    states = {d.code: dossier_sync(d).state for d in (synced, refused)}
    assert states == {synced.code: "synced", refused.code: "failed"}
    assert "TrangThaiHoSo" in dossier_sync(refused).last_error
    (row,) = sync_figures(NOW.date(), NOW.date(), Dossier.objects.all())
    direct = sum(
        1
        for d in Dossier.objects.all()
        if SyncItem.objects.filter(dossier=d, kind=SyncKind.UPSERT, state=SyncState.SENT).exists()
        and not SyncItem.objects.filter(dossier=d).exclude(state=SyncState.SENT).exists()
    )
    assert (row.received, row.synced) == (4, direct) == (4, 2)
    health = outbox_health()
    assert (health.pending, health.failed) == (3, 1)  # behind the refusal, and the new one
    assert health.failures_by_reason[0][1] == 1


def test_the_desk_page_shows_the_state_and_the_api_retries(
    client, api_client, world, make, adapter, clock
):
    dossier = make("received")
    item = refuse_first_upsert(dossier)
    send_due()
    client.force_login(world.desk_officer)
    page = client.get(f"/desk/dossiers/{dossier.code}/").content.decode()
    assert 'id="national-sync"' in page and "sync-failed" in page
    item.payload = {**item.payload, "TrangThaiHoSo": "2"}
    item.save()
    api_client.force_authenticate(world.other_unit_leader)
    assert api_client.post(f"/api/v1/national/outbox/{item.pk}/retry/").status_code == 404
    api_client.force_authenticate(world.leader)
    answer = api_client.post(f"/api/v1/national/outbox/{item.pk}/retry/")
    assert answer.status_code == 200 and answer.json()["state"] == "pending"
    assert send_due() == (2, 0)
    assert dossier_sync(dossier).state == "synced"
    report = api_client.get(
        "/api/v1/reports/national-sync/", {"from": "2026-11-23", "to": "2026-11-23"}
    )
    assert report.status_code == 200
    assert report.json()["results"][0]["synced"] == 1
    outbox = api_client.get("/api/v1/national/outbox/").json()
    assert (outbox["pending"], outbox["failed"]) == (0, 0)
