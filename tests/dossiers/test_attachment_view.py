"""Attachments are served by a view that checks visible_to; everyone else gets a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import AttachmentKind
from dossiers.services.attachments import attach

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def attachment(make, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = make("received")
    upload = SimpleUploadedFile("giấy khai sinh.pdf", PDF)
    return attach(dossier, upload, AttachmentKind.APPLICATION, world.desk_officer)


def url(item):
    return f"/attachments/{item.pk}/"


def test_the_owner_gets_the_file(client, world, attachment):
    client.force_login(world.citizen)
    response = client.get(url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline") and "gi%E1%BA%A5y%20khai%20sinh.pdf" in disposition


def test_staff_in_scope_get_it_too(client, world, attachment):
    client.force_login(world.desk_officer)
    assert client.get(url(attachment)).status_code == 200


@pytest.mark.parametrize("who", ["other_citizen", "other_ward_desk"])
def test_others_get_404(client, world, attachment, who):
    client.force_login(getattr(world, who))
    assert client.get(url(attachment)).status_code == 404


def test_anonymous_gets_404(client, attachment):
    assert client.get(url(attachment)).status_code == 404


def test_unknown_id_is_404(client, world, attachment):
    client.force_login(world.citizen)
    assert client.get(f"/attachments/{attachment.pk + 1000}/").status_code == 404


def test_a_file_lost_from_storage_is_404_not_500(client, world, attachment):
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(world.citizen)
    assert client.get(url(attachment)).status_code == 404


def test_types_a_browser_cannot_show_are_downloads(client, world, attachment):
    attachment.content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    attachment.save(update_fields=["content_type"])
    client.force_login(world.citizen)
    response = client.get(url(attachment))
    assert response["Content-Disposition"].startswith("attachment")


def test_the_dossier_page_links_to_this_view(client, world, attachment):
    client.force_login(world.citizen)
    page = client.get(f"/dossiers/{attachment.dossier.code}/").content.decode()
    assert f'href="{url(attachment)}"' in page


def test_media_is_never_served_statically(client, world, attachment):
    client.force_login(world.citizen)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
