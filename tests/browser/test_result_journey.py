"""An electronic result's journey in the browser: the desk scans a counter dossier's papers
one per line until it is fully digitised and transfers it to the justice office; the
specialist signs the result as the agency from the dossier page; the citizen downloads the
signed PDF from their dossier page; and the public verification page says it is valid —
and modified once one byte of it is changed."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from demo.results import sample_result_pdf
from dossiers.models import Dossier, ElectronicResult, Status, is_fully_digitised
from dossiers.services.components import ComponentEntry
from dossiers.services.intake import intake_at_counter
from tests.browser.steps import log_in
from tests.browser.test_desk_journey import act
from tests.dossiers.test_electronic_results import one_byte_changed
from tests.procedures.factories import RequiredDocumentFactory
from tests.samples import sample_pdf
from tests.world import intake_of

pytestmark = pytest.mark.browser


def in_vietnamese(text):
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def dossier(world):
    """A counter dossier of An's with three papers handed over and none of them scanned."""
    RequiredDocumentFactory(procedure=world.procedure, name="Giấy tờ tùy thân", order=3)
    papers = world.procedure.documents.order_by("order")
    assert len(papers) == 3
    applied = intake_of(world.procedure)
    applied.components = [ComponentEntry(document=paper) for paper in papers]
    return intake_at_counter(world.desk_officer, applied, applicant_user=world.citizen)


def scan_every_paper(page, shots, dossier):
    page.goto(f"/desk/dossiers/{dossier.code}/")
    panel = page.locator("section").filter(has=page.locator("table.components-table"))
    expect(panel.locator("p.notice")).to_contain_text("3")
    shots(page, "papers left to scan")
    for component in dossier.components.order_by("order"):
        scan = page.locator(f"#scan-{component.pk}")
        scan.set_input_files(
            {
                "name": f"quet-{component.pk}.pdf",
                "mimeType": "application/pdf",
                "buffer": sample_pdf(),
            }
        )
        page.locator("form.scan-form").filter(has=scan).locator('button[type="submit"]').click()
        expect(page.locator(".messages")).to_contain_text(component.name)
        expect(page.locator(f"#scan-{component.pk}")).to_have_count(0)
    expect(panel.locator("p.notice")).to_have_count(0)
    expect(panel).to_contain_text(
        in_vietnamese("Fully digitised: every paper received is scanned or exempt.")
    )
    expect(panel.locator('input[type="file"]')).to_have_count(0)
    shots(page, "fully digitised")


def issue_the_result(page, shots, dossier, result_file):
    page.goto(f"/desk/dossiers/{dossier.code}/")
    issuing = page.locator("details#issue-result")
    issuing.locator("summary").click()
    issuing.locator("#result-file").set_input_files(result_file)
    shots(page, "result chosen")
    issuing.get_by_role("button", name=in_vietnamese("Sign and issue")).click()
    expect(page.locator(".messages")).to_contain_text(
        in_vietnamese("The result is signed and delivered to the applicant.")
    )
    result = ElectronicResult.objects.get(dossier=dossier)
    files = page.locator("section").filter(has=page.locator("#files-title"))
    signed = files.locator("tr").filter(has=page.locator(".signed-mark"))
    expect(signed).to_have_count(1)
    expect(signed).to_contain_text(result.attachment.original_name)
    expect(signed.locator(".signed-mark")).to_have_text(in_vietnamese("Signed electronically"))
    expect(signed.locator(f'a[href="/verify/{result.public_id}/"]')).to_have_text(
        in_vietnamese("Verify")
    )
    shots(page, "result signed")
    return result


def download_the_result(page, shots, dossier, result, folder):
    page.goto(f"/dossiers/{dossier.code}/")
    item = page.locator("ul.files li").filter(has=page.locator(".signed-mark"))
    expect(item).to_have_count(1)
    expect(item.locator(f'a[href="/verify/{result.public_id}/"]')).to_be_visible()
    shots(page, "citizen sees the signed result")
    link = f"/attachments/{result.attachment_id}/"
    with page.expect_response(lambda response: response.url.endswith(link)) as opened:
        item.locator(f'a[href="{link}"]').click()
    assert opened.value.ok
    assert opened.value.headers["content-type"] == "application/pdf"
    # Chromium shows a PDF served inline in its viewer (the body Playwright sees is the
    # viewer's page), so the file is fetched with the citizen's own session cookies.
    download = page.request.get(link)
    assert download.ok
    path = folder / "ket-qua.pdf"
    path.write_bytes(download.body())
    return path


def verify(page, shots, path, step):
    page.goto("/verify/")
    page.locator("#verify-file").set_input_files(path)
    page.locator('form[action="/verify/"]').get_by_role(
        "button", name=in_vietnamese("Verify"), exact=True
    ).click()
    verdict = page.locator("section.verdict")
    expect(verdict).to_be_visible()
    shots(page, step)
    return verdict


def test_a_signed_result_from_scan_to_verification(
    page, context, shots, world, keys, dossier, tmp_path
):
    log_in(page, shots, "desk")
    scan_every_paper(page, shots, dossier)
    assert is_fully_digitised(dossier)
    act(page, "transfer", to_unit=str(world.justice.pk))
    expect(page.locator(".messages")).to_contain_text(dossier.code)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROGRESS

    context.clear_cookies()
    log_in(page, shots, "spec")
    result_file = tmp_path / "trich-luc.pdf"
    result_file.write_bytes(sample_result_pdf(dossier.code, world.town.name))
    result = issue_the_result(page, shots, dossier, result_file)

    context.clear_cookies()
    log_in(page, shots, "citizen")
    downloaded = download_the_result(page, shots, dossier, result, tmp_path)
    data = downloaded.read_bytes()
    assert data.startswith(b"%PDF")
    with result.attachment.file.open("rb") as stored:
        assert data == stored.read()

    verdict = verify(page, shots, downloaded, "verified valid")
    expect(verdict).to_have_class(re.compile(r"\bverdict-valid\b"))
    expect(verdict).to_contain_text(world.town.name)
    expect(verdict).to_contain_text(dossier.code)

    changed = tmp_path / "ket-qua-sua.pdf"
    changed.write_bytes(one_byte_changed(data))
    verdict = verify(page, shots, changed, "verified modified")
    expect(verdict).to_have_class(re.compile(r"\bverdict-modified\b"))
