"""A citizen's whole journey in the browser: find the procedure typing without accents,
sign up, file online with real files, keep the code, follow it on the public lookup page,
and rate the service once the desk has handed the result back."""

import re

import pytest
from playwright.sync_api import expect

from core.sms import LoggingSmsBackend
from dossiers.models import Dossier, Rating, Status
from dossiers.services import transitions
from tests.samples import sample_pdf, sample_png
from tests.world import BIRTH_REGISTRATION, build_world

pytestmark = pytest.mark.browser

PHONE = "0903123456"
PASSWORD = "Lua-gao-2026"


@pytest.fixture
def town():
    return build_world()


def upload(name, mime, content):
    return {"name": name, "mimeType": mime, "buffer": content}


def find_the_procedure(page, shots):
    page.goto("/")
    shots(page, "home")
    page.locator("#id_q").fill("dang ky khai sinh")
    page.locator("form.home-search").get_by_role("button").click()
    result = page.locator(".procedure-list").get_by_role("link", name="Đăng ký khai sinh")
    expect(result).to_be_visible()
    shots(page, "search without accents")
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký khai sinh")
    shots(page, "procedure page")


def sign_up_on_the_way_to_filing(page, shots):
    page.locator(f'a[href="/dossiers/file/{BIRTH_REGISTRATION}/"]').first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    shots(page, "login asked")
    page.locator('a[href^="/accounts/signup/"]').last.click()
    page.locator("#id_full_name").fill("Phạm Thị Hoa")
    page.locator("#id_phone").fill(PHONE)
    page.locator("#id_email").fill("hoa@example.vn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shots(page, "sign up")
    page.locator("form.panel").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/confirm/$"))
    phone, text = LoggingSmsBackend.sent[-1]
    assert phone == PHONE
    page.locator("#id_code").fill(re.search(r"\b\d{6}\b", text).group())
    shots(page, "sign-up code")
    page.locator("form.panel").get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/dossiers/file/{re.escape(BIRTH_REGISTRATION)}/$"))


def file_online(page, shots, town_unit):
    """A first attempt with a mistyped ID number comes back with the error and the chosen
    files kept; correcting the number alone files the dossier."""
    page.locator("#id_receiving_unit").select_option(str(town_unit.pk))
    expect(page.locator("#id_applicant_phone")).to_have_value(PHONE)
    page.locator("#id_applicant_id_number").fill("00119000012")
    page.locator("#id_summary").fill("Khai sinh cho con gái Phạm Thu An")
    slots = page.locator('input[type="file"]')
    expect(slots).to_have_count(2)
    slots.nth(0).set_input_files(upload("to-khai.pdf", "application/pdf", sample_pdf()))
    slots.nth(1).set_input_files(upload("giay-chung-sinh.png", "image/png", sample_png()))
    shots(page, "filing form")
    submit = page.get_by_role("button", name=re.compile("Nộp hồ sơ|Submit"))
    submit.click()
    expect(page.locator("#id_applicant_id_number_error")).to_be_visible()
    expect(page.locator(".kept-upload")).to_have_count(2)
    expect(page.locator(".kept-upload").nth(1)).to_contain_text("giay-chung-sinh.png")
    shots(page, "filing form with an error, files kept")
    page.locator("#id_applicant_id_number").fill("001190000123")
    submit.click()
    code = page.locator(".dossier-code")
    expect(code).to_have_text(re.compile(r"^H26\.45-\d{6}-\d{4}$"))
    shots(page, "dossier code")
    return code.inner_text().strip()


def look_up(page, shots, code):
    page.goto("/lookup/")
    page.locator("#id_code").fill(code)
    page.locator("#id_phone").fill(PHONE)
    page.locator("form.panel").get_by_role("button").click()
    expect(page.locator("#result-title")).to_have_text(code)
    shots(page, "public lookup")


def desk_hands_back(code, world):
    dossier = Dossier.objects.get(code=code)
    desk, spec = world.desk_officer, world.specialist
    dossier = transitions.receive(dossier, desk)
    dossier = transitions.transfer(dossier, desk, to_unit=world.justice)
    dossier = transitions.resolve(dossier, spec, note="Đã cấp giấy khai sinh")
    return transitions.return_result(dossier, desk)


def rate(page, shots, code):
    page.goto(f"/dossiers/{code}/")
    rating = page.locator("#rate")
    expect(rating).to_be_visible()
    rating.locator('input[type="radio"][value="very_satisfied"]').check()
    rating.locator("textarea").fill("Nhanh, đúng hẹn.")
    shots(page, "rating")
    rating.get_by_role("button").click()
    expect(page.locator("#rated-title")).to_be_visible()
    shots(page, "rated")


def test_citizen_files_online_follows_and_rates(page, shots, town):
    world = town
    find_the_procedure(page, shots)
    sign_up_on_the_way_to_filing(page, shots)
    code = file_online(page, shots, world.town)

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED
    assert sorted(a.content_type for a in dossier.attachments.all()) == [
        "application/pdf",
        "image/png",
    ]
    look_up(page, shots, code)

    assert desk_hands_back(code, world).status == Status.RETURNED
    look_up(page, shots, code)
    rate(page, shots, code)
    assert Rating.objects.get(dossier__code=code).level == "very_satisfied"
