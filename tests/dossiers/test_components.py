"""Components: the counter checklist (page and API), online filing, the receipt and the
supplement request listing exactly what was handed over (or is missing), and the time
limits a dossier is received under."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from dossiers.models import Dossier, DossierComponent
from dossiers.printing.components import received_documents
from dossiers.services import transitions
from dossiers.services.attachments import Upload
from dossiers.services.components import ComponentEntry, ComponentsError, DeskLimit
from dossiers.services.errors import TransitionError
from dossiers.services.intake import file_online, intake_at_counter
from procedures.models import DocumentKind
from tests.dossiers.conftest import intake
from tests.dossiers.test_print_forms import pdf_text
from tests.procedures.factories import RequiredDocumentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/desk/intake/"
NOTE = "Người tiếp nhận có trách nhiệm kiểm tra, đối chiếu bản chụp với bản chính"
CONDITION = "Văn bản ủy quyền trong trường hợp ủy quyền"


@pytest.fixture
def papers(world):
    """The world's two required papers, a condition nobody brings and a Lưu ý note."""
    form = RequiredDocumentFactory(
        procedure=world.procedure, name="Tờ khai đăng ký khai sinh", originals=1, order=1
    )
    certificate = RequiredDocumentFactory(
        procedure=world.procedure, name="Giấy chứng sinh", originals=1, copies=1, order=2
    )
    RequiredDocumentFactory(
        procedure=world.procedure,
        name=CONDITION,
        is_required=False,
        kind=DocumentKind.CONDITION,
        order=3,
    )
    RequiredDocumentFactory(
        procedure=world.procedure,
        name=NOTE,
        case="Lưu ý",
        originals=0,
        is_required=False,
        kind=DocumentKind.NOTE,
        order=4,
    )
    return form, certificate


def page_body(world, rows, **extra):
    body = {
        "procedure": "1.001193",
        "channel": "counter",
        "applicant_kind": "person",
        "applicant_name": "Trần Thị Bích",
        "applicant_phone": "0912345678",
        "checklist_for": str(world.procedure.pk),
        **extra,
    }
    for paper in world.procedure.documents.exclude(kind=DocumentKind.NOTE):
        handed, form, count = rows.get(paper.pk, (False, "original", 1))
        if handed:
            body[f"doc_{paper.pk}_handed"] = "on"
        body[f"doc_{paper.pk}_form"] = form
        body[f"doc_{paper.pk}_count"] = str(count)
    return body


class TestCounterChecklist:
    def test_the_page_lists_papers_not_notes_and_prefills_the_required(
        self, client, world, clock, papers
    ):
        client.force_login(world.desk_officer)
        response = client.post(URL, {"procedure": "1.001193", "applicant_name": "An"})
        html = response.content.decode()
        assert response.status_code == 200
        assert not Dossier.objects.exists()
        assert "Kiểm tra các giấy tờ đã nộp" in html
        assert CONDITION in html and NOTE not in html
        form, _certificate = papers
        assert f'name="doc_{form.pk}_handed" id="id_doc_{form.pk}_handed" checked' in html
        assert html.count("required-row") == 2

    def test_a_checklist_produces_a_receipt_of_exactly_what_was_handed_over(
        self, client, world, clock, papers
    ):
        form, certificate = papers
        scan = SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
        body = page_body(
            world, {form.pk: (True, "original", 1), certificate.pk: (True, "certified_copy", 2)}
        )
        client.force_login(world.desk_officer)
        response = client.post(URL, {**body, f"doc_{certificate.pk}_scan": scan})
        assert response.status_code == 302
        dossier = Dossier.objects.get()
        rows = {c.document_id: c for c in dossier.components.all()}
        assert len(rows) == 3  # the note is no component
        assert (rows[certificate.pk].form, rows[certificate.pk].count) == ("certified_copy", 2)
        assert rows[certificate.pk].digitised and rows[certificate.pk].scan.sha256
        assert not rows[form.pk].digitised
        html = client.get(f"/print/{dossier.code}/receipt/").content.decode()
        assert "Tờ khai đăng ký khai sinh" in html and "01 Bản chính" in html
        assert "Giấy chứng sinh" in html and "02 Bản sao có chứng thực" in html
        assert "giay-chung-sinh.pdf" in html
        assert CONDITION not in html and NOTE not in html
        assert html.count('<td class="number">') == 2
        text = pdf_text(client.get(f"/print/{dossier.code}/receipt.pdf").content)
        assert "02 Bản sao có chứng thực" in text and "01 Bản chính" in text
        assert "ủy quyền" not in text and "đối chiếu bản chụp" not in text

    def test_a_required_paper_not_handed_over_is_refused_on_its_row(
        self, client, world, clock, papers
    ):
        form, certificate = papers
        client.force_login(world.desk_officer)
        response = client.post(URL, page_body(world, {form.pk: (True, "original", 1)}))
        assert response.status_code == 200
        assert not Dossier.objects.exists()
        errors = response.context["form"].errors
        assert list(errors) == [f"doc_{certificate.pk}_handed"]
        assert "“Giấy chứng sinh” là giấy tờ bắt buộc" in errors[f"doc_{certificate.pk}_handed"][0]

    def test_a_reused_paper_is_recorded_and_needs_neither_paper_nor_scan(
        self, client, world, clock, papers
    ):
        form, certificate = papers
        body = page_body(world, {form.pk: (True, "original", 1)})
        client.force_login(world.desk_officer)
        page = client.post(URL, {"procedure": "1.001193"}).content.decode()
        assert f'name="doc_{certificate.pk}_reused"' in page and "Dùng lại dữ liệu đã có" in page
        response = client.post(URL, {**body, f"doc_{certificate.pk}_reused": "on"})
        assert response.status_code == 302
        stored = DossierComponent.objects.get(document=certificate)
        assert (stored.reused, stored.handed_over, stored.scan) == (True, True, None)
        assert not DossierComponent.objects.get(document=form).reused

    def test_a_bad_count_or_scan_is_shown_on_its_row(self, client, world, clock, papers):
        form, certificate = papers
        exe = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" * 20, content_type="application/pdf")
        body = page_body(world, {form.pk: (True, "original", 0), certificate.pk: (True, "copy", 1)})
        client.force_login(world.desk_officer)
        response = client.post(URL, {**body, f"doc_{certificate.pk}_scan": exe})
        errors = response.context["form"].errors
        assert f"doc_{form.pk}_count" in errors and f"doc_{certificate.pk}_scan" in errors
        assert not Dossier.objects.exists()


