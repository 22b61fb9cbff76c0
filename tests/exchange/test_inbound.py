"""Dossiers filed on the national portal arriving at POST /api/v1/national/dossiers/: one
dossier however often it is posted, waiting for the desk's check like an online filing,
found by either code; a malformed payload gets field-level errors and saves nothing; an
unknown partner is refused."""

import base64

import pytest

from dossiers.models import Dossier, Status
from dossiers.selectors import find_for_lookup
from tests.samples import sample_pdf

URL = "/api/v1/national/dossiers/"
KEY = "khoa-cua-cong-dvcqg"


@pytest.fixture
def partner(settings, world):
    settings.NATIONAL_INBOUND_KEYS = [f"dvcqg:{KEY}"]
    world.procedure.handling_units.add(world.ward)
    return world


def payload(world, **changes):
    body = {
        "MaHoSo": "G22.99-261202-000123",
        "MaTTHC": world.procedure.code,
        "DonViTiepNhan": world.ward.code,
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "001090000001",
        "SoDienThoai": "0912345678",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "TaiLieuNop": [
            {"TenTepDinhKem": "to-khai.pdf", "Base64": base64.b64encode(sample_pdf()).decode()}
        ],
    }
    return {**body, **changes}


def post(api_client, body, key=KEY):
    return api_client.post(URL, body, format="json", HTTP_X_PARTNER_KEY=key)


def test_posted_twice_is_one_dossier_waiting_for_the_desk(api_client, partner):
    first = post(api_client, payload(partner))
    again = post(api_client, payload(partner))
    assert first.status_code == again.status_code == 200, first.json()
    assert first.json()["error_code"] == 0 and first.json()["MaHoSo"] == again.json()["MaHoSo"]
    dossier = Dossier.objects.get()
    assert (dossier.external_code, dossier.status, dossier.channel) == (
        "G22.99-261202-000123",
        Status.SUBMITTED,
        "online",
    )
    assert dossier.receiving_unit == partner.ward
    assert dossier.attachments.get().original_name == "to-khai.pdf"
    assert find_for_lookup(dossier.external_code, "0912345678") == dossier


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"MaTTHC": "9.999999"}, "MaTTHC"),
        ({"DonViTiepNhan": "KHONG-CO"}, "DonViTiepNhan"),
        ({"SoDienThoai": ""}, "SoDienThoai"),
        ({"TaiLieuNop": [{"TenTepDinhKem": "a.pdf", "Base64": "!!!"}]}, "TaiLieuNop"),
        ({"MaHoSo": None}, "MaHoSo"),
    ],
)
def test_a_malformed_payload_gets_a_field_error_and_saves_nothing(
    api_client, partner, changes, field
):
    answer = post(api_client, payload(partner, **changes))
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert not Dossier.objects.exists()


def test_a_unit_that_does_not_receive_the_procedure_is_refused(api_client, partner):
    answer = post(api_client, payload(partner, DonViTiepNhan=partner.other_ward.code))
    assert answer.status_code == 400 and "DonViTiepNhan" in answer.json()


def test_a_file_that_is_no_document_is_refused(api_client, partner):
    junk = [{"TenTepDinhKem": "x.pdf", "Base64": base64.b64encode(b"plain text").decode()}]
    answer = post(api_client, payload(partner, TaiLieuNop=junk))
    assert answer.status_code == 400
    assert not Dossier.objects.exists()


def test_an_unknown_partner_is_refused(api_client, partner):
    assert post(api_client, payload(partner), key="sai").status_code in (401, 403)
    assert post(api_client, payload(partner), key="").status_code in (401, 403)
    assert not Dossier.objects.exists()
