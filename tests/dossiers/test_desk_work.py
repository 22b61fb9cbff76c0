"""The desk's view of a dossier's inside: its steps and components on the dossier screen,
and the paged work lists — each at a query count that does not grow with the data."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from core.workdays import TZ
from dossiers.services import step_actions, transitions
from dossiers.services.components import ComponentEntry
from dossiers.services.intake import intake_at_counter
from dossiers.views import desk
from procedures.models import WorkflowStep
from tests.dossiers.conftest import intake
from tests.procedures.factories import RequiredDocumentFactory


def at(*args):
    return datetime(*args, tzinfo=TZ)


def add_steps_and_papers(world, count, start=1):
    """``count`` more review steps at the justice office (20 % of the time limit each) and
    as many required papers of birth registration."""
    for order in range(start, start + count):
        WorkflowStep.objects.create(
            procedure=world.procedure,
            order=order,
            name=f"Bước {order}",
            unit=world.justice,
            role=Role.SPECIALIST,
            share=20,
        )
        RequiredDocumentFactory(procedure=world.procedure, name=f"Giấy tờ {order}", order=order)


def handled(world):
    """Received Mon 23/11 09:00, handed to its first step and assigned to Lê Văn Cường."""
    dossier = intake_at_counter(world.desk_officer, intake(world))
    dossier = transitions.transfer(dossier, world.desk_officer)
    return step_actions.assign(dossier, world.unit_leader, world.specialist)


def dossier_page(client, dossier):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/desk/dossiers/{dossier.code}/")
    assert response.status_code == 200
    return response, len(queries)


class TestDossierScreen:
    def test_steps_in_order_with_the_current_one_and_its_rework(self, client, world, clock):
        world.specialist.first_name, world.specialist.last_name = "Cường", "Lê Văn"
        world.specialist.save()
        add_steps_and_papers(world, 2)
        dossier = handled(world)
        clock.move_to(at(2026, 11, 23, 10))
        dossier = step_actions.complete_step(dossier, world.specialist)
        clock.move_to(at(2026, 11, 23, 11))
        dossier = step_actions.return_for_rework(dossier, world.unit_leader, "Thiếu căn cứ pháp lý")
        clock.move_to(at(2026, 11, 23, 12))
        step_actions.complete_step(dossier, world.specialist)
        client.force_login(world.desk_officer)
        response, _count = dossier_page(client, dossier)
        html = response.content.decode()
        assert "Quy trình xử lý" in html
        assert html.index("Bước 1") < html.index("Bước 2")
        rows = response.context["steps"]
        assert [row["step"].is_current for row in rows] == [False, True]
        assert rows[0]["step"].rework_count == 1
        assert "Lý do gần nhất: Thiếu căn cứ pháp lý" in html
        assert "Lê Văn Cường" in html
        assert html.count('aria-current="step"') == 1
        assert "Bước hiện tại · còn" in html
        assert '<span class="verdict verdict-on_time">Đúng hạn</span>' in html  # the first step

    def test_components_with_form_count_scan_and_reuse(self, client, world, clock):
        add_steps_and_papers(world, 2)
        papers = list(world.procedure.documents.order_by("order"))
        data = intake(world)
        data.components = [
            ComponentEntry(document=papers[0], form="certified_copy", count=2),
            ComponentEntry(document=papers[1], handed_over=False, reused=True),
        ]
        dossier = intake_at_counter(world.desk_officer, data)
        client.force_login(world.desk_officer)
        response, _count = dossier_page(client, dossier)
        html = response.content.decode()
        assert "Thành phần hồ sơ" in html
        rows = response.context["components"]
        assert [(c.name, c.form, c.count, c.reused) for c in rows] == [
            ("Giấy tờ 1", "certified_copy", 2, False),
            ("Giấy tờ 2", "original", 1, True),
        ]
        assert "Bản sao có chứng thực" in html

    def test_query_count_is_the_same_with_two_and_five_steps(self, client, world, clock):
        client.force_login(world.desk_officer)
        add_steps_and_papers(world, 2)
        small = handled(world)
        dossier_page(client, small)  # warm the calendar and content-type caches
        _response, small_count = dossier_page(client, small)
        add_steps_and_papers(world, 3, start=3)
        large = handled(world)
        response, large_count = dossier_page(client, large)
        assert (len(response.context["steps"]), len(response.context["components"])) == (5, 5)
        assert small.steps.count() == 2 and small.components.count() == 2
        assert small_count == large_count


class TestWorkLists:
    def build(self, world, count):
        for _n in range(count):
            handled(world)

    def measure(self, client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/desk/work/")
        assert response.status_code == 200
        return response, len(queries)

    def test_query_count_is_the_same_with_3_and_30_steps(self, client, world, clock):
        add_steps_and_papers(world, 1)
        client.force_login(world.specialist)
        self.build(world, 3)
        self.measure(client)  # warm the calendar cache
        _response, small = self.measure(client)
        self.build(world, 27)
        response, large = self.measure(client)
        mine = response.context["lists"][0]
        assert (mine["name"], mine["page"].paginator.count, len(mine["rows"])) == ("mine", 30, 30)
        assert small == large

    def test_each_list_is_paged_with_its_count(self, client, world, clock, monkeypatch):
        monkeypatch.setattr(desk, "WORK_LIST_ROWS", 2)
        add_steps_and_papers(world, 1)
        self.build(world, 5)
        client.force_login(world.specialist)
        html = client.get("/desk/work/").content.decode()
        assert 'Được giao cho tôi <span class="sub">(5)</span>' in html
        assert "Trang 1 / 3" in html
        assert 'href="?list=mine&amp;page=2#work-mine"' in html
        response = client.get("/desk/work/", {"list": "mine", "page": 3})
        lists = {item["name"]: item for item in response.context["lists"]}
        assert (lists["mine"]["page"].number, len(lists["mine"]["rows"])) == (3, 1)
        assert lists["unit"]["page"].number == 1  # the other lists stay on their first page
        stale = client.get("/desk/work/", {"list": "mine", "page": 9})
        assert stale.status_code == 200
        assert stale.context["lists"][0]["page"].number == 3
        assert "Không có trang 9" in stale.content.decode()

    @pytest.mark.parametrize("page", ["x", "0"])
    def test_a_bad_page_number_shows_the_first_page(self, client, world, clock, page):
        client.force_login(world.specialist)
        response = client.get("/desk/work/", {"list": "mine", "page": page})
        assert response.status_code == 200
        assert response.context["lists"][0]["page"].number == 1
        assert response.context["lists"][0]["notice"]
