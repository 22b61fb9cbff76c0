"""A desk officer's day in the browser: a counter intake ticked off on the checklist whose
receipt lists exactly the papers handed over; and one online filing — receive it from the
queue, print the receipt, transfer it to the justice office, and, once the office has
recorded the result, hand it back to the applicant."""

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, DossierComponent, Status
from dossiers.services import transitions
from dossiers.services.intake import file_online
from tests.browser.steps import log_in
from tests.procedures.factories import RequiredDocumentFactory
from tests.samples import pdf_upload, png_upload
from tests.world import build_world, intake_of

pytestmark = pytest.mark.browser


@pytest.fixture
def filing():
    world = build_world()
    dossier = file_online(
        world.citizen,
        intake_of(world.procedure, uploads=[pdf_upload(), png_upload()]),
        world.town,
    )
    return dossier, world


def test_counter_intake_ticks_the_checklist_and_the_receipt_lists_it(page, context, shots):
    world = build_world()
    RequiredDocumentFactory(
        procedure=world.procedure, name="Văn bản ủy quyền", is_required=False, order=3
    )
    form_paper, certificate, proxy = world.procedure.documents.order_by("order")
    log_in(page, shots, "desk")

    page.goto("/desk/intake/")
    page.locator("#id_procedure").fill("1.001193")
    page.locator("#id_applicant_name").fill("Trần Thị Bích")
    page.locator("#id_applicant_phone").fill("0912345678")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    checklist = page.locator("table.checklist")
    expect(checklist.locator("tr.checklist-row")).to_have_count(3)
    shots(page, "checklist shown")
    for paper in (form_paper, certificate):
        page.locator(f"#id_doc_{paper.pk}_handed").check()
    expect(page.locator(f"#id_doc_{proxy.pk}_handed")).not_to_be_checked()
    page.locator(f"#id_doc_{certificate.pk}_form").select_option("certified_copy")
    page.locator(f"#id_doc_{certificate.pk}_count").fill("2")
    shots(page, "checklist ticked")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("h1.code")).to_be_visible()
    dossier = Dossier.objects.get(channel="counter")
    expect(page.locator("h1.code")).to_have_text(dossier.code)
    shots(page, "received at the counter")
    handed = DossierComponent.objects.filter(dossier=dossier, handed_over=True)
    assert {c.document_id for c in handed} == {form_paper.pk, certificate.pk}

    with context.expect_page() as receipt_tab:
        page.locator(f'a[href="/print/{dossier.code}/receipt/"]').click()
    receipt = receipt_tab.value
    receipt.wait_for_load_state()
    rows = receipt.locator("table.form-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(rows.nth(0)).to_contain_text("01 Bản chính")
    expect(rows.nth(1)).to_contain_text("Giấy chứng sinh")
    expect(rows.nth(1)).to_contain_text("02 Bản sao có chứng thực")
    expect(receipt.locator("body")).not_to_contain_text("Văn bản ủy quyền")
    shots(receipt, "receipt lists the papers handed over")
    receipt.close()


def act(page, action, **fields):
    """Open the action's panel on the desk's dossier screen, fill it in and send it."""
    form = page.locator(f'form.action-form[action$="/{action}/"]')
    panel = page.locator("details.action").filter(has=form)
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for name, value in fields.items():
        form.locator(f'[name="{action}-{name}"]').select_option(value)
    form.get_by_role("button").click()


def test_desk_receives_prints_transfers_and_returns(page, context, shots, filing):
    dossier, world = filing
    log_in(page, shots, "desk")

    page.goto("/desk/queue/")
    row = page.locator("tr").filter(has_text=dossier.code)
    expect(row).to_be_visible()
    shots(page, "online queue")
    row.locator('form[action$="/receive/"]').get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text(dossier.code)
    shots(page, "received from the queue")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED

    page.goto(f"/desk/dossiers/{dossier.code}/")
    expect(page.locator("h1.code")).to_have_text(dossier.code)
    shots(page, "dossier screen")
    with context.expect_page() as receipt_tab:
        page.locator(f'a[href="/print/{dossier.code}/receipt/"]').click()
    receipt = receipt_tab.value
    receipt.wait_for_load_state()
    expect(receipt.locator("body")).to_contain_text(dossier.code)
    shots(receipt, "receipt to print")
    receipt.close()

    act(page, "transfer", to_unit=str(world.justice.pk))
    expect(page.locator(".messages")).to_contain_text(dossier.code)
    shots(page, "transferred")
    transferred = Dossier.objects.get(pk=dossier.pk)
    assert (transferred.status, transferred.handling_unit) == (
        Status.IN_PROGRESS,
        world.justice,
    )

    transitions.resolve(transferred, world.specialist, note="Đã cấp giấy khai sinh")
    page.reload()
    expect(page.locator(".status-box")).to_contain_text(re.compile(r"\S"))
    shots(page, "result ready")
    act(page, "return")
    expect(page.locator(".messages")).to_contain_text(dossier.code)
    shots(page, "result returned")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED
