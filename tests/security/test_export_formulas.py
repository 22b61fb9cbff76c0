"""CSV/formula injection: every spreadsheet the portal writes keeps formula-like text inert.

Values beginning with each trigger (= + - @ tab CR) are planted where the public or staff
type them (an applicant's name, a procedure, field, unit and criterion name); each export
must write them behind an apostrophe, as a plain string in XLSX, keep numbers as numbers
and start a CSV with exactly one byte-order mark. The values are planted in the database
directly, so the check holds whatever the input validators let through. The catalogue and
the criteria, which the portal imports back, must come back unchanged.
"""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.models import UnitKind
from core.spreadsheets import BOM
from core.workdays import TZ
from dossiers.applicants import Applicant
from dossiers.messaging import reminders
from dossiers.models import Dossier
from dossiers.services.intake import Intake, intake_at_counter
from procedures.models import Field, Procedure
from reform_index.models import Criterion
from reform_index.services import criteria_io
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import FieldFactory, ProcedureFactory
from tests.reform_index.conftest import build_tree
from tests.reform_index.factories import ScorecardFactory

PLANTED = [
    '=HYPERLINK("http://x","Bấm vào đây")',
    "+84 SUM(1;2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
# What the catalogue and the criteria can hold (their importers trim white space), and a
# value that really begins with an apostrophe before a trigger.
KEPT = [*PLANTED[:4], "'=đã có dấu nháy", "Đăng ký khai sinh"]
FIELD_NAME = "-Hộ tịch"
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
REPORT = "/api/v1/reports/on-time/"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def planted(db, clock):
    """A town named with one trigger, five wards with the others, a procedure of each
    trigger, and a dossier of each at the town's desk whose applicant's name carries it;
    each ward's desk receives one dossier, so every unit is in the reports."""
    province = UnitFactory(code="H26", name="Hà Nội", kind=UnitKind.PROVINCE)
    town = UnitFactory(code="H26.45", name=PLANTED[0], kind=UnitKind.DISTRICT, parent=province)
    desk = UnitFactory(code="H26.45.MC", name="Một cửa", kind=UnitKind.CENTRE, parent=town)
    wards = [
        UnitFactory(code=f"H26.45.0{n}", name=name, kind=UnitKind.WARD, parent=town)
        for n, name in enumerate(PLANTED[1:], start=1)
    ]
    field = FieldFactory(code="ho-tich", name=FIELD_NAME)
    procedures = [
        ProcedureFactory(code=f"1.00000{n}", name=name, field=field)
        for n, name in enumerate(PLANTED, start=1)
    ]
    desk_officer = UserFactory(username="desk", unit=desk, role="desk_officer")
    for procedure, name in zip(procedures, PLANTED, strict=True):
        receive(desk_officer, procedure, applicant_name=name)
    for ward in wards:
        ward_desk = UserFactory(username=f"desk-{ward.code}", unit=ward, role="desk_officer")
        receive(ward_desk, procedures[0])
    return {
        "desk_officer": desk_officer,
        "leader": UserFactory(
            username="leader", unit=town, role="leader", email="leader@example.vn"
        ),
        "officer": UserFactory(username="cchc", unit=town, role="index_officer"),
    }


def receive(desk_officer, procedure, applicant_name=None):
    applicant = Applicant(name="Nguyễn Văn An", phone="0912345678")
    dossier = intake_at_counter(desk_officer, Intake(procedure, applicant))
    if applicant_name is not None:
        Dossier.objects.filter(pk=dossier.pk).update(applicant_name=applicant_name)
    return dossier


# --- reading the files back -------------------------------------------------------------------


def csv_rows(content):
    """The rows of a CSV file (bytes) that starts with exactly one BOM."""
    assert content.startswith(BOM.encode()), content[:10]
    assert content.count(BOM.encode()) == 1
    return list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix(BOM), newline="")))


def csv_column(content, heading):
    header, *rows = csv_rows(content)
    index = header.index(heading)
    return [row[index] for row in rows]