class TestApi:
    API = "/api/v1/dossiers/"

    def body(self, **extra):
        applicant = {"kind": "person", "name": "Trần Thị Bích", "phone": "0912345678"}
        return {"procedure": "1.001193", "applicant": applicant, **extra}

    def test_components_are_recorded_with_form_and_count(self, api_client, world, clock, papers):
        form, certificate = papers
        api_client.force_authenticate(world.desk_officer)
        components = [
            {"document": form.pk, "form": "original", "count": 1},
            {"document": certificate.pk, "form": "copy", "count": 3},
        ]
        response = api_client.post(self.API, self.body(components=components), format="json")
        assert response.status_code == 201, response.json()
        stored = DossierComponent.objects.get(document=certificate)
        assert (stored.handed_over, stored.form, stored.count) == (True, "copy", 3)
        assert not DossierComponent.objects.get(document__name=CONDITION).handed_over

    def test_a_reused_paper_is_recorded(self, api_client, world, clock, papers):
        form, certificate = papers
        api_client.force_authenticate(world.desk_officer)
        components = [
            {"document": form.pk},
            {"document": certificate.pk, "handed_over": False, "reused": True},
        ]
        response = api_client.post(self.API, self.body(components=components), format="json")
        assert response.status_code == 201, response.json()
        stored = DossierComponent.objects.get(document=certificate)
        assert (stored.reused, stored.handed_over) == (True, True)
        assert not DossierComponent.objects.get(document=form).reused
        bad = [{"document": form.pk, "reused": "maybe"}, {"document": certificate.pk}]
        response = api_client.post(self.API, self.body(components=bad), format="json")
        assert response.status_code == 400
        assert "reused" in str(response.json()["components"]), response.json()

    def test_a_missing_required_paper_is_refused_per_document(
        self, api_client, world, clock, papers
    ):
        form, certificate = papers
        api_client.force_authenticate(world.desk_officer)
        components = [{"document": form.pk}, {"document": certificate.pk, "count": 0}]
        response = api_client.post(self.API, self.body(components=components), format="json")
        assert response.status_code == 400
        assert "count" in str(response.json()["components"])
        response = api_client.post(
            self.API, self.body(components=[{"document": form.pk}]), format="json"
        )
        assert response.status_code == 400
        assert list(response.json()["components"]) == [str(certificate.pk)]
        assert not Dossier.objects.exists()

    def test_the_old_body_still_works(self, api_client, world, clock, papers):
        api_client.force_authenticate(world.desk_officer)
        response = api_client.post(self.API, self.body(), format="json")
        assert response.status_code == 201
        handed = DossierComponent.objects.filter(handed_over=True).count()
        assert handed == 2  # the required papers of a complete dossier


