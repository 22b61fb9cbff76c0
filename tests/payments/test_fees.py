"""Fees of a dossier: fee lines from the catalogue terms at the fee request, amounts set by
the handling staff with a reason, and payments from every channel through one service —
cash at the counter, the gateway's signed callback (once, however often it is sent) — each
resuming the clock as the desk's "fees paid" does, with an e-receipt numbered in the
agency's series."""

from datetime import timedelta

import pytest
from django.utils import translation
from pypdf import PdfReader

from dossiers.models import Dossier, Status
from dossiers.services import transitions
from dossiers.services.errors import TransitionError
from payments import gateway, vietqr
from payments.models import FeeLine, Method, Payment, PaymentRequest, Receipt, RequestStatus
from payments.selectors import paid_online, payment_figures, procedure_figures
from payments.services.fees import set_fee_amount, totals
from payments.services.settle import Reconciliation, record_payment
from procedures.models import Procedure
from tests.world import NOW

SECRET = "bi-mat-chung-cua-cong-thanh-toan"


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def fees(world):
    """Birth registration with a fee of 8,000 đồng in the catalogue."""
    world.procedure.fee_amount = 8000
    world.procedure.fee_description = "Lệ phí cấp bản sao trích lục"
    world.procedure.save()
    return world


@pytest.fixture
def asked(fees, make):
    """A dossier in handling at the justice office, its fee requested."""
    dossier = make("in_progress")
    return transitions.request_payment(dossier, fees.specialist)


@pytest.fixture
def gateway_secret(settings):
    settings.PAYMENT_GATEWAY_SECRET = SECRET
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9/pay"


def pending(dossier):
    return PaymentRequest.objects.get(dossier=dossier, status=RequestStatus.PENDING)


def signed(**params):
    params = {name: str(value) for name, value in params.items()}
    return {**params, "signature": gateway.signature_of(params, SECRET)}


class TestFeeLines:
    def test_the_fee_request_takes_the_catalogues_fees(self, asked):
        (line,) = FeeLine.objects.filter(dossier=asked)
        assert (line.name, line.amount, line.catalogue_amount) == (
            "Lệ phí cấp bản sao trích lục",
            8000,
            8000,
        )
        request = pending(asked)
        assert request.amount == 8000 and request.reference == asked.code
        assert (totals(asked).owed, totals(asked).paid, totals(asked).outstanding) == (
            8000,
            0,
            8000,
        )

    def test_no_fee_no_request(self, world, make):
        dossier = transitions.request_payment(make("in_progress"), world.specialist)
        assert not PaymentRequest.objects.filter(dossier=dossier).exists()

    def test_staff_set_an_amount_with_a_reason_and_the_request_follows(self, fees, asked):
        line = FeeLine.objects.get(dossier=asked)
        with pytest.raises(TransitionError) as refused:
            set_fee_amount(line, 24000, "", fees.specialist)
        assert refused.value.field == "reason"
        set_fee_amount(line, 24000, "3 bản sao", fees.specialist)
        assert pending(asked).amount == 24000
        with pytest.raises(TransitionError):
            set_fee_amount(line, 1000, "giảm", fees.desk_officer)  # not the handling unit

    def test_the_vietqr_payload_carries_account_amount_and_reference(self, asked, settings):
        payload = vietqr.build_payload(
            settings.PAYMENT_BANK_BIN, settings.PAYMENT_ACCOUNT_NUMBER, 8000, asked.code
        )
        fields = vietqr.parse_payload(payload)
        assert fields["54"] == "8000"
        assert fields["62"]["08"] == asked.code
        assert fields["38"]["01"] == {
            "00": settings.PAYMENT_BANK_BIN,
            "01": settings.PAYMENT_ACCOUNT_NUMBER,
        }


