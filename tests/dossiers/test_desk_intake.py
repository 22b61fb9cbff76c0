"""The counter intake form: fast happy path, and bad input kept with inline errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Attachment, Dossier, HeldUpload, Status
from procedures.models import Procedure
from tests.procedures.factories import ProcedureFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/desk/intake/"


def form_data(**overrides):
    data = {
        "procedure": "1.001193 — Đăng ký khai sinh",
        "channel": "counter",
        "applicant_kind": "person",
        "applicant_name": "  Trần   Thị Bích ",
        "applicant_phone": "0912 345 678",
        "applicant_id_number": "001090000001",
        "applicant_email": "bich@example.vn",
        "applicant_address": "Phường Lê Lợi",
        "summary": "Khai sinh cho con thứ hai",
        **checklist("1.001193"),
    }
    return {**data, **overrides}


def checklist(code, handed=True):
    """The checklist rows as the page posts them once shown: every paper handed over."""
    procedure = Procedure.objects.get(code=code)
    rows = {"checklist_for": str(procedure.pk)}
    for document in procedure.documents.all():
        if handed:
            rows[f"doc_{document.pk}_handed"] = "on"
        rows[f"doc_{document.pk}_form"] = "original"
        rows[f"doc_{document.pk}_count"] = "1"
    return rows


@pytest.fixture
def desk_client(client, world, clock):
    client.force_login(world.desk_officer)
    return client


def test_the_form_offers_published_procedures_and_focuses_the_first_field(desk_client, world):
    ProcedureFactory(code="9.000001", name="Thủ tục chưa công khai", published=False)
    html = desk_client.get(URL).content.decode()
    assert '<option value="1.001193 — Đăng ký khai sinh">' in html
    assert "9.000001" not in html
    assert 'list="procedure-options"' in html
    assert html.index("autofocus") < html.index('name="applicant_name"')
    assert 'enctype="multipart/form-data"' in html


def test_happy_path_receives_at_once_and_offers_the_receipt(desk_client, world):
    upload = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    response = desk_client.post(URL, {**form_data(), "files": [upload]})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/dossiers/{dossier.code}/"
    assert dossier.status == Status.RECEIVED
    assert (dossier.channel, dossier.receiving_unit) == ("counter", world.town)
    assert (dossier.applicant_name, dossier.applicant_phone) == ("Trần Thị Bích", "0912345678")
    assert dossier.due_at is not None
    assert dossier.attachments.get().content_type == "application/pdf"
    page = desk_client.get(response["Location"]).content.decode()
    assert f'href="/print/{dossier.code}/receipt/"' in page
    assert f'href="/print/{dossier.code}/receipt.pdf"' in page
    assert "In giấy tiếp nhận" in page


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("1.001193", "1.001193"),
        ("đăng ký khai sinh", "1.001193"),
        ("dang ky khai sinh", "1.001193"),
    ],
)
def test_the_procedure_may_be_typed_by_code_or_name(desk_client, world, typed, found):
    desk_client.post(URL, form_data(procedure=typed))
    assert Dossier.objects.get().procedure.code == found


def test_post_intake_is_recorded_by_its_channel(desk_client, world):
    desk_client.post(URL, form_data(channel="post"))
    assert Dossier.objects.get().channel == "post"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_name", "   ", "Nhập họ và tên người nộp hồ sơ."),
        ("applicant_phone", "12345", "Nhập số điện thoại Việt Nam hợp lệ"),
        ("procedure", "9.999999", "Không có thủ tục hành chính nào đang công khai"),
        ("applicant_id_number", "12ab", "Nhập số CCCD 12 chữ số"),
        ("applicant_email", "not-an-email", "Nhập địa chỉ thư điện tử hợp lệ"),
    ],
)
def test_bad_input_is_shown_inline_and_kept(desk_client, world, field, value, message):
    data = form_data(**{field: value})
    response = desk_client.post(URL, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    assert message in html
    assert "Khai sinh cho con thứ hai</textarea>" in html
    assert 'value="Phường Lê Lợi"' in html
    assert not Dossier.objects.exists()


def test_an_ambiguous_name_asks_to_pick_from_the_list(desk_client, world):
    ProcedureFactory(code="1.001194", name="Đăng ký khai sinh có yếu tố nước ngoài")
    response = desk_client.post(URL, form_data(procedure="khai sinh"))
    assert response.status_code == 200
    assert "Có nhiều thủ tục khớp" in str(response.context["form"].errors["procedure"])
    assert not Dossier.objects.exists()


def test_a_renamed_executable_is_refused_and_nothing_is_saved(desk_client, world):
    fake = SimpleUploadedFile("giay-to.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = desk_client.post(URL, {**form_data(), "files": [fake]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["files"]
    assert "giay-to.pdf" in errors["files"][0]
    assert not response.context["form"].kept  # the field asks for its files again
    assert not Dossier.objects.exists()
    assert not Attachment.objects.exists()
    assert not HeldUpload.objects.exists()


def test_scans_outlive_a_mistyped_phone(desk_client, world, django_capture_on_commit_callbacks):
    scans = [
        SimpleUploadedFile("to-khai.pdf", PDF),
        SimpleUploadedFile("cccd.pdf", PDF + b"% mat sau\n"),
    ]
    response = desk_client.post(URL, {**form_data(applicant_phone="09"), "files": scans})
    assert list(response.context["form"].errors) == ["applicant_phone"]
    kept = response.context["form"].kept["files"]
    page = response.content.decode()
    assert [f'name="kept-files" value="{item.key}"' in page for item in kept] == [True, True]
    assert "Các bản quét đạt yêu cầu đã được giữ lại" in page

    again = {**form_data(), "kept-files": [str(item.key) for item in kept]}
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(URL, again)

    assert response.status_code == 302
    attachments = Dossier.objects.get().attachments.order_by("original_name")
    assert [a.original_name for a in attachments] == ["cccd.pdf", "to-khai.pdf"]
    assert not HeldUpload.objects.exists()


def test_a_staff_member_who_is_not_a_desk_officer_gets_the_services_reason(client, world, clock):
    client.force_login(world.specialist)
    response = client.post(URL, form_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Dossier.objects.exists()
