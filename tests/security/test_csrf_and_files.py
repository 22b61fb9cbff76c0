"""CSRF on every cookie-authenticated write, and the dossier files: checked by content and
size at every door, and served only through views that check who asks."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers.models import Attachment, Dossier, DossierEvent
from tests.samples import sample_pdf
from tests.world import BIRTH_REGISTRATION

SCRIPT_AS_PDF = b"<html><script>alert(1)</script></html>"


def strict_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def events():
    return DossierEvent.objects.count()


class TestCsrf:
    def test_the_login_form_needs_the_token(self, world):
        response = strict_client().post(
            "/accounts/login/", {"username": "desk", "password": "Secret-pass-123"}
        )
        assert response.status_code == 403

    def test_a_desk_action_needs_the_token(self, world):
        before = events()
        client = strict_client(world.roles["desk"])
        response = client.post(f"/desk/dossiers/{world.dossiers['S'].code}/receive/", {})
        assert response.status_code == 403
        assert events() == before

    def test_a_citizen_answer_needs_the_token(self, world):
        client = strict_client(world.roles["citizen"])
        response = client.post(
            f"/dossiers/{world.dossiers['T'].code}/rate/", {"level": "satisfied"}
        )
        assert response.status_code == 403
        assert not hasattr(Dossier.objects.get(pk=world.dossiers["T"].pk), "rating")

    def test_the_api_with_a_session_cookie_needs_the_token(self, world):
        client = strict_client(world.roles["desk"])
        response = client.post(
            f"/api/v1/dossiers/{world.dossiers['S'].code}/receive/",
            data="{}",
            content_type="application/json",
        )
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]

    def test_the_api_with_a_token_needs_no_csrf_token(self, world):
        token = Token.objects.create(user=world.roles["desk"])
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(f"/api/v1/dossiers/{world.dossiers['S'].code}/receive/", {})
        assert response.status_code == 200


class TestUploads:
    def filing(self, upload):
        applicant = {"name": "Lê Văn Cường", "phone": "0911222333"}
        return {
            "procedure": BIRTH_REGISTRATION,
            "receiving_unit": "H26.45",
            "applicant.name": applicant["name"],
            "applicant.phone": applicant["phone"],
            "files": [upload],
        }

    def api_as(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_a_script_named_pdf_is_refused_by_the_api(self, world):
        disguised = SimpleUploadedFile("to-khai.pdf", SCRIPT_AS_PDF, "application/pdf")
        before = Dossier.objects.count()
        response = self.api_as(world.roles["citizen"]).post(
            "/api/v1/dossiers/", self.filing(disguised), format="multipart"
        )
        assert response.status_code == 400
        assert "files" in response.json()
        assert Dossier.objects.count() == before

    def test_a_script_named_pdf_is_refused_by_the_filing_page(self, world):
        client = Client()
        client.force_login(world.roles["citizen"])
        form = client.get(f"/dossiers/file/{BIRTH_REGISTRATION}/").context["form"]
        data = {name: field.initial or "" for name, field in form.fields.items()}
        data |= {"receiving_unit": world.town.pk, "applicant_name": "Lê Văn Cường"}
        data |= {"applicant_phone": "0911222333", "applicant_id_number": "001090000009"}
        for name in (n for n in form.fields if n.startswith("document_")):
            data[name] = SimpleUploadedFile("to-khai.pdf", SCRIPT_AS_PDF, "application/pdf")
        before = Dossier.objects.count()
        response = client.post(f"/dossiers/file/{BIRTH_REGISTRATION}/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert Dossier.objects.count() == before

    def test_a_file_over_the_size_limit_is_refused(self, world, settings):
        settings.ONESTOP_UPLOAD_MAX_BYTES = 100
        big = SimpleUploadedFile("to-khai.pdf", sample_pdf() + b"%" * 200, "application/pdf")
        response = self.api_as(world.roles["citizen"]).post(
            "/api/v1/dossiers/", self.filing(big), format="multipart"
        )
        assert response.status_code == 400
        assert "files" in response.json()


class TestServingFiles:
    @pytest.fixture
    def attachment(self, world):
        return Attachment.objects.filter(dossier=world.dossiers["O"]).first()

    def doors(self, world, attachment):
        code = world.dossiers["O"].code
        return [f"/attachments/{attachment.pk}/", f"/desk/dossiers/{code}/files/{attachment.pk}/"]

    def test_every_door_serves_the_checked_type_privately(self, world, attachment):
        client = Client()
        client.force_login(world.roles["desk"])
        for path in self.doors(world, attachment):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert {"private", "no-store"} <= set(
                part.strip() for part in response["Cache-Control"].split(",")
            ), path

    def test_the_storage_folder_is_not_served(self, world, attachment):
        client = Client()
        client.force_login(world.roles["admin"])
        for prefix in ("/media/", "/var/media/", "/static/"):
            assert client.get(f"{prefix}{attachment.file.name}").status_code == 404

    def test_the_api_links_files_through_the_checking_view(self, world, attachment):
        client = APIClient()
        client.force_authenticate(world.roles["citizen"])
        body = client.get(f"/api/v1/dossiers/{world.dossiers['O'].code}/").content
        urls = [item["url"] for item in json.loads(body)["attachments"]]
        assert urls and all(f"/attachments/{attachment.pk}/" in url for url in urls[:1])