class TestSettling:
    def test_cash_at_the_counter_via_the_desks_button_is_recorded(self, fees, asked):
        transitions.confirm_payment(asked, fees.desk_officer)
        payment = Payment.objects.get(request__dossier=asked)
        assert (payment.method, payment.amount) == (Method.CASH, 8000)
        assert Receipt.objects.get(payment=payment).number == 1
        assert Dossier.objects.get(pk=asked.pk).status == Status.IN_PROGRESS
        assert not paid_online(asked)

    def test_a_payment_resumes_the_clock_with_the_working_time_left(self, fees, asked, clock):
        due_before = Dossier.objects.get(pk=asked.pk).due_at
        clock.shift(timedelta(days=2))  # two calendar days waiting for the payment
        record_payment(
            asked.code, 8000, Method.GATEWAY, Reconciliation("gateway"), transaction_id="T1"
        )
        resumed = Dossier.objects.get(pk=asked.pk)
        assert resumed.status == Status.IN_PROGRESS
        assert resumed.due_at > due_before  # the paused time is given back
        assert paid_online(asked)

    def test_the_applicant_is_told_the_fees_were_received(self, asked):
        from dossiers.models import Notification, NotificationKind

        record_payment(asked.code, 8000, Method.GATEWAY, Reconciliation("g"), transaction_id="M1")
        told = Notification.objects.filter(dossier=asked, kind=NotificationKind.PAID)
        assert told.filter(channel="sms").exists()

    def test_a_wrong_amount_or_reference_changes_nothing(self, asked):
        actor = Reconciliation("gateway")
        for reference, amount in [(asked.code, 7000), ("KHONG-CO", 8000)]:
            with pytest.raises(TransitionError):
                record_payment(reference, amount, Method.GATEWAY, actor, transaction_id="T2")
        assert not Payment.objects.exists()
        assert Dossier.objects.get(pk=asked.pk).status == Status.AWAITING_PAYMENT

    def test_receipts_are_numbered_in_the_agencys_series(self, fees, make):
        numbers = []
        for n in range(3):
            dossier = transitions.request_payment(make("in_progress"), fees.specialist)
            settled = record_payment(
                dossier.code, 8000, Method.GATEWAY, Reconciliation("g"), transaction_id=f"N{n}"
            )
            numbers.append((settled.payment.receipt.agency, settled.payment.receipt.number))
        assert numbers == [(fees.town, 1), (fees.town, 2), (fees.town, 3)]


class TestGatewayCallback:
    URL = "/api/v1/payments/gateway/"

    def test_signed_twice_is_one_payment(self, api_client, asked, gateway_secret):
        body = signed(reference=asked.code, amount=8000, transaction_id="GW-1")
        first = api_client.post(self.URL, body, format="json")
        again = api_client.post(self.URL, body, format="json")
        assert (first.status_code, first.json()["recorded"]) == (200, True)
        assert (again.status_code, again.json()["recorded"]) == (200, False)
        assert Payment.objects.count() == 1
        assert Dossier.objects.get(pk=asked.pk).status == Status.IN_PROGRESS

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"signature": "0" * 64}, "signature"),
            ({"amount": "9000"}, "signature"),  # changed after signing
        ],
    )
    def test_a_bad_signature_is_refused(self, api_client, asked, gateway_secret, change, field):
        body = {**signed(reference=asked.code, amount=8000, transaction_id="GW-2"), **change}
        answer = api_client.post(self.URL, body, format="json")
        assert answer.status_code == 400 and field in answer.json()
        assert not Payment.objects.exists()

    @pytest.mark.parametrize(
        ("reference", "amount", "field"),
        [("KHONG-CO-HO-SO", 8000, "reference"), (None, 7999, "amount")],
    )
    def test_a_wrong_reference_or_amount_is_refused(
        self, api_client, asked, gateway_secret, reference, amount, field
    ):
        body = signed(reference=reference or asked.code, amount=amount, transaction_id="GW-3")
        answer = api_client.post(self.URL, body, format="json")
        assert answer.status_code == 400 and field in answer.json(), answer.json()
        assert not Payment.objects.exists()
        assert Dossier.objects.get(pk=asked.pk).status == Status.AWAITING_PAYMENT

    def test_without_a_configured_secret_nothing_is_trusted(self, api_client, asked, settings):
        settings.PAYMENT_GATEWAY_SECRET = ""
        body = signed(reference=asked.code, amount=8000, transaction_id="GW-4")
        assert api_client.post(self.URL, body, format="json").status_code == 400


