"""The desk screens: who may open them, the online queue and the due-soon/overdue lists."""

from datetime import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext

from core.workdays import TZ
from dossiers.models import Status
from dossiers.services import transitions
from dossiers.services.attachments import attach
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake
from tests.world import NOW

DESK_URLS = ["/desk/", "/desk/queue/", "/desk/intake/", "/desk/due-soon/", "/desk/overdue/"]
THURSDAY_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # 7 working hours before Fri 09:00
FRIDAY_11_30 = datetime(2026, 11, 27, 11, 30, tzinfo=TZ)


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def in_progress_at(world, unit, handler=None):
    """A town-desk dossier received Monday 09:00 (due Fri 27/11 09:00), now with ``unit``."""
    dossier = intake_at_counter(world.desk_officer, intake(world))
    return transitions.transfer(dossier, world.admin, to_unit=unit, handler=handler)


class TestAccess:
    @pytest.mark.parametrize("url", DESK_URLS)
    def test_anonymous_is_sent_to_log_in(self, client, world, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))

    @pytest.mark.parametrize("url", DESK_URLS)
    def test_citizen_is_forbidden(self, client, world, url):
        client.force_login(world.citizen)
        assert client.get(url).status_code == 403

    def test_citizen_cannot_post_an_action(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.citizen)
        response = client.post(f"/desk/dossiers/{dossier.code}/receive/")
        assert response.status_code == 403
        dossier.refresh_from_db()
        assert dossier.status == Status.SUBMITTED

    @pytest.mark.parametrize("user", ["desk_officer", "specialist", "ward_leader", "leader"])
    @pytest.mark.parametrize("url", DESK_URLS)
    def test_staff_roles_may_open_the_desk(self, client, world, url, user):
        client.force_login(getattr(world, user))
        assert client.get(url).status_code == 200

    def test_desk_of_another_ward_gets_404_outside_its_scope(self, client, make, world):
        dossier = make("received")
        attachment = attach(dossier, _pdf("don.pdf"), "application", world.desk_officer)
        client.force_login(world.other_ward_desk)
        assert client.get(f"/desk/dossiers/{dossier.code}/").status_code == 404
        files_url = f"/desk/dossiers/{dossier.code}/files/{attachment.pk}/"
        assert client.get(files_url).status_code == 404
        response = client.post(f"/desk/dossiers/{dossier.code}/transfer/")
        assert response.status_code == 404
        assert dossier.events.count() == 1

    def test_the_nav_shows_the_desk_to_staff_only(self, client, world):
        client.force_login(world.desk_officer)
        assert 'href="/desk/"' in client.get("/").content.decode()
        client.force_login(world.citizen)
        assert 'href="/desk/"' not in client.get("/").content.decode()


class TestHome:
    def test_counts_of_the_queues(self, client, make, world, clock):
        make("submitted")
        make("submitted")
        in_progress_at(world, world.justice)
        clock.move_to(THURSDAY_10AM)
        in_progress_at(world, world.justice)  # received Thursday: due next week, not listed
        client.force_login(world.desk_officer)
        counts = client.get("/desk/").context["counts"]
        assert counts == {"queue": 2, "due_soon": 1, "overdue": 0}

    def test_open_a_dossier_by_code(self, client, make, world):
        dossier = make("received")
        client.force_login(world.desk_officer)
        response = client.get("/desk/", {"code": f" {dossier.code} "})
        assert response.status_code == 302
        assert response["Location"] == f"/desk/dossiers/{dossier.code}/"
        client.force_login(world.other_ward_desk)
        response = client.get("/desk/", {"code": dossier.code})
        assert response.status_code == 200
        assert dossier.code in str(next(iter(response.context["messages"])))


