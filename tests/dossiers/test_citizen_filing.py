"""Filing online: the form built from the catalogue, content-checked uploads with inline
errors, nothing created on error, and the confirmation page."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from dossiers.forms.citizen import is_note, upload_required
from dossiers.models import HELD_UPLOAD_HOURS, Attachment, Dossier, HeldUpload, Status
from dossiers.tasks import discard_stale_held_uploads
from procedures.models import Channel
from tests.procedures.factories import ProcedureFactory, RequiredDocumentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def url(procedure):
    return f"/dossiers/file/{procedure.code}/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def documents(world):
    """The birth registration's documents as the catalogue lists them: two to hand in, one
    only when someone else files, and guidance lines."""
    procedure = world.procedure
    procedure.handling_units.add(world.desk)  # the desk serves the town
    make = RequiredDocumentFactory
    return {
        "form": make(procedure=procedure, name="Tờ khai đăng ký khai sinh", originals=1),
        "birth": make(procedure=procedure, name="Giấy chứng sinh", originals=1),
        "proxy": make(
            procedure=procedure,
            name="Văn bản ủy quyền trong trường hợp ủy quyền thực hiện việc đăng ký",
            originals=1,
        ),
        "note": make(
            procedure=procedure,
            case="Lưu ý",
            name="Bản chụp các giấy tờ gửi kèm phải bảo đảm rõ nét.",
            originals=0,
        ),
        "condition": make(
            procedure=procedure,
            name="Trường hợp gửi hồ sơ qua bưu chính thì gửi kèm bản sao có chứng thực.",
            originals=0,
        ),
    }


def field(document):
    return f"document_{document.pk}"


def filing(world, documents, **overrides):
    data = {
        "receiving_unit": world.town.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912 345 678",
        "applicant_email": "an@example.vn",
        "applicant_id_number": "001090000001",
        "applicant_address": "Phường Lê Lợi",
        "summary": "Khai sinh cho con trai Nguyễn Văn Bình",
        field(documents["form"]): SimpleUploadedFile("to-khai.pdf", PDF),
        field(documents["birth"]): SimpleUploadedFile("giay chung sinh.png", PNG),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def citizen_client(client, world):
    client.force_login(world.citizen)
    return client


class TestTheForm:
    def test_documents_become_upload_fields_and_notes_guidance(self, citizen_client, documents):
        response = citizen_client.get(url(documents["form"].procedure))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.fields[field(documents["form"])].required
        assert form.fields[field(documents["birth"])].required
        assert not form.fields[field(documents["proxy"])].required
        assert field(documents["note"]) not in form.fields
        assert field(documents["condition"]) not in form.fields
        page = response.content.decode()
        assert escape(documents["note"].name) in page
        assert 'type="file"' in page and 'enctype="multipart/form-data"' in page

    def test_prefilled_from_the_account_with_the_only_office_chosen(
        self, citizen_client, world, documents
    ):
        world.citizen.id_number, world.citizen.address = "001090000009", "12 Lê Lợi"
        world.citizen.save()
        form = citizen_client.get(url(world.procedure)).context["form"]
        assert form["receiving_unit"].value() == world.town.pk
        assert form["applicant_name"].value() == "Nguyễn Văn An"
        assert form["applicant_phone"].value() == "0912345678"
        assert form["applicant_id_number"].value() == "001090000009"
        assert form["applicant_address"].value() == "12 Lê Lợi"

    def test_several_offices_are_offered_and_none_preselected(
        self, citizen_client, world, documents
    ):
        world.procedure.handling_units.add(world.ward, world.other_ward)
        form = citizen_client.get(url(world.procedure)).context["form"]
        offices = list(form.fields["receiving_unit"].queryset)
        assert offices == [world.town, world.ward, world.other_ward]
        assert form["receiving_unit"].value() is None

    def test_a_procedure_without_documents_asks_for_one_file(self, citizen_client, world):
        procedure = ProcedureFactory(online=True, handling_units=[world.ward])
        form = citizen_client.get(url(procedure)).context["form"]
        assert form.fields["document_any"].required

    @pytest.mark.parametrize(
        ("name", "case", "originals", "note", "required"),
        [
            ("Giấy chứng sinh", "", 1, False, True),
            ("Giấy chứng sinh; trường hợp không có thì văn bản làm chứng", "", 1, False, True),
            ("Trường hợp trẻ bị bỏ rơi: biên bản", "", 1, False, False),
            ("Văn bản ủy quyền trong trường hợp ủy quyền", "", 1, False, False),
            ("Sổ hộ khẩu (nếu có)", "", 1, False, False),
            ("Lưu ý: nộp bản sao", "", 0, True, False),
            ("Đối với giấy tờ nộp trực tuyến:", "", 0, True, False),
            ("Bản sao giấy tờ tùy thân", "Lưu ý", 1, True, True),
            ("Giấy tờ khác", "", 0, False, False),
        ],
    )
    def test_reading_scraped_documents(self, db, name, case, originals, note, required):
        document = RequiredDocumentFactory.build(name=name, case=case, originals=originals)
        assert (is_note(document), upload_required(document)) == (note, required)


class TestFiling:
    def test_good_files_make_a_submitted_dossier(
        self, citizen_client, world, documents, media, clock
    ):
        response = citizen_client.post(url(world.procedure), filing(world, documents))
        dossier = Dossier.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/dossiers/{dossier.code}/filed/"
        assert dossier.status == Status.SUBMITTED
        assert dossier.channel == Channel.ONLINE
        assert dossier.applicant_user == world.citizen
        assert (dossier.receiving_unit, dossier.applicant_phone) == (world.town, "0912345678")
        assert dossier.code.startswith("H26.45-261123-")
        attachments = {a.document_id: a for a in dossier.attachments.all()}
        assert set(attachments) == {documents["form"].pk, documents["birth"].pk}
        birth = attachments[documents["birth"].pk]
        assert birth.sha256 == hashlib.sha256(PNG).hexdigest()
        assert (birth.content_type, birth.original_name) == ("image/png", "giay chung sinh.png")
        assert attachments[documents["form"].pk].sha256 == hashlib.sha256(PDF).hexdigest()

    def test_the_confirmation_shows_the_code_and_the_lookup(self, citizen_client, world, documents):
        response = citizen_client.post(url(world.procedure), filing(world, documents), follow=True)
        code = Dossier.objects.get().code
        page = response.content.decode()
        assert f'<p class="dossier-code">{code}</p>' in page
        assert f'href="/lookup/?code={code}"' in page
        assert f'href="/dossiers/{code}/"' in page

    def test_a_renamed_program_is_refused_inline_with_nothing_created(
        self, citizen_client, world, documents, media
    ):
        renamed = SimpleUploadedFile("giay-chung-sinh.pdf", EXE)
        data = filing(world, documents, **{field(documents["birth"]): renamed})
        response = citizen_client.post(url(world.procedure), data)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == [field(documents["birth"])]
        assert "giay-chung-sinh.pdf" in errors[field(documents["birth"])][0]
        page = response.content.decode()
        assert escape(errors[field(documents["birth"])][0]) in page
        assert f'id="id_{field(documents["birth"])}_error"' in page
        assert escape("Khai sinh cho con trai Nguyễn Văn Bình") in page
        assert 'value="Phường Lê Lợi"' in page
        assert not Dossier.objects.exists() and not Attachment.objects.exists()
        assert not any(media.rglob("giay-chung-sinh*"))  # the refused file is not kept

    def test_an_oversized_file_is_refused(self, citizen_client, world, documents, settings, media):
        settings.ONESTOP_UPLOAD_MAX_BYTES = len(PDF) - 1
        response = citizen_client.post(url(world.procedure), filing(world, documents))
        assert response.status_code == 200
        assert field(documents["form"]) in response.context["form"].errors
        assert not Dossier.objects.exists()

    def test_an_empty_file_is_refused(self, citizen_client, world, documents):
        empty = SimpleUploadedFile("to-khai.pdf", b"")
        data = filing(world, documents, **{field(documents["form"]): empty})
        response = citizen_client.post(url(world.procedure), data)
        assert field(documents["form"]) in response.context["form"].errors
        assert not Dossier.objects.exists()

    def test_a_missing_required_document_is_named(self, citizen_client, world, documents):
        data = filing(world, documents, **{field(documents["birth"]): None})
        response = citizen_client.post(url(world.procedure), data)
        assert list(response.context["form"].errors) == [field(documents["birth"])]
        assert not Dossier.objects.exists()

    def test_at_least_one_file_overall(self, citizen_client, world):
        procedure = ProcedureFactory(online=True, handling_units=[world.ward])
        RequiredDocumentFactory(procedure=procedure, name="Giấy tờ (nếu có)")
        data = {
            "receiving_unit": world.ward.pk,
            "applicant_name": "An",
            "applicant_phone": "0912345678",
        }
        response = citizen_client.post(url(procedure), data)
        assert response.context["form"].non_field_errors()
        assert not Dossier.objects.exists()

    def test_bad_applicant_data_is_inline(self, citizen_client, world, documents):
        data = filing(
            world,
            documents,
            applicant_phone="12",
            applicant_email="not-an-email",
            applicant_id_number="123",
            receiving_unit=world.other_ward.pk,
            applicant_name="",
        )
        response = citizen_client.post(url(world.procedure), data)
        assert set(response.context["form"].errors) == {
            "applicant_phone",
            "applicant_email",
            "applicant_id_number",
            "receiving_unit",
            "applicant_name",
        }
        assert not Dossier.objects.exists()

    def test_an_empty_post_is_a_form_with_errors(self, citizen_client, world, documents):
        response = citizen_client.post(url(world.procedure))
        assert response.status_code == 200
        assert response.context["form"].errors


class TestKeptUploads:
    """A filing that fails for another reason keeps the files that passed their checks,
    for their owner alone, so the applicant does not choose them again."""

    def failed_attempt(self, client, world, documents, **overrides):
        data = filing(world, documents, applicant_name="", **overrides)
        response = client.post(url(world.procedure), data)
        assert response.status_code == 200
        return response, response.context["form"].kept

    def again(self, world, documents, kept, **chosen):
        """The second post as the browser sends it: the typed fields, the hidden keys of
        the kept files, and only the files ``chosen`` anew."""
        data = filing(world, documents, **{field(documents["form"]): None})
        data.pop(field(documents["birth"]))
        data.update(
            {f"kept-{name}": [str(item.key) for item in held] for name, held in kept.items()}
        )
        return {**data, **chosen}

    def test_the_second_post_files_the_kept_files_once(
        self, citizen_client, world, documents, media, django_capture_on_commit_callbacks
    ):
        response, kept = self.failed_attempt(citizen_client, world, documents)
        assert set(kept) == {field(documents["form"]), field(documents["birth"])}
        page = response.content.decode()
        for name, (held,) in kept.items():
            assert f'name="kept-{name}" value="{held.key}"' in page
        assert "giay chung sinh.png" in page
        assert not Dossier.objects.exists()

        with django_capture_on_commit_callbacks(execute=True):
            response = citizen_client.post(url(world.procedure), self.again(world, documents, kept))

        assert response.status_code == 302
        attachments = {a.document_id: a for a in Dossier.objects.get().attachments.all()}
        birth = attachments[documents["birth"].pk]
        assert birth.sha256 == hashlib.sha256(PNG).hexdigest()
        assert (birth.content_type, birth.original_name) == ("image/png", "giay chung sinh.png")
        assert attachments[documents["form"].pk].sha256 == hashlib.sha256(PDF).hexdigest()
        assert not HeldUpload.objects.exists()
        assert not any(path.is_file() for path in (media / "held").rglob("*"))

    def test_a_refused_file_is_not_kept(self, citizen_client, world, documents, media):
        renamed = SimpleUploadedFile("giay-chung-sinh.pdf", EXE)
        _response, kept = self.failed_attempt(
            citizen_client, world, documents, **{field(documents["birth"]): renamed}
        )
        assert list(kept) == [field(documents["form"])]

        response = citizen_client.post(url(world.procedure), self.again(world, documents, kept))

        assert list(response.context["form"].errors) == [field(documents["birth"])]
        assert list(response.context["form"].kept) == [field(documents["form"])]
        assert not Dossier.objects.exists()

    def test_a_kept_file_can_be_left_out(self, citizen_client, world, documents, media):
        proxy = {field(documents["proxy"]): SimpleUploadedFile("uy-quyen.pdf", PDF)}
        _response, kept = self.failed_attempt(citizen_client, world, documents, **proxy)
        (left_out,) = kept[field(documents["proxy"])]
        data = {**self.again(world, documents, kept), "drop-kept": [str(left_out.key)]}

        response = citizen_client.post(url(world.procedure), data)

        assert response.status_code == 302
        documents_filed = {a.document_id for a in Attachment.objects.all()}
        assert documents_filed == {documents["form"].pk, documents["birth"].pk}

    def test_a_newly_chosen_file_replaces_the_kept_one(
        self, citizen_client, world, documents, media
    ):
        _response, kept = self.failed_attempt(citizen_client, world, documents)
        other_scan = SimpleUploadedFile("giay-chung-sinh-moi.pdf", PDF + b"% scan 2\n")
        data = self.again(world, documents, kept, **{field(documents["birth"]): other_scan})

        citizen_client.post(url(world.procedure), data)

        birth = Attachment.objects.get(document=documents["birth"])
        assert birth.original_name == "giay-chung-sinh-moi.pdf"

    @pytest.mark.parametrize("whose", ["another citizen", "held too long", "not a key"])
    def test_a_key_that_is_not_the_posters_own_fresh_one_keeps_nothing(
        self, whose, client, world, documents, media, clock
    ):
        client.force_login(world.citizen)
        _response, kept = self.failed_attempt(client, world, documents)
        if whose == "another citizen":
            client.force_login(world.other_citizen)
        if whose == "held too long":
            clock.shift(timedelta(hours=HELD_UPLOAD_HOURS, minutes=1))
        data = self.again(world, documents, kept)
        if whose == "not a key":
            data = {
                name: "../../etc/passwd" if name.startswith("kept-") else value
                for name, value in data.items()
            }

        response = client.post(url(world.procedure), data)

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert {field(documents["form"]), field(documents["birth"])} <= set(errors)
        assert not response.context["form"].kept
        assert not Dossier.objects.exists()

    def test_files_held_too_long_are_discarded(
        self, citizen_client, world, documents, media, clock
    ):
        _response, kept = self.failed_attempt(citizen_client, world, documents)
        stored = [media / item.file.name for held in kept.values() for item in held]
        assert all(path.is_file() for path in stored)

        assert discard_stale_held_uploads.delay().get() == 0
        clock.shift(timedelta(hours=HELD_UPLOAD_HOURS, minutes=1))
        assert discard_stale_held_uploads.delay().get() == 2

        assert not HeldUpload.objects.exists()
        assert not any(path.exists() for path in stored)


class TestWhoMayFile:
    def test_anonymous_is_sent_to_log_in(self, client, world, documents):
        response = client.get(url(world.procedure))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url(world.procedure)}"

    def test_unknown_and_unpublished_procedures_are_404(self, citizen_client, world):
        hidden = ProcedureFactory(online=True, unpublished=True)
        assert citizen_client.get("/dossiers/file/9.999999/").status_code == 404
        assert citizen_client.get("/dossiers/file/1.0%00/").status_code == 404
        assert citizen_client.get(url(hidden)).status_code == 404

    def test_a_procedure_not_online_explains_itself(self, citizen_client, world):
        procedure = ProcedureFactory(code="1.000001.H26")
        response = citizen_client.get(url(procedure))
        assert response.status_code == 200
        assert "dossiers/citizen/not_online.html" in [t.name for t in response.templates]
        assert citizen_client.post(url(procedure)).status_code == 200
        assert not Dossier.objects.exists()

    def test_staff_cannot_file_as_citizens(self, client, world, documents):
        client.force_login(world.desk_officer)
        assert client.get(url(world.procedure)).status_code == 403
        assert client.post(url(world.procedure), filing(world, documents)).status_code == 403
        assert not Dossier.objects.exists()