class TestCitizenAndReceipt:
    def test_the_citizen_sees_the_amount_and_the_qr(self, client, fees, asked, gateway_secret):
        client.force_login(fees.citizen)
        page = client.get(f"/dossiers/{asked.code}/").content.decode()
        assert 'id="fees"' in page and "8000" in page and asked.code in page
        assert 'class="qr-code"' in page
        assert "http://127.0.0.1:9/pay?reference=" in page

    def test_the_desk_sees_the_fees_and_prints_the_notice(self, client, fees, asked):
        client.force_login(fees.desk_officer)
        page = client.get(f"/desk/dossiers/{asked.code}/").content.decode()
        assert 'id="fees"' in page and f"/payments/notice/{asked.code}/" in page
        notice = client.get(f"/payments/notice/{asked.code}/").content.decode()
        assert 'class="qr-code"' in notice and asked.code in notice and "8000" in notice
        client.force_login(fees.other_desk_officer)
        assert client.get(f"/payments/notice/{asked.code}/").status_code == 404

    def test_the_receipt_says_the_amount_in_words(self, client, fees, asked):
        settled = record_payment(
            asked.code, 8000, Method.GATEWAY, Reconciliation("g"), transaction_id="R1"
        )
        client.force_login(fees.citizen)
        with translation.override("vi"):
            answer = client.get(f"/payments/receipts/{settled.payment.receipt.pk}.pdf")
        assert answer["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io_of(answer)).pages)
        assert "Tám nghìn đồng" in text
        assert "Lệ phí cấp bản sao trích lục" in text
        assert asked.code in text
        client.force_login(fees.other_citizen)
        assert client.get(f"/payments/receipts/{settled.payment.receipt.pk}.pdf").status_code == 404


class TestFigures:
    def test_the_figures_equal_a_direct_count(self, fees, make):
        for n, method in enumerate([Method.GATEWAY, Method.CASH, None]):
            dossier = transitions.request_payment(make("in_progress"), fees.specialist)
            if method is not None:
                record_payment(dossier.code, 8000, method, fees.admin, transaction_id=f"F{n}")
        (row,) = payment_figures(NOW.date(), NOW.date(), Dossier.objects.all())
        assert (row.requested, row.paid_online, row.paid_at_counter, row.collected) == (
            3,
            1,
            1,
            16000,
        )
        assert row.online_share == 50.0
        figures = procedure_figures(NOW.date(), NOW.date(), Dossier.objects.all())
        fee_bearing = [p for p in Procedure.objects.filter(published=True) if p.fee_amount > 0]
        assert (figures.fee_bearing, figures.paid_online) == (len(fee_bearing), 1)

    def test_the_report_api_serves_them(self, api_client, fees, asked):
        record_payment(asked.code, 8000, Method.GATEWAY, Reconciliation("g"), transaction_id="A1")
        api_client.force_authenticate(fees.leader)
        body = api_client.get(
            "/api/v1/reports/payments/", {"from": "2026-11-23", "to": "2026-11-23"}
        )
        assert body.status_code == 200
        assert body.json()["results"][0]["collected"] == 8000
        assert body.json()["procedures"]["paid_online"] == 1


def io_of(response):
    import io

    return io.BytesIO(response.content)


class TestKiosk:
    def test_the_kiosk_shows_the_qr_for_the_code_and_phone(self, client, fees, asked):
        assert 'href="/kiosk/pay/"' in client.get("/kiosk/").content.decode()
        page = client.post("/kiosk/pay/", {"code": asked.code, "phone": asked.applicant_phone})
        text = page.content.decode()
        assert page.status_code == 200 and 'class="qr-code"' in text and "8000" in text
        wrong = client.post("/kiosk/pay/", {"code": asked.code, "phone": "0999999999"})
        assert 'class="qr-code"' not in wrong.content.decode()


class TestMonthlyReport:
    def test_the_leaders_monthly_report_carries_the_payment_figures(self, fees, asked, clock):
        from datetime import date, datetime

        from django.core import mail
        from openpyxl import load_workbook

        from core.workdays import TZ
        from dossiers.messaging import reminders

        record_payment(asked.code, 8000, Method.GATEWAY, Reconciliation("g"), transaction_id="MR")
        clock.move_to(datetime(2026, 12, 1, 7, 0, tzinfo=TZ))
        assert reminders.owe_monthly_reports(date(2026, 12, 1)) >= 1
        reminders.deliver_reminders()
        leader_mail = next(m for m in mail.outbox if fees.leader.email in m.to)
        names = [name for name, _content, _mime in leader_mail.attachments]
        assert names == ["bao-cao-dung-han-2026-11.xlsx", "bao-cao-thu-phi-2026-11.xlsx"]
        _name, content, _mime = leader_mail.attachments[1]
        sheet = load_workbook(io_of_bytes(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Đơn vị"
        assert rows[1][1:4] == (1, 1, 0) and rows[1][5] == 8000


def io_of_bytes(content):
    import io

    return io.BytesIO(content)
