"""/dashboard/late/ and its files: for leaders only, scoped, linked from the dashboard's
unit rows, exports safe in a spreadsheet, queries constant in the number of dossiers."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.workdays import Verdict
from dossiers.models import DossierEvent, Status
from dossiers.workflow import Action
from tests.factories import DossierFactory
from tests.world import NOW

PAGE, CSV, XLSX = "/dashboard/late/", "/dashboard/late.csv", "/dashboard/late.xlsx"
PERIOD = {"from": "2026-09-01", "to": "2026-11-23"}


def held_by(dossier, unit, actor, step="Thẩm định"):
    """Log that ``unit`` (``actor``) took ``dossier`` over at ``step`` before its time ran out."""
    DossierEvent.objects.create(
        dossier=dossier,
        action=Action.TRANSFER,
        actor=actor,
        at=dossier.due_at - timedelta(hours=3),
        from_status=Status.IN_PROGRESS,
        to_status=Status.IN_PROGRESS,
        to_unit=unit,
        due_at=dossier.due_at,
        step_name=step,
    )


def _late_dossiers(world, count, applicant="Nguyễn Văn An"):
    for n in range(count):
        overdue = DossierFactory(overdue=True, receiving_unit=world.town, applicant_name=applicant)
        held_by(overdue, world.justice, world.specialist)
        DossierFactory(
            resolved=True,
            verdict=Verdict.LATE,
            receiving_unit=world.ward,
            received_at=NOW - timedelta(days=10 + n),
        )


@pytest.fixture
def late_world(world, clock):
    _late_dossiers(world, 2, applicant='=HYPERLINK("http://x")')
    DossierFactory(overdue=True, receiving_unit=world.other_ward)
    return world


def test_anonymous_visitors_go_to_login_and_desk_officers_are_refused(client, late_world):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/late/")
    client.force_login(late_world.desk_officer)
    for url in (PAGE, CSV, XLSX):
        assert client.get(url).status_code == 403


def test_the_page_groups_by_holding_unit_and_links_each_dossier(client, late_world):
    client.force_login(late_world.leader)
    response = client.get(PAGE, {**PERIOD, "group": "unit"})
    assert response.status_code == 200
    report = response.context["report"]
    by_unit = {group.name: group.late for group in report["groups"]}
    assert by_unit == {
        late_world.justice.display_name: 2,
        late_world.ward.display_name: 2,
        late_world.other_ward.display_name: 1,
    }
    html = response.content.decode()
    row = report["rows"][0]
    assert reverse("dossiers:desk-dossier", args=[row.code]) in html
    officers = client.get(PAGE, {**PERIOD, "group": "officer"}).context["report"]["groups"]
    assert late_world.specialist.get_full_name() in {group.name for group in officers}


def test_a_ward_leader_sees_only_their_ward(client, late_world):
    client.force_login(late_world.ward_leader)
    report = client.get(PAGE, PERIOD).context["report"]
    assert {group.name for group in report["groups"]} == {late_world.ward.display_name}
    assert {row.receiving_unit_id for row in report["rows"]} == {late_world.ward.pk}


def test_bad_filters_get_a_message_not_a_500(client, late_world):
    client.force_login(late_world.leader)
    response = client.get(PAGE, {"from": "2026-13-01", "group": "nope"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert set(response.context["form"].errors) == {"start", "group"}
    response = client.get(CSV, {"from": "ngày"})
    assert response.status_code == 400
    assert "from" in response.json()


def test_the_files_neutralise_formulas(client, late_world):
    client.force_login(late_world.leader)
    text = client.get(CSV, PERIOD).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    applicants = {line[2] for line in lines[1:]}
    assert '\'=HYPERLINK("http://x")' in applicants
    assert '=HYPERLINK("http://x")' not in applicants
    assert len(lines) == 1 + 5
    sheet = load_workbook(io.BytesIO(client.get(XLSX, PERIOD).content)).active
    cells = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert '\'=HYPERLINK("http://x")' in cells


def test_the_dashboard_unit_rows_link_to_the_drill_down(client, late_world):
    client.force_login(late_world.leader)
    html = client.get("/dashboard/", PERIOD).content.decode()
    assert (
        f"/dashboard/late/?from=2026-09-01&amp;to=2026-11-23&amp;unit={late_world.ward.code}"
        in (html)
    )


def test_the_page_queries_do_not_grow_with_the_dossiers(client, world, clock):
    client.force_login(world.leader)
    counts = []
    for size in (1, 4):
        _late_dossiers(world, size)
        client.get(PAGE, PERIOD)  # warm the caches (calendar, session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, PERIOD).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
