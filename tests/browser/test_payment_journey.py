"""A fee's journey in the browser: the justice office's specialist requests the 8,000 đồng
fee from the desk's dossier page; the citizen sees on their dossier page what is owed, the
transfer reference and the VietQR code; the payment gateway's signed callback reaches the
live server over real HTTP (once recorded, however often it is sent); and the citizen's
page then owes nothing and links the e-receipt, a PDF saying the amount in words."""

import io
import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from dossiers.models import Dossier, Status
from dossiers.services import transitions
from dossiers.services.intake import intake_at_counter
from payments.models import Payment, Receipt
from tests.browser.steps import log_in
from tests.browser.test_desk_journey import act
from tests.browser.test_result_journey import in_vietnamese
from tests.payments.test_fees import fees, gateway_secret, signed  # noqa: F401  (fixtures)
from tests.world import intake_of

pytestmark = pytest.mark.browser

CALLBACK = "/api/v1/payments/gateway/"


@pytest.fixture
def dossier(world):
    """An's counter dossier of birth registration, in handling at the justice office."""
    received = intake_at_counter(
        world.desk_officer, intake_of(world.procedure), applicant_user=world.citizen
    )
    return transitions.transfer(received, world.desk_officer, to_unit=world.justice)


def gateway_reports(live_server, body):
    """POST ``body`` as JSON to the live server, as the gateway would: over HTTP, with no
    session and no proxy in between."""
    request = urllib.request.Request(
        live_server.url + CALLBACK,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=15) as answer:
        return answer.status, json.loads(answer.read())


def amount_of(panel, label):
    """The amount cell of the fees table's row headed ``label``."""
    row = panel.locator("tr").filter(has=panel.page.get_by_role("rowheader", name=label))
    return row.locator("td")


def request_the_fee(page, shots, dossier):
    page.goto(f"/desk/dossiers/{dossier.code}/")
    expect(page.locator("h1.code")).to_have_text(dossier.code)
    shots(page, "dossier in handling")
    act(page, "request-payment")
    expect(page.locator(".messages")).to_contain_text(dossier.code)
    shots(page, "fee requested")


@pytest.mark.usefixtures("fees", "gateway_secret")  # the 8,000 đồng fee; the test secret
def test_a_fee_from_request_to_e_receipt(page, context, live_server, shots, dossier):
    log_in(page, shots, "spec")
    request_the_fee(page, shots, dossier)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_PAYMENT

    context.clear_cookies()
    log_in(page, shots, "citizen")
    page.goto(f"/dossiers/{dossier.code}/")
    panel = page.locator("section#fees")
    expect(panel).to_be_visible()
    expect(amount_of(panel, "Lệ phí cấp bản sao trích lục")).to_have_text("8000 đ")
    expect(amount_of(panel, in_vietnamese("Paid"))).to_have_text("0 đ")
    expect(amount_of(panel, in_vietnamese("Outstanding"))).to_have_text("8000 đ")
    expect(panel.locator(".vietqr svg.qr-code")).to_be_visible()
    expect(panel.locator(".vietqr")).to_contain_text(
        in_vietnamese(
            "Scan with your banking app to transfer %(amount)s đồng with the reference "
            "%(reference)s."
        )
        % {"amount": "8000", "reference": dossier.code}
    )
    pay_online = panel.get_by_role("link", name=in_vietnamese("Pay online"))
    expect(pay_online).to_have_attribute(
        "href",
        re.compile(
            rf"^http://127\.0\.0\.1:9/pay\?reference={re.escape(dossier.code)}&amount=8000&"
        ),
    )
    expect(panel.get_by_role("link", name=in_vietnamese("E-receipt"))).to_have_count(0)
    shots(page, "citizen sees the fee and the qr code")

    body = signed(reference=dossier.code, amount=8000, transaction_id="GW-JOURNEY-1")
    assert gateway_reports(live_server, body) == (
        200,
        {"reference": dossier.code, "recorded": True},
    )
    status, again = gateway_reports(live_server, body)
    assert (status, again["recorded"]) == (200, False)
    assert Payment.objects.filter(request__dossier=dossier).count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROGRESS

    page.reload()
    expect(amount_of(panel, in_vietnamese("Outstanding"))).to_have_text("0 đ")
    expect(amount_of(panel, in_vietnamese("Paid"))).to_have_text("8000 đ")
    expect(panel.locator(".vietqr")).to_have_count(0)
    receipt = Receipt.objects.get(payment__request__dossier=dossier)
    link = f"/payments/receipts/{receipt.pk}.pdf"
    receipt_link = panel.locator(f'a[href="{link}"]')
    expect(receipt_link).to_contain_text(in_vietnamese("E-receipt"))
    shots(page, "citizen sees the fee paid and the e-receipt")

    with page.expect_response(lambda response: response.url.endswith(link)) as opened:
        receipt_link.click()
    assert opened.value.ok
    assert opened.value.headers["content-type"] == "application/pdf"
    # Chromium shows a PDF served inline in its viewer, so the file is fetched with the
    # citizen's own session cookies.
    download = page.request.get(link)
    assert download.ok and download.headers["content-type"] == "application/pdf"
    text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(download.body())).pages)
    assert "Tám nghìn đồng" in text
    assert dossier.code in text
