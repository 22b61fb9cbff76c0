"""The citizen's document store: a citizen adds, lists, downloads and deletes their own
papers (page and API); another account gets 404; a stored birth certificate is reused in a
new online filing without an upload (and at the counter with consent), recorded and counted
as reused; nobody reuses someone else's."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import CitizenDocument, Dossier, DossierComponent
from dossiers.reporting.digitisation import digitisation_figures
from dossiers.services.errors import TransitionError
from dossiers.services.intake import intake_at_counter
from dossiers.services.store import Reuse, StoredPaper, add_document
from tests.dossiers.conftest import intake
from tests.dossiers.test_api import logged_in
from tests.dossiers.test_citizen_filing import field, url
from tests.dossiers.test_citizen_filing import filing as filing_page
from tests.dossiers.test_components import page_body
from tests.procedures.factories import RequiredDocumentFactory
from tests.samples import pdf_upload, png_upload
from tests.world import NOW

STORE = "/dossiers/mine/store/"
API = "/api/v1/me/documents/"
BIRTH = StoredPaper("Giấy khai sinh", "123/2020", "UBND phường Tân Phong", date(2020, 5, 1))


@pytest.fixture
def certificate(world):
    return add_document(world.citizen, pdf_upload("khai-sinh.pdf"), BIRTH)


@pytest.fixture
def paper(world):
    world.procedure.handling_units.add(world.ward)
    return RequiredDocumentFactory(procedure=world.procedure, name="Giấy khai sinh", originals=1)


class TestPage:
    def test_a_citizen_adds_lists_downloads_and_deletes(self, client, world):
        client.force_login(world.citizen)
        body = {"kind": "Căn cước", "number": "001", "issuer": "Bộ Công an", "file": png_upload()}
        assert client.post(STORE, body).status_code == 302
        document = CitizenDocument.objects.get(owner=world.citizen)
        page = client.get(STORE).content.decode()
        assert "Căn cước" in page and "anh-chup.png" in page
        download = client.get(f"{STORE}{document.pk}/file/")
        assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
        assert client.post(f"{STORE}{document.pk}/delete/").status_code == 302
        assert not CitizenDocument.objects.exists()

    def test_bad_input_is_shown_on_the_form(self, client, world):
        client.force_login(world.citizen)
        fake = SimpleUploadedFile("gia.pdf", b"just some text", content_type="application/pdf")
        answer = client.post(STORE, {"kind": "Giấy", "file": fake})
        assert answer.status_code == 400 and "gia.pdf" in answer.content.decode()
        later = {"kind": "Giấy", "issued_on": "2024-01-02", "valid_until": "2023-01-01"}
        answer = client.post(STORE, {**later, "file": pdf_upload()})
        assert answer.status_code == 400
        assert not CitizenDocument.objects.exists()

    def test_another_citizen_gets_404(self, client, world, certificate):
        client.force_login(world.other_citizen)
        assert client.get(f"{STORE}{certificate.pk}/file/").status_code == 404
        assert client.post(f"{STORE}{certificate.pk}/delete/").status_code == 404
        assert "khai-sinh.pdf" not in client.get(STORE).content.decode()
        assert CitizenDocument.objects.filter(pk=certificate.pk).exists()


class TestApi:
    def test_the_owner_lists_reads_and_deletes(self, api_client, world, certificate):
        client = logged_in(api_client, world.citizen)
        listed = client.get(API).json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        assert [row["id"] for row in rows] == [certificate.pk]
        assert rows[0]["number"] == "123/2020" and rows[0]["source"] == "uploaded"
        assert client.get(f"{API}{certificate.pk}/").status_code == 200
        assert client.delete(f"{API}{certificate.pk}/").status_code == 204
        assert not CitizenDocument.objects.exists()

    def test_another_account_sees_nothing(self, api_client, world, certificate):
        for user in (world.other_citizen, world.desk_officer, world.leader):
            client = logged_in(api_client, user)
            listed = client.get(API).json()
            rows = listed["results"] if isinstance(listed, dict) else listed
            assert rows == []
            assert client.get(f"{API}{certificate.pk}/").status_code == 404
            assert client.delete(f"{API}{certificate.pk}/").status_code == 404
        assert CitizenDocument.objects.filter(pk=certificate.pk).exists()


def filing(world, paper, *stored, name="Nguyễn Văn An", phone="0912345678"):
    return {
        "procedure": world.procedure.code,
        "applicant": {"name": name, "phone": phone},
        "reused_documents": [paper.pk],
        "stored_documents": [document.pk for document in stored],
    }


class TestReuse:
    def test_a_stored_birth_certificate_is_reused_online_and_counted(
        self, api_client, world, clock, certificate, paper
    ):
        body = filing(world, paper, certificate)
        created = logged_in(api_client, world.citizen).post(
            "/api/v1/dossiers/", body, format="json"
        )
        assert created.status_code == 201, created.json()
        component = DossierComponent.objects.get(dossier__code=created.json()["code"])
        assert component.reused and component.digitised and component.handed_over
        assert component.reused_from == certificate
        assert component.scan.sha256 == certificate.sha256
        assert created.json()["components"][0]["reused"] is True
        assert created.json()["fully_digitised"] is True
        dossier = Dossier.objects.get(code=created.json()["code"])
        dossier.received_at = NOW
        dossier.save(update_fields=["received_at"])
        (row,) = digitisation_figures(NOW.date(), NOW.date(), Dossier.objects.all())
        assert (row.received, row.reused, row.components_digitised) == (1, 1, 1)

    def test_another_citizen_cannot_reuse_it(self, api_client, world, clock, certificate, paper):
        body = filing(world, paper, certificate, name="Trần Thị Bình", phone="0987654321")
        answer = logged_in(api_client, world.other_citizen).post(
            "/api/v1/dossiers/", body, format="json"
        )
        assert answer.status_code == 400
        assert "stored_documents" in answer.json()
        assert not Dossier.objects.exists()

    def test_unpaired_lists_are_refused(self, api_client, world, clock, certificate, paper):
        body = filing(world, paper)
        answer = logged_in(api_client, world.citizen).post("/api/v1/dossiers/", body, format="json")
        assert answer.status_code == 400 and "stored_documents" in answer.json()

    def test_at_the_counter_with_consent(self, world, clock, certificate, paper):
        applied = intake(world)
        applied.reuses = [Reuse(paper, certificate)]
        with pytest.raises(TransitionError) as refused:
            intake_at_counter(world.desk_officer, applied, applicant_user=world.citizen)
        assert refused.value.field == "consent"
        applied.consent = True
        with pytest.raises(TransitionError):
            intake_at_counter(world.desk_officer, applied, applicant_user=world.other_citizen)
        dossier = intake_at_counter(world.desk_officer, applied, applicant_user=world.citizen)
        component = dossier.components.get()
        assert component.reused_from == certificate and component.digitised
        rows = digitisation_figures(NOW.date() - timedelta(days=1), NOW.date(), Dossier.objects)
        assert rows[0].reused == 1 and rows[0].fully_digitised == 1


def filing_papers(world):
    world.procedure.handling_units.add(world.desk)
    return {
        key: RequiredDocumentFactory(procedure=world.procedure, name=name, originals=1)
        for key, name in (("form", "Tờ khai đăng ký khai sinh"), ("birth", "Giấy chứng sinh"))
    }


class TestFilingPage:
    def test_a_stored_paper_replaces_the_upload_on_the_filing_page(self, client, world, clock):
        papers = filing_papers(world)
        stored = add_document(world.citizen, pdf_upload("khai-sinh.pdf"), BIRTH)
        client.force_login(world.citizen)
        page = client.get(url(world.procedure)).content.decode()
        assert f'name="reuse_{papers["birth"].pk}"' in page
        data = filing_page(world, papers, **{field(papers["birth"]): None})
        data[f"reuse_{papers['birth'].pk}"] = stored.pk
        response = client.post(url(world.procedure), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        component = DossierComponent.objects.get(document=papers["birth"])
        assert component.reused_from == stored and component.digitised

    def test_another_citizens_document_is_no_choice(self, client, world, clock, certificate):
        papers = filing_papers(world)
        client.force_login(world.other_citizen)
        data = filing_page(world, papers, **{field(papers["birth"]): None})
        data[f"reuse_{papers['birth'].pk}"] = certificate.pk
        response = client.post(url(world.procedure), data)
        assert response.status_code == 200
        assert not Dossier.objects.exists()


class TestCounterPage:
    """The desk lists the applicant's stored documents only after the consent tick, from
    the account carrying the applicant's ID number, and reuses one for a paper."""

    @pytest.fixture
    def body(self, world, certificate, paper):
        world.citizen.id_number = "001090000001"
        world.citizen.save(update_fields=["id_number"])
        world.procedure.handling_units.add(world.desk)
        return {
            **page_body(world, {paper.pk: (True, "original", 1)}),
            "applicant_id_number": "001090000001",
        }

    def test_without_consent_nothing_is_listed(self, client, world, clock, body, certificate):
        client.force_login(world.desk_officer)
        page = client.post("/desk/intake/", {**body, "show_store": "1"}).content.decode()
        assert "khai-sinh.pdf" not in page
        assert not Dossier.objects.exists()

    def test_with_consent_a_stored_paper_is_reused(
        self, client, world, clock, body, certificate, paper
    ):
        client.force_login(world.desk_officer)
        consented = {**body, "store_consent": "on"}
        page = client.post("/desk/intake/", {**consented, "show_store": "1"}).content.decode()
        assert "khai-sinh.pdf" in page and f'name="doc_{paper.pk}_stored"' in page
        assert not Dossier.objects.exists()  # shown, not yet received
        answer = client.post(
            "/desk/intake/", {**consented, f"doc_{paper.pk}_stored": certificate.pk}
        )
        assert answer.status_code == 302, answer.content.decode()[:2000]
        dossier = Dossier.objects.get()
        assert dossier.applicant_user == world.citizen
        component = dossier.components.get()
        assert component.reused and component.reused_from == certificate

    def test_an_id_number_of_no_account_says_so(self, client, world, clock, body):
        client.force_login(world.desk_officer)
        other = {**body, "store_consent": "on", "applicant_id_number": "001090000009"}
        page = client.post("/desk/intake/", {**other, "show_store": "1"}).content.decode()
        assert "số định danh cá nhân của tài khoản công dân" in page
        assert not Dossier.objects.exists()

    def test_another_citizens_document_cannot_be_posted(self, client, world, clock, body, paper):
        theirs = add_document(world.other_citizen, pdf_upload("cua-binh.pdf"), BIRTH)
        client.force_login(world.desk_officer)
        consented = {**body, "store_consent": "on", f"doc_{paper.pk}_stored": theirs.pk}
        client.post("/desk/intake/", consented)
        assert not Dossier.objects.exists()
