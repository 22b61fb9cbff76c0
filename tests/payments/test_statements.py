"""Reconciling a bank statement: a line confirms the waiting request whose reference its
description carries when the amount is exact; near-misses (wrong amount, no reference,
another bank's mangling of the code) are kept for a person; a line imported twice is one
payment; CSV and XLSX read alike, and a file that is neither is a field error."""

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dossiers.models import Dossier, Status
from dossiers.services import transitions
from payments.models import Payment, PaymentRequest, RequestStatus, StatementLine
from payments.services.statements import read_statement, reconcile, requests_of

HEADER = ["Số tham chiếu", "Ngày giao dịch", "Số tiền ghi có", "Nội dung"]


@pytest.fixture
def waiting(world, make):
    """Twelve dossiers waiting for their 8,000 đồng fee."""
    world.procedure.fee_amount = 8000
    world.procedure.save()
    return [transitions.request_payment(make("in_progress"), world.specialist) for _n in range(12)]


def csv_file(rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("sao-ke.csv", text.getvalue().encode("utf-8-sig"), "text/csv")


def xlsx_file(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("sao-ke.xlsx", data.getvalue())


def statement(waiting, noise=1000):
    """A statement of ``noise`` lines: the first six requests paid exactly (one of them with
    the code written without its dots and dashes), two paid the wrong amount, and the rest
    other credits, debits and blanks; shuffled."""
    rows = []
    for n, dossier in enumerate(waiting[:6]):
        text = f"CHUYEN TIEN LE PHI {dossier.code} NGUYEN VAN AN"
        if n == 5:
            text = f"NOP PHI {dossier.code.replace('.', '').replace('-', '')}"
        rows.append([f"FT{n:05d}", "23/11/2026 10:15:00", "8.000", text])
    for n, dossier in enumerate(waiting[6:8]):
        rows.append([f"FW{n:05d}", "23/11/2026", "80.000", f"LE PHI {dossier.code}"])
    shuffle = random.Random(5)
    for n in range(noise - len(rows)):
        kind = n % 3
        if kind == 0:
            rows.append([f"OT{n:05d}", "22/11/2026", str(shuffle.randint(1, 9) * 1000), "TIEN NHA"])
        elif kind == 1:
            rows.append([f"DB{n:05d}", "22/11/2026", "-5000", "PHI DICH VU"])
        else:
            rows.append([f"BL{n:05d}", "", "", ""])
    shuffle.shuffle(rows)
    return rows


def test_a_thousand_lines_confirm_exactly_the_right_requests(world, waiting):
    rows = statement(waiting)
    lines = read_statement(csv_file(rows))
    outcome = reconcile(lines, world.desk_officer, requests_of(Dossier.objects.all()))
    paid = {dossier.code for dossier in waiting[:6]}
    assert set(outcome.confirmed) == paid
    assert (
        set(
            PaymentRequest.objects.filter(status=RequestStatus.PAID).values_list(
                "reference", flat=True
            )
        )
        == paid
    )
    statuses = {d.code: d.status for d in Dossier.objects.filter(pk__in=[d.pk for d in waiting])}
    assert {code for code, status in statuses.items() if status == Status.IN_PROGRESS} == paid
    near_misses = StatementLine.objects.filter(transaction_id__startswith="FW")
    assert near_misses.count() == 2
    # The reason names the request whose amount differs.
    assert {line.problem.split()[-1].rstrip(".") for line in near_misses} == {
        dossier.code for dossier in waiting[6:8]
    }
    # Credits that name no request are kept too; debits and blanks are not payments.
    others = sum(1 for row in rows if row[0].startswith("OT"))
    assert StatementLine.objects.filter(transaction_id__startswith="OT").count() == others > 300
    assert not StatementLine.objects.filter(transaction_id__startswith="DB").exists()


def test_the_same_statement_again_changes_nothing(world, waiting):
    rows = statement(waiting, noise=40)
    reconcile(
        read_statement(csv_file(rows)), world.desk_officer, requests_of(Dossier.objects.all())
    )
    payments, kept = Payment.objects.count(), StatementLine.objects.count()
    again = reconcile(
        read_statement(csv_file(rows)), world.desk_officer, requests_of(Dossier.objects.all())
    )
    assert again.confirmed == []
    assert len(again.already) == 6
    assert (Payment.objects.count(), StatementLine.objects.count()) == (payments, kept)


def test_a_duplicate_line_inside_one_statement_pays_once(world, waiting):
    line = ["FT1", "23/11/2026", "8000", f"LE PHI {waiting[0].code}"]
    outcome = reconcile(
        read_statement(csv_file([line, line])),
        world.desk_officer,
        requests_of(Dossier.objects.all()),
    )
    assert outcome.confirmed == [waiting[0].code]
    assert outcome.already == ["FT1"]
    assert Payment.objects.count() == 1


def test_xlsx_reads_as_csv_does(world, waiting):
    rows = [["FT9", "23/11/2026 08:00:00", 8000, f"LE PHI {waiting[1].code}"]]
    outcome = reconcile(
        read_statement(xlsx_file(rows)), world.desk_officer, requests_of(Dossier.objects.all())
    )
    assert outcome.confirmed == [waiting[1].code]


def test_only_the_callers_dossiers_are_matched(world, waiting):
    line = ["FT2", "23/11/2026", "8000", f"LE PHI {waiting[2].code}"]
    theirs = Dossier.objects.visible_to(world.other_desk_officer)
    outcome = reconcile(
        read_statement(csv_file([line])), world.other_desk_officer, requests_of(theirs)
    )
    assert outcome.confirmed == []
    assert not Payment.objects.exists()


class TestEndpoint:
    URL = "/api/v1/payments/statements/"

    def test_the_desk_imports_and_reads_the_outcome(self, api_client, world, waiting):
        api_client.force_authenticate(world.desk_officer)
        line = ["FT3", "23/11/2026", "8000", f"LE PHI {waiting[3].code}"]
        other = ["FT4", "23/11/2026", "8000", "KHONG RO"]
        answer = api_client.post(self.URL, {"file": csv_file([line, other])}, format="multipart")
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        assert body["confirmed"] == [waiting[3].code]
        assert [item["transaction_id"] for item in body["unmatched"]] == ["FT4"]

    def test_a_file_without_the_columns_is_a_field_error(self, api_client, world):
        api_client.force_authenticate(world.desk_officer)
        bad = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", "text/csv")
        answer = api_client.post(self.URL, {"file": bad}, format="multipart")
        assert answer.status_code == 400 and "file" in answer.json()
        junk = SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a workbook")
        assert api_client.post(self.URL, {"file": junk}, format="multipart").status_code == 400

    def test_citizens_may_not_import(self, api_client, world):
        api_client.force_authenticate(world.citizen)
        answer = api_client.post(self.URL, {"file": csv_file([])}, format="multipart")
        assert answer.status_code == 403