class TestQueue:
    def test_online_filings_oldest_first_with_their_check_actions(self, client, make, world, clock):
        first = make("submitted")
        clock.shift(3600)
        second = make("submitted")
        make("received")  # counter intake: never in the queue
        client.force_login(world.desk_officer)
        response = client.get("/desk/queue/")
        rows = response.context["rows"]
        assert [dossier.code for dossier, _forms in rows] == [first.code, second.code]
        assert [form.action for form in rows[0][1]] == [
            "receive",
            "request-supplement",
            "refuse",
        ]
        html = response.content.decode()
        assert f'action="/desk/dossiers/{first.code}/receive/"' in html

    def test_receive_from_the_queue_comes_back_to_it(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.desk_officer)
        response = client.post(
            f"/desk/dossiers/{dossier.code}/receive/", {"next": "/desk/queue/?page=1"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/desk/queue/?page=1"
        dossier.refresh_from_db()
        assert dossier.status == Status.RECEIVED

    def test_an_outside_next_is_ignored(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.desk_officer)
        response = client.post(
            f"/desk/dossiers/{dossier.code}/receive/", {"next": "https://evil.example/"}
        )
        assert response["Location"] == f"/desk/dossiers/{dossier.code}/"

    def test_other_desks_do_not_see_the_filing(self, client, make, world):
        make("submitted")
        client.force_login(world.other_ward_desk)
        assert client.get("/desk/queue/").context["rows"] == []

    def test_query_count_does_not_grow_with_the_queue(self, client, make, world):
        client.force_login(world.desk_officer)
        make("submitted")
        client.get("/desk/queue/")  # warm the calendar and content-type caches
        with CaptureQueriesContext(connection) as small:
            client.get("/desk/queue/")
        for _n in range(4):
            make("submitted")
        with CaptureQueriesContext(connection) as large:
            response = client.get("/desk/queue/")
        assert len(response.context["rows"]) == 5
        assert len(small) == len(large)


class TestDueLists:
    def test_due_soon_and_overdue_follow_the_clock(self, client, make, world, clock):
        world.specialist.first_name, world.specialist.last_name = "Cường", "Lê Văn"
        world.specialist.save()
        dossier = in_progress_at(world, world.justice, handler=world.specialist)
        client.force_login(world.desk_officer)
        assert _codes(client, "/desk/due-soon/") == []
        clock.move_to(THURSDAY_10AM)
        response = client.get("/desk/due-soon/")
        assert _codes(client, "/desk/due-soon/") == [dossier.code]
        html = response.content.decode()
        assert "còn 7 giờ" in html
        assert "Phòng Tư pháp" in html
        assert "Lê Văn Cường" in html  # the officer, family name first
        assert _codes(client, "/desk/overdue/") == []
        clock.move_to(FRIDAY_11_30)
        assert _codes(client, "/desk/due-soon/") == []
        response = client.get("/desk/overdue/")
        assert _codes(client, "/desk/overdue/") == [dossier.code]
        assert "quá hạn 2 giờ 30 phút" in response.content.decode()

    def test_paused_and_finished_dossiers_are_not_listed(self, client, make, world, clock):
        make("supplement_requested")
        make("resolved")
        clock.move_to(FRIDAY_11_30)
        client.force_login(world.desk_officer)
        assert _codes(client, "/desk/overdue/") == []

    def test_filter_by_unit_and_sort_by_due_time(self, client, make, world, clock):
        justice = in_progress_at(world, world.justice)
        clock.shift(3600)
        ward = in_progress_at(world, world.ward)
        clock.move_to(datetime(2026, 11, 30, 9, tzinfo=TZ))
        client.force_login(world.desk_officer)
        assert _codes(client, "/desk/overdue/") == [justice.code, ward.code]
        assert _codes(client, "/desk/overdue/?sort=-due") == [ward.code, justice.code]
        assert _codes(client, f"/desk/overdue/?unit={world.ward.code}") == [ward.code]

    def test_a_unit_outside_the_scope_is_reported_and_ignored(self, client, make, world, clock):
        in_progress_at(world, world.ward)
        clock.move_to(datetime(2026, 11, 30, 9, tzinfo=TZ))
        client.force_login(world.ward_specialist)
        response = client.get("/desk/overdue/", {"unit": world.justice.code, "sort": "sideways"})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"unit", "sort"}
        assert len(response.context["page"].object_list) == 1

    @pytest.mark.parametrize("url", ["/desk/due-soon/", "/desk/overdue/"])
    def test_query_count_does_not_grow_with_the_list(self, client, make, world, clock, url):
        moment = THURSDAY_10AM if url == "/desk/due-soon/" else FRIDAY_11_30
        handlers = [world.specialist, None, world.ward_specialist, world.ward_leader]
        units = [world.justice, world.town, world.ward, world.ward]
        client.force_login(world.desk_officer)

        def measure():
            clock.move_to(moment)
            client.get(url)  # warm the calendar cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            clock.move_to(NOW)
            return len(queries), len(response.context["page"].object_list)

        in_progress_at(world, world.justice, world.specialist)
        small, small_rows = measure()
        for unit, handler in zip(units, handlers, strict=True):
            in_progress_at(world, unit, handler)
        large, large_rows = measure()
        assert (small_rows, large_rows) == (1, 5)
        assert small == large


def _codes(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [dossier.code for dossier in response.context["page"].object_list]


def test_the_intake_is_offered_to_desk_officers_only(client, world):
    client.force_login(world.desk_officer)
    assert 'href="/desk/intake/"' in client.get("/desk/").content.decode()
    client.force_login(world.specialist)
    assert 'href="/desk/intake/"' not in client.get("/desk/").content.decode()
