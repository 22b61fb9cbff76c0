"""The official forms of a dossier: what each one says, who may print it, and the PDF."""

import io
import os
import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from pypdf import PdfReader

from core.qr import qr_svg
from core.workdays import TZ
from dossiers.printing.words import date_words, place_name, time_words
from dossiers.services import transitions
from dossiers.services.attachments import Upload
from dossiers.services.intake import intake_at_counter
from procedures.models import WorkflowStep
from tests.dossiers.conftest import intake
from tests.factories import UnitFactory
from tests.procedures.factories import RequiredDocumentFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args):
    return datetime(*args, tzinfo=TZ)


def page(client, user, dossier, form):
    client.force_login(user)
    return client.get(f"/print/{dossier.code}/{form}/")


def text_of(response):
    return response.content.decode()


@pytest.fixture
def officer(world):
    """The desk officer, with a name that differs from the applicant's."""
    world.desk_officer.first_name, world.desk_officer.last_name = "Bình", "Trần Thị"
    world.desk_officer.save()
    return world.desk_officer


@pytest.fixture
def received(world, officer, clock):
    """A counter intake on Mon 23/11/2026 09:00 (due Fri 27/11 09:00, Tue 24/11 being
    Culture Day) with two required documents and one optional, one of them uploaded."""
    form = RequiredDocumentFactory(
        procedure=world.procedure, name="Tờ khai đăng ký khai sinh", originals=1, copies=0
    )
    RequiredDocumentFactory(
        procedure=world.procedure, name="Giấy chứng sinh", originals=1, copies=1
    )
    RequiredDocumentFactory(
        procedure=world.procedure, name="Giấy tờ ủy quyền", originals=1, is_required=False
    )
    upload = Upload(SimpleUploadedFile("to-khai.pdf", PDF_BYTES), document=form)
    data = intake(world)
    data.uploads = [upload]
    return intake_at_counter(officer, data, applicant_user=world.citizen)


@pytest.fixture
def handled(world, received):
    """The received dossier handed to the justice office."""
    return transitions.transfer(received, world.desk_officer, to_unit=world.justice)


class TestWording:
    def test_dates_follow_the_rules_of_administrative_documents(self):
        assert date_words(at(2026, 1, 5, 9)) == "ngày 05 tháng 01 năm 2026"
        assert date_words(at(2026, 11, 23, 9)) == "ngày 23 tháng 11 năm 2026"
        assert time_words(at(2026, 3, 9, 14, 5)) == "14 giờ 05 phút, ngày 09 tháng 3 năm 2026"

    @pytest.mark.parametrize(
        ("name", "place"),
        [
            ("Thị xã Sơn Tây", "Sơn Tây"),
            ("Phường Lê Lợi", "Lê Lợi"),
            ("Xã Thanh Mỹ", "Thanh Mỹ"),
            ("Thành phố Hà Nội", "Hà Nội"),
            ("Hà Nội", "Hà Nội"),
        ],
    )
    def test_the_place_drops_the_kind_of_unit(self, name, place, db):
        assert place_name(UnitFactory.build(name=name)) == place


class TestReceipt:
    def test_carries_every_field_of_form_01(self, client, world, officer, received):
        response = page(client, officer, received, "receipt")
        assert response.status_code == 200
        html = text_of(response)
        for expected in [
            "Mẫu số 01",
            "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY",
            "MỘT CỬA",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Sơn Tây, ngày 23 tháng 11 năm 2026",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            received.code,
            "Nguyễn Văn An",
            "001090000001",
            "0912345678",
            "Đăng ký khai sinh",
            "3 ngày làm việc",
            "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23 tháng 11 năm 2026",
            "09 giờ 00 phút, ngày 27 tháng 11 năm 2026",
            "Nhận kết quả tại",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Trần Thị Bình",
        ]:
            assert expected in html, expected

    def test_lists_the_documents_with_originals_copies_and_files(self, client, officer, received):
        html = text_of(page(client, officer, received, "receipt"))
        assert "Tờ khai đăng ký khai sinh" in html
        assert "to-khai.pdf" in html
        assert "Giấy chứng sinh" in html
        assert "01 Bản chính" in html
        # An optional document nothing was filed for is not claimed as received.
        assert "Giấy tờ ủy quyền" not in html

    def test_qr_code_opens_the_public_lookup(self, client, officer, received):
        html = text_of(page(client, officer, received, "receipt"))
        url = f"http://testserver/lookup/?code={received.code}"
        assert escape(url) in html
        # The same input gives the same drawing: the QR code encodes the lookup URL.
        drawing = re.search(r' d="([^"]+)"', str(qr_svg(url))).group(1)
        assert drawing in html
        assert 'role="img"' in html

    def test_an_online_filing_not_yet_received_has_no_receipt(self, client, world, make):
        submitted = make("submitted")
        response = page(client, world.desk_officer, submitted, "receipt")
        assert response.status_code == 404
        assert "Hồ sơ chưa được tiếp nhận" in text_of(response)

    def test_an_online_filing_gets_its_receipt_when_received(self, client, world, make, clock):
        submitted = make("submitted")
        clock.shift(timedelta(hours=1))
        transitions.receive(submitted, world.desk_officer)
        html = text_of(page(client, world.desk_officer, submitted, "receipt"))
        assert "Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 23 tháng 11 năm 2026" in html