def sheet_of(content):
    return load_workbook(io.BytesIO(content)).active


def xlsx_column(sheet, heading):
    header = [cell.value for cell in sheet[1]]
    return [row[header.index(heading)] for row in sheet.iter_rows(min_row=2)]


def marked(text):
    return "'" + text


def assert_csv_marked(cells, texts):
    for text in texts:
        assert marked(text) in cells, (text, cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def assert_xlsx_marked(cells, texts):
    # An XML parser may read a carriage return back as a line feed (the standard library's
    # does, lxml's does not); the mark is what matters.
    values = [cell.value.replace("\r", "\n") for cell in cells if isinstance(cell.value, str)]
    for text in texts:
        assert marked(text.replace("\r", "\n")) in values, (text, values)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))


def assert_numbers(cells):
    assert cells and all(cell.data_type == "n" and isinstance(cell.value, int) for cell in cells)


# --- the logbook ------------------------------------------------------------------------------


def logbook(client, user, extension):
    client.force_login(user)
    response = client.get(f"/desk/logbook.{extension}", {"date_from": "2026-11-01"})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_logbook_csv(client, planted):
    content = logbook(client, planted["desk_officer"], "csv")
    _header, *rows = csv_rows(content)
    assert len(rows) == len(PLANTED)
    assert_csv_marked([row[3] for row in rows], PLANTED)  # the applicant's name
    assert_csv_marked([row[2] for row in rows], PLANTED)  # the procedure
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(PLANTED) + 1)]
    assert {row[4] for row in rows} == {"0912345678"}


def test_logbook_xlsx(client, planted):
    sheet = sheet_of(logbook(client, planted["desk_officer"], "xlsx"))
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(PLANTED)
    assert_xlsx_marked([row[3] for row in rows], PLANTED)
    assert_xlsx_marked([row[2] for row in rows], PLANTED)
    assert_numbers([row[0] for row in rows])
    assert all(isinstance(row[5].value, datetime) for row in rows)  # received: a real date


# --- the on-time report -----------------------------------------------------------------------

GROUPS = [("unit", PLANTED), ("procedure", PLANTED), ("field", [FIELD_NAME])]


@pytest.mark.parametrize(("group_by", "names"), GROUPS)
def test_on_time_report_csv(api_client, planted, group_by, names):
    api_client.force_authenticate(planted["leader"])
    response = api_client.get(REPORT, {**NOVEMBER, "format": "csv", "group_by": group_by})
    assert response.status_code == 200
    header, *rows = csv_rows(response.content)
    assert_csv_marked([row[1] for row in rows], names)
    received = [row[header.index("Đã tiếp nhận")] for row in rows]
    assert received and all(cell.isdigit() for cell in received)


@pytest.mark.parametrize(("group_by", "names"), GROUPS)
def test_on_time_report_xlsx(api_client, planted, group_by, names):
    api_client.force_authenticate(planted["leader"])
    response = api_client.get(REPORT, {**NOVEMBER, "format": "xlsx", "group_by": group_by})
    assert response.status_code == 200
    sheet = sheet_of(response.content)
    assert_xlsx_marked(xlsx_column(sheet, "Tên"), names)
    assert_numbers(xlsx_column(sheet, "Đã tiếp nhận"))


def test_the_monthly_report_attachment(planted, clock):
    clock.move_to(datetime(2026, 12, 1, 7, 0, tzinfo=TZ))
    assert reminders.owe_monthly_reports(date(2026, 12, 1)) == 1
    reminders.deliver_reminders()
    (message,) = mail.outbox
    _name, content, _mimetype = message.attachments[0]
    sheet = sheet_of(content)
    assert_xlsx_marked(xlsx_column(sheet, "Tên"), PLANTED)
    assert_numbers(xlsx_column(sheet, "Đã tiếp nhận"))


# --- open data --------------------------------------------------------------------------------