def test_online_filing_fills_the_components_from_its_uploads(world, clock, papers):
    form, certificate = papers
    data = intake(world)
    data.uploads = [Upload(SimpleUploadedFile("to-khai.pdf", PDF), document=form)]
    dossier = file_online(world.citizen, data, world.town)
    rows = {c.document_id: c for c in dossier.components.all()}
    assert (rows[form.pk].handed_over, rows[form.pk].digitised, rows[form.pk].form) == (
        True,
        True,
        "copy",
    )
    assert not rows[certificate.pk].handed_over


def test_the_supplement_request_lists_the_missing_papers(client, world, clock, papers):
    _form, _certificate = papers
    data = intake(world)
    dossier = file_online(world.citizen, data, world.town)
    dossier = transitions.request_supplement(dossier, world.desk_officer, "Thiếu giấy tờ")
    client.force_login(world.desk_officer)
    html = client.get(f"/print/{dossier.code}/supplement/").content.decode()
    assert "Giấy tờ còn thiếu" in html
    assert "Giấy chứng sinh" in html and CONDITION not in html and NOTE not in html


def test_the_receipt_list_costs_the_same_at_two_sizes(world, clock, django_assert_num_queries):
    def received(count):
        for number in range(count):
            RequiredDocumentFactory(procedure=world.procedure, name=f"Giấy {count}-{number}")
        dossier = intake_at_counter(world.desk_officer, intake(world))
        return Dossier.objects.select_related("procedure_version").get(pk=dossier.pk)

    small, large = received(1), received(20)
    with django_assert_num_queries(2):
        assert len(received_documents(small)) == 1
    with django_assert_num_queries(2):
        assert len(received_documents(large)) == 21


def test_a_checklist_entry_of_another_procedure_is_refused(world, clock):
    other = RequiredDocumentFactory(procedure=world.town_procedure, name="Đơn")
    data = intake(world)
    data.components = [ComponentEntry(document=other)]
    with pytest.raises(ComponentsError) as refused:
        intake_at_counter(world.desk_officer, data)
    assert other.pk in refused.value.errors


class TestTimeLimits:
    def unstated(self, world):
        world.procedure.time_limit_stated = False
        world.procedure.channel_terms = []
        world.procedure.save()
        return world.procedure

    def test_a_procedure_stating_no_limit_is_refused(self, world, clock):
        self.unstated(world)
        with pytest.raises(TransitionError) as refused:
            intake_at_counter(world.desk_officer, intake(world))
        assert "chưa quy định thời hạn" in refused.value.message
        with pytest.raises(TransitionError):
            file_online(world.citizen, intake(world), world.town)
        assert not Dossier.objects.exists()

    def test_the_desk_may_set_a_limit_with_a_reason(self, world, clock):
        self.unstated(world)
        data = intake(world)
        data.desk_limit = DeskLimit(Decimal(5), "working_days", "")
        with pytest.raises(TransitionError) as refused:
            intake_at_counter(world.desk_officer, data)
        assert refused.value.field == "limit_reason"
        data.desk_limit = DeskLimit(Decimal(5), "working_days", "Theo ghi chú của thủ tục")
        dossier = intake_at_counter(world.desk_officer, data)
        assert (dossier.limit_amount, dossier.limit_unit) == (Decimal(5), "working_days")
        assert dossier.limit_reason == "Theo ghi chú của thủ tục"
        assert dossier.events.get().note == "Theo ghi chú của thủ tục"

    def test_the_page_accepts_a_desk_limit(self, client, world, clock):
        self.unstated(world)
        client.force_login(world.desk_officer)
        body = page_body(world, {})
        response = client.post(URL, body)
        assert "limit_amount" in response.context["form"].errors
        body.update(limit_amount="3", limit_unit="working_days", limit_reason="Giai đoạn 3 ngày")
        assert client.post(URL, body).status_code == 302
        assert Dossier.objects.get().limit_reason == "Giai đoạn 3 ngày"

    def test_a_stated_limit_cannot_be_replaced_by_the_desk(self, world, clock):
        data = intake(world)
        data.desk_limit = DeskLimit(Decimal(1), "working_days", "Nhanh")
        with pytest.raises(TransitionError):
            intake_at_counter(world.desk_officer, data)

    def test_a_same_day_dossier_keeps_the_cut_off_in_force_at_intake(self, world, clock):
        world.procedure.channel_terms = []
        world.procedure.time_limit_unit, world.procedure.same_day_cutoff = "same_day", None
        world.procedure.save()
        with override_settings(ONESTOP_SAME_DAY_CUTOFF="14:00"):
            dossier = intake_at_counter(world.desk_officer, intake(world))
        assert dossier.limit_cutoff == time(14)
        with override_settings(ONESTOP_SAME_DAY_CUTOFF="16:00"):
            assert Dossier.objects.get(pk=dossier.pk).limit_cutoff == time(14)