class TestOtherForms:
    def test_supplement_request(self, client, world, handled, clock):
        clock.shift(timedelta(hours=2))
        transitions.request_supplement(handled, world.specialist, "Bổ sung bản sao sổ hộ khẩu")
        response = page(client, world.specialist, handled, "supplement")
        assert response.status_code == 200
        html = text_of(response)
        for expected in [
            "Mẫu số 02",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            # Issued by the specialist's office, under the town's committee.
            "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY",
            "PHÒNG TƯ PHÁP",
            "Bổ sung bản sao sổ hộ khẩu",
            "11 giờ 00 phút, ngày 23 tháng 11 năm 2026",
            "không tính vào thời hạn giải quyết",
            "NGƯỜI HƯỚNG DẪN",
            "Nguyễn Văn An",
        ]:
            assert expected in html, expected

    def test_refusal_carries_the_reason(self, client, world, make, clock):
        dossier = make("submitted")
        clock.shift(timedelta(hours=1))
        transitions.refuse(dossier, world.desk_officer, "Không thuộc thẩm quyền giải quyết")
        html = text_of(page(client, world.desk_officer, dossier, "refusal"))
        for expected in [
            "Mẫu số 03",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "Không thuộc thẩm quyền giải quyết",
            "Sơn Tây, ngày 23 tháng 11 năm 2026",
            dossier.code,
        ]:
            assert expected in html, expected

    def test_apology_with_the_new_appointment(self, client, world, handled, clock):
        clock.shift(timedelta(days=2))  # Wed 25/11, before the due time
        transitions.apologize(
            handled, world.specialist, "Cần xác minh thêm", at(2026, 12, 2, 16, 30)
        )
        html = text_of(page(client, world.specialist, handled, "apology"))
        for expected in [
            "Mẫu số 04",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Kính gửi",
            "Cần xác minh thêm",
            "09 giờ 00 phút, ngày 27 tháng 11 năm 2026",  # the previous appointment
            "16 giờ 30 phút, ngày 02 tháng 12 năm 2026",  # the new one
            "Sơn Tây, ngày 25 tháng 11 năm 2026",
            "THỦ TRƯỞNG CƠ QUAN",
        ]:
            assert expected in html, expected

    def test_stop_notice_after_a_withdrawal_quotes_the_request(self, client, world, handled):
        transitions.request_withdrawal(handled, world.citizen, "Tôi đã làm thủ tục ở nơi khác")
        transitions.stop(handled, world.specialist, "Người nộp rút hồ sơ")
        html = text_of(page(client, world.specialist, handled, "stop"))
        for expected in [
            "Mẫu số 05",
            "THÔNG BÁO",
            "Về việc dừng giải quyết hồ sơ",
            "Tôi đã làm thủ tục ở nơi khác",
            "Người nộp rút hồ sơ",
        ]:
            assert expected in html, expected

    def test_tracking_slip_judges_each_step(self, client, world, officer, clock):
        WorkflowStep.objects.create(
            procedure=world.procedure, order=1, name="Thụ lý", unit=world.justice, share=50
        )
        WorkflowStep.objects.create(
            procedure=world.procedure, order=2, name="Phê duyệt", unit=world.town, share=50
        )
        dossier = intake_at_counter(officer, intake(world))
        dossier = transitions.transfer(dossier, officer)  # step 1 due Wed 25/11 14:00
        clock.move_to(at(2026, 11, 25, 10))
        dossier = transitions.transfer(dossier, world.specialist)  # step 1 early-ish: same day
        clock.move_to(at(2026, 11, 30, 9))  # step 2 (12 h from Wed 10:00) was due Thu 15:00
        dossier = transitions.resolve(dossier, world.admin)
        response = page(client, officer, dossier, "tracking")
        assert response.status_code == 200
        rows = re.findall(r"<tr>\s*<td class=\"number\">(.*?)</tr>", text_of(response), re.S)
        assert len(rows) == 4  # intake, two hand-overs, resolution
        assert "Tiếp nhận hồ sơ tại Bộ phận Một cửa" in rows[0]
        assert "Trần Thị Bình" in rows[0]
        assert "Thụ lý" in rows[1] and "Phòng Tư pháp" in rows[1]
        assert "Đúng hạn" in rows[1]  # handed on at 10:00, due 14:00 the same day
        assert "Phê duyệt" in rows[2] and "Quá hạn" in rows[2]
        assert "Có kết quả giải quyết" in rows[3] and "Quá hạn" in rows[3]
        html = text_of(response)
        assert "Mẫu số 06" in html
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html

    def test_the_applicants_supplement_time_does_not_make_a_step_late(
        self, client, world, officer, clock
    ):
        WorkflowStep.objects.create(
            procedure=world.procedure, order=1, name="Thụ lý", unit=world.justice, share=50
        )
        WorkflowStep.objects.create(
            procedure=world.procedure, order=2, name="Phê duyệt", unit=world.town, share=50
        )
        dossier = intake_at_counter(officer, intake(world), applicant_user=world.citizen)
        dossier = transitions.transfer(dossier, officer)  # step 1 due Wed 25/11 14:00
        clock.move_to(at(2026, 11, 25, 9))  # 4 working hours of the step left
        dossier = transitions.request_supplement(dossier, world.specialist, "Thiếu tờ khai")
        clock.move_to(at(2026, 11, 30, 9))  # supplemented: the step is now due 14:00
        dossier = transitions.supplement(dossier, world.citizen, "Đã nộp")
        clock.move_to(at(2026, 11, 30, 11))  # after the first due time, before the moved one
        dossier = transitions.transfer(dossier, world.specialist)
        rows = re.findall(
            r"<tr>\s*<td class=\"number\">(.*?)</tr>",
            text_of(page(client, officer, dossier, "tracking")),
            re.S,
        )
        assert "Thụ lý" in rows[1] and "Đúng hạn" in rows[1]
        assert "Quá hạn" not in "".join(rows)
        assert "Đang xử lý" in rows[4]  # step 2 runs

    def test_a_step_still_running_is_in_progress(self, client, world, officer, received):
        WorkflowStep.objects.create(
            procedure=world.procedure, order=1, name="Thẩm định", unit=world.justice, share=100
        )
        transitions.transfer(received, officer)
        html = text_of(page(client, officer, received, "tracking"))
        assert "Đang xử lý" in html

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            ("supplement", "chưa có yêu cầu bổ sung"),
            ("refusal", "không bị từ chối"),
            ("apology", "chưa có phiếu xin lỗi"),
            ("stop", "không bị dừng giải quyết"),
        ],
    )
    def test_a_form_that_does_not_apply_yet_is_a_404_saying_why(
        self, client, officer, received, form, message
    ):
        response = page(client, officer, received, form)
        assert response.status_code == 404
        assert message in text_of(response)


