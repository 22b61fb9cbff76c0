"""Digitisation at intake and after it: one scan per paper received (PDF, JPEG or PNG by its
content), exemptions of Circular 03/2025 recorded as such, and "fully digitised" when none
is left to scan — through the services, the desk's dossier page and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import (
    CitizenDocument,
    DocumentSource,
    Dossier,
    Exemption,
    fully_digitised_expression,
    is_fully_digitised,
)
from dossiers.services.components import ComponentEntry, ComponentsError
from dossiers.services.digitisation import exempt_component, scan_component
from dossiers.services.errors import TransitionError
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake
from tests.dossiers.test_components import page_body
from tests.dossiers.test_upload_limits import docx
from tests.procedures.factories import RequiredDocumentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def scan_file(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def papers(world):
    return [
        RequiredDocumentFactory(procedure=world.procedure, name=name, originals=1, order=n)
        for n, name in enumerate(["Tờ khai", "Giấy chứng sinh", "Giấy tờ tùy thân"])
    ]


def counter_intake(world, papers, entries):
    applied = intake(world)
    applied.components = entries
    return intake_at_counter(world.desk_officer, applied, applicant_user=world.citizen)


def fully(dossier):
    return Dossier.objects.annotate(fully_digitised=fully_digitised_expression()).get(pk=dossier.pk)


class TestAtIntake:
    def test_three_papers_two_scanned_and_one_exempt_are_fully_digitised(
        self, world, clock, papers
    ):
        form, certificate, identity = papers
        dossier = counter_intake(
            world,
            papers,
            [
                ComponentEntry(document=form, scan=scan_file("form.pdf")),
                ComponentEntry(document=certificate, scan=scan_file("cert.png", PNG)),
                ComponentEntry(document=identity, exemption=Exemption.SHOWN_FOR_CHECKING),
            ],
        )
        components = {c.document_id: c for c in dossier.components.all()}
        assert components[form.pk].digitised and components[certificate.pk].digitised
        assert components[form.pk].digitised_by == world.desk_officer
        assert components[form.pk].digitised_at is not None
        assert components[identity.pk].exemption == Exemption.SHOWN_FOR_CHECKING
        assert not components[identity.pk].digitised
        assert is_fully_digitised(dossier)
        assert fully(dossier).fully_digitised is True

    def test_a_paper_neither_scanned_nor_exempt_is_left_to_scan(self, world, clock, papers):
        form, certificate, identity = papers
        dossier = counter_intake(
            world,
            papers,
            [
                ComponentEntry(document=form, scan=scan_file()),
                ComponentEntry(document=certificate),
                ComponentEntry(document=identity, exemption=Exemption.CONFIDENTIAL),
            ],
        )
        assert not is_fully_digitised(dossier)
        assert fully(dossier).fully_digitised is False

    def test_an_unknown_exemption_or_a_scanned_exempt_line_is_refused(self, world, clock, papers):
        form, certificate, identity = papers
        with pytest.raises(ComponentsError) as refused:
            counter_intake(
                world,
                papers,
                [
                    ComponentEntry(document=form, exemption="lost"),
                    ComponentEntry(
                        document=certificate, scan=scan_file(), exemption=Exemption.CONFIDENTIAL
                    ),
                    ComponentEntry(document=identity),
                ],
            )
        assert set(refused.value.errors) == {form.pk, certificate.pk}
        assert not Dossier.objects.exists()


class TestAfterIntake:
    @pytest.fixture
    def dossier(self, world, clock, papers):
        return counter_intake(world, papers, [ComponentEntry(document=p) for p in papers])

    def test_scanning_and_exempting_later_completes_the_dossier(self, world, dossier):
        first, second, third = dossier.components.order_by("order")
        scan_component(first, scan_file(), world.desk_officer)
        scan_component(second, scan_file("b.png", PNG), world.desk_officer)
        assert not is_fully_digitised(dossier)
        exempt_component(third, Exemption.PRODUCED_IN_HANDLING, world.desk_officer)
        assert is_fully_digitised(dossier)
        first.refresh_from_db()
        assert first.scan.content_type == "application/pdf"
        assert first.digitised_by == world.desk_officer

    def test_a_bad_file_is_refused_and_nothing_is_kept(self, world, dossier):
        first = dossier.components.order_by("order").first()
        for name, content in [("fake.pdf", b"not a scan at all"), ("x.docx", docx())]:
            with pytest.raises(TransitionError) as refused:
                scan_component(first, scan_file(name, content), world.desk_officer)
            assert name in refused.value.message
        first.refresh_from_db()
        assert not first.digitised and first.scan is None
        assert not dossier.attachments.exists()

    def test_only_desk_officers_digitise(self, world, dossier):
        first = dossier.components.first()
        with pytest.raises(TransitionError):
            scan_component(first, scan_file(), world.specialist)
        with pytest.raises(TransitionError):
            exempt_component(first, Exemption.CONFIDENTIAL, world.citizen)

    def test_a_scan_lands_in_the_store_of_the_applicants_account(self, world, dossier):
        first = dossier.components.order_by("order").first()
        scan_component(first, scan_file(), world.desk_officer)
        first.refresh_from_db()
        stored = CitizenDocument.objects.visible_to(world.citizen).get()
        assert (stored.kind, stored.source) == (first.name, DocumentSource.DOSSIER_SCAN)
        assert stored.file.name == first.scan.file.name
        assert not CitizenDocument.objects.visible_to(world.other_citizen).exists()

    def test_a_walk_in_applicant_has_no_store_to_fill(self, world, dossier):
        Dossier.objects.filter(pk=dossier.pk).update(applicant_user=None)
        scan_component(dossier.components.first(), scan_file(), world.desk_officer)
        assert not CitizenDocument.objects.exists()

    def test_a_paper_scanned_once_is_not_scanned_again(self, world, dossier):
        first = dossier.components.first()
        scan_component(first, scan_file(), world.desk_officer)
        with pytest.raises(TransitionError):
            scan_component(first, scan_file(), world.desk_officer)


class TestDeskPage:
    @pytest.fixture
    def dossier(self, world, clock, papers):
        return counter_intake(world, papers, [ComponentEntry(document=p) for p in papers])

    def test_the_page_shows_what_is_left_and_takes_a_scan_per_line(self, client, world, dossier):
        client.force_login(world.desk_officer)
        page = client.get(f"/desk/dossiers/{dossier.code}/")
        assert page.content.decode().count('name="file"') == 3
        first = dossier.components.order_by("order").first()
        url = f"/desk/dossiers/{dossier.code}/components/{first.pk}/scan/"
        response = client.post(url, {"file": scan_file()})
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.digitised
        assert (
            client.get(f"/desk/dossiers/{dossier.code}/").content.decode().count('name="file"') == 2
        )

    def test_a_bad_scan_on_the_page_says_why(self, client, world, dossier):
        client.force_login(world.desk_officer)
        first = dossier.components.first()
        url = f"/desk/dossiers/{dossier.code}/components/{first.pk}/scan/"
        response = client.post(url, {"file": scan_file("a.pdf", b"plain text")}, follow=True)
        assert "a.pdf" in response.content.decode()
        first.refresh_from_db()
        assert not first.digitised

    def test_another_towns_desk_gets_404(self, client, world, dossier):
        client.force_login(world.other_desk_officer)
        first = dossier.components.first()
        url = f"/desk/dossiers/{dossier.code}/components/{first.pk}/exempt/"
        assert client.post(url, {"reason": "confidential"}).status_code == 404


class TestIntakePage:
    def test_the_checklist_takes_a_scan_or_an_exemption_per_line(
        self, client, world, clock, papers
    ):
        form, certificate, identity = papers
        client.force_login(world.desk_officer)
        rows = {paper.pk: (True, "original", 1) for paper in papers}
        body = page_body(
            world,
            rows,
            **{
                f"doc_{form.pk}_scan": scan_file("a.pdf"),
                f"doc_{certificate.pk}_scan": scan_file("b.png", PNG),
                f"doc_{identity.pk}_exempt": Exemption.FILED_ONLINE,
            },
        )
        response = client.post("/desk/intake/", body)
        assert response.status_code == 302, response.content.decode()[:2000]
        dossier = Dossier.objects.get()
        assert is_fully_digitised(dossier)
        assert dossier.components.get(document=identity).exemption == Exemption.FILED_ONLINE

    def test_a_word_file_is_no_scan(self, client, world, clock, papers):
        client.force_login(world.desk_officer)
        rows = {paper.pk: (True, "original", 1) for paper in papers}
        word = SimpleUploadedFile("to-khai.docx", docx())
        body = page_body(world, rows, **{f"doc_{papers[0].pk}_scan": word})
        response = client.post("/desk/intake/", body)
        assert response.status_code == 200
        assert "to-khai.docx" in response.content.decode()
        assert not Dossier.objects.exists()