def test_open_data_csv(client, planted):
    response = client.get("/transparency/data.csv")
    assert response.status_code == 200
    assert_csv_marked(csv_column(response.content, "unit_name"), PLANTED)
    received = csv_column(response.content, "received")
    assert received and all(cell.isdigit() for cell in received)


# --- the catalogue ----------------------------------------------------------------------------


def export_catalogue(path):
    call_command("export_procedures", str(path), stdout=io.StringIO())
    return path.read_bytes()


def catalogue(names):
    field = FieldFactory(code="ho-tich", name=FIELD_NAME)
    for n, name in enumerate(names, start=1):
        ProcedureFactory(code=f"1.00000{n}", name=name, field=field)


def test_catalogue_csv(db, tmp_path):
    catalogue(PLANTED)
    content = export_catalogue(tmp_path / "catalogue.csv")
    assert_csv_marked(csv_column(content, "TENTTHC"), PLANTED)
    assert_csv_marked(csv_column(content, "TENLINHVUC"), [FIELD_NAME])
    assert set(csv_column(content, "MUCDO")) == {"2"}


def test_catalogue_csv_imports_back_unchanged(db, tmp_path):
    catalogue(KEPT)
    exported = export_catalogue(tmp_path / "first.csv")
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    call_command("import_procedures", str(tmp_path / "first.csv"), stdout=io.StringIO())

    assert sorted(Procedure.objects.values_list("name", flat=True)) == sorted(KEPT)
    assert Field.objects.get().name == FIELD_NAME
    assert export_catalogue(tmp_path / "second.csv") == exported


# --- the reform index criteria ----------------------------------------------------------------


def criteria(names, year=2026):
    scorecard = build_tree(ScorecardFactory(year=year))
    for criterion, name in zip(scorecard.criteria.order_by("order"), names, strict=True):
        Criterion.objects.filter(pk=criterion.pk).update(name=name, guidance="- đầu dòng")
    return scorecard


def criteria_csv(api_client, officer, year):
    api_client.force_authenticate(officer)
    response = api_client.get(f"/api/v1/reform-index/scorecards/{year}/criteria/export/?format=csv")
    assert response.status_code == 200
    return response.content


def test_criteria_csv(api_client, planted):
    criteria(PLANTED)
    content = criteria_csv(api_client, planted["officer"], 2026)
    assert_csv_marked(csv_column(content, "name"), PLANTED)
    assert set(csv_column(content, "guidance")) == {"'- đầu dòng"}
    assert csv_column(content, "max_points") == ["10.0", "6.0", "4.0", "10.0", "5.0", "5.0"]


def test_criteria_csv_from_the_back_office(client, planted):
    scorecard = criteria(PLANTED)
    client.force_login(planted["officer"])
    response = client.post(
        reverse("admin:reform_index_scorecard_changelist"),
        {"action": "export_csv", "_selected_action": [scorecard.pk]},
    )
    assert response.status_code == 200
    assert_csv_marked(csv_column(response.content, "name"), PLANTED)


def test_criteria_csv_imports_back_unchanged(api_client, planted):
    criteria(KEPT)
    exported = criteria_csv(api_client, planted["officer"], 2026)
    ScorecardFactory(year=2027)
    response = api_client.post(
        "/api/v1/reform-index/scorecards/2027/criteria/import/",
        {"file": SimpleUploadedFile("tieu-chi.csv", exported)},
        format="multipart",
    )
    assert response.status_code == 200, response.content

    names = Criterion.objects.filter(scorecard__year=2027).values_list("name", flat=True)
    assert sorted(names) == sorted(KEPT)
    assert criteria_csv(api_client, planted["officer"], 2027) == exported


def test_criteria_services_round_trip(planted):
    source = criteria(KEPT)
    exported = criteria_io.export_criteria(source, "csv")
    target = ScorecardFactory(year=2027)
    criteria_io.import_criteria(target, planted["officer"], exported.encode(), "csv")
    assert sorted(target.criteria.values_list("name", flat=True)) == sorted(KEPT)
    assert criteria_io.export_criteria(target, "csv") == exported