class TestAccess:
    def test_the_applicant_may_print_their_receipt(self, client, world, received):
        assert page(client, world.citizen, received, "receipt").status_code == 200

    @pytest.mark.parametrize("who", ["other_citizen", "other_ward_desk", "ward_specialist"])
    def test_others_get_a_404(self, client, world, received, who):
        user = getattr(world, who)
        assert page(client, user, received, "receipt").status_code == 404
        client.force_login(user)
        assert client.get(f"/print/{received.code}/receipt.pdf").status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, client, received):
        response = client.get(f"/print/{received.code}/receipt/")
        assert response.status_code == 302
        assert "login" in response["Location"]

    def test_unknown_forms_and_codes_are_404(self, client, officer, received):
        client.force_login(officer)
        assert client.get(f"/print/{received.code}/passport/").status_code == 404
        assert client.get("/print/H26.45-000000-9999/receipt/").status_code == 404
        assert client.get("/print/H26.45-000000-9999/receipt.pdf").status_code == 404


def pdf_text(content):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return unicodedata.normalize("NFC", text)


class TestPdf:
    def test_receipt_pdf_keeps_the_vietnamese_text(self, client, officer, received):
        client.force_login(officer)
        response = client.get(f"/print/{received.code}/receipt.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        _keep_artifact(f"receipt-{received.code}.pdf", response.content)
        text = pdf_text(response.content)
        for expected in [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Nguyễn Văn An",
            received.code,
            "Đăng ký khai sinh",
            "Trần Thị Bình",
        ]:
            assert expected in text, expected

    def test_the_pdf_uses_the_noto_serif_face(self, client, officer, received):
        client.force_login(officer)
        reader = PdfReader(io.BytesIO(client.get(f"/print/{received.code}/receipt.pdf").content))
        fonts = {
            str(font["/BaseFont"])
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert any("Noto-Serif" in name for name in fonts), fonts

    def test_tracking_slip_pdf(self, client, officer, handled):
        client.force_login(officer)
        response = client.get(f"/print/{handled.code}/tracking.pdf")
        assert response.status_code == 200
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in pdf_text(response.content)

    def test_a_form_that_does_not_apply_has_no_pdf(self, client, officer, received):
        client.force_login(officer)
        assert client.get(f"/print/{received.code}/apology.pdf").status_code == 404


def _keep_artifact(name, content):
    """Leave the rendered PDF for a human to look at when the run collects artifacts."""
    folder = os.environ.get("ARTIFACTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)
