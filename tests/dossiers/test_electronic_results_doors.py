"""The doors of electronic results: the desk's dossier page and the API issue them, the
citizen's page lists them, and the public verification page and API check a PDF
(throttled, per client address). The rules themselves are tested in
``test_electronic_results``."""

import pytest

from dossiers.models import ElectronicResult
from tests.dossiers.test_electronic_results import (
    issued,
    one_byte_changed,
    pdf_file,
    signed_bytes,
)
from tests.samples import png_upload


def low_verify_rate(settings, rate="2/min"):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify": rate,
        },
    }


# --- the desk -----------------------------------------------------------------------------


def test_the_specialist_signs_the_result_from_the_dossier_page(
    client, world, make, keys, result_pdf
):
    dossier = make("in_progress")
    client.force_login(world.specialist)
    page = client.get(f"/desk/dossiers/{dossier.code}/")
    assert b'id="issue-result"' in page.content
    answer = client.post(
        f"/desk/dossiers/{dossier.code}/results/issue/", {"file": pdf_file(result_pdf)}
    )
    assert answer.status_code == 302
    result = ElectronicResult.objects.get(dossier=dossier)
    page = client.get(answer.url)
    assert f"/verify/{result.public_id}/".encode() in page.content


def test_the_desk_officer_is_not_offered_the_signing(client, world, make, keys):
    dossier = make("in_progress")
    client.force_login(world.desk_officer)
    assert b'id="issue-result"' not in client.get(f"/desk/dossiers/{dossier.code}/").content


def test_a_refused_file_is_said_on_the_page_and_nothing_is_kept(client, world, make, keys):
    dossier = make("in_progress")
    client.force_login(world.specialist)
    answer = client.post(
        f"/desk/dossiers/{dossier.code}/results/issue/", {"file": png_upload()}, follow=True
    )
    assert "không phải là PDF" in answer.content.decode()
    assert not ElectronicResult.objects.exists()


def test_out_of_scope_staff_get_404(client, world, make, keys, result_pdf):
    dossier = make("in_progress")
    client.force_login(world.other_specialist)
    answer = client.post(
        f"/desk/dossiers/{dossier.code}/results/issue/", {"file": pdf_file(result_pdf)}
    )
    assert answer.status_code == 404


# --- the citizen -----------------------------------------------------------------------------


def test_the_citizen_downloads_the_signed_result(client, world, make, keys, result_pdf):
    dossier = make("in_progress")
    result = issued(world, dossier, result_pdf)
    client.force_login(world.citizen)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert f"/verify/{result.public_id}/" in page
    download = client.get(f"/attachments/{result.attachment_id}/")
    assert b"".join(download.streaming_content) == signed_bytes(result)
    client.force_login(world.other_citizen)
    assert client.get(f"/attachments/{result.attachment_id}/").status_code == 404


# --- the API ---------------------------------------------------------------------------------


def test_the_api_issues_and_lists_results(api_client, world, make, keys, result_pdf):
    dossier = make("in_progress")
    api_client.force_authenticate(world.specialist)
    url = f"/api/v1/dossiers/{dossier.code}/results/"
    created = api_client.post(url, {"file": pdf_file(result_pdf)}, format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["dossier_code"] == dossier.code
    assert body["agency"] == world.town.name
    assert [item["public_id"] for item in api_client.get(url).json()] == [body["public_id"]]


def test_the_api_refuses_a_bad_file_on_the_field(api_client, world, make, keys):
    dossier = make("in_progress")
    api_client.force_authenticate(world.specialist)
    answer = api_client.post(
        f"/api/v1/dossiers/{dossier.code}/results/", {"file": png_upload()}, format="multipart"
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["file"]


@pytest.mark.parametrize(("person", "status"), [("desk_officer", 400), ("citizen", 400)])
def test_the_api_refuses_who_may_not_sign(
    api_client, world, make, keys, result_pdf, person, status
):
    dossier = make("in_progress")
    api_client.force_authenticate(getattr(world, person))
    answer = api_client.post(
        f"/api/v1/dossiers/{dossier.code}/results/",
        {"file": pdf_file(result_pdf)},
        format="multipart",
    )
    assert answer.status_code == status
    assert not ElectronicResult.objects.exists()


def test_the_api_hides_another_units_dossier(api_client, world, make, keys, result_pdf):
    dossier = make("in_progress")
    api_client.force_authenticate(world.other_specialist)
    url = f"/api/v1/dossiers/{dossier.code}/results/"
    assert api_client.get(url).status_code == 404
    assert api_client.post(url, {"file": pdf_file(result_pdf)}).status_code == 404


# --- public verification ------------------------------------------------------------------


def test_the_public_api_says_valid_and_which_result(api_client, world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    answer = api_client.post(
        "/api/v1/verify/", {"file": pdf_file(signed_bytes(result))}, format="multipart"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "valid"
    assert world.town.name in body["signer"]
    assert body["signed_at"]
    assert body["result"]["dossier_code"] == result.dossier.code
    assert body["result"]["agency"] == world.town.name


def test_the_public_api_says_modified(api_client, world, make, keys, result_pdf):
    data = one_byte_changed(signed_bytes(issued(world, make("in_progress"), result_pdf)))
    body = api_client.post("/api/v1/verify/", {"file": pdf_file(data)}).json()
    assert (body["state"], body["result"]) == ("modified", None)


def test_the_qr_code_address_verifies_the_kept_result(api_client, world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    body = api_client.get(f"/api/v1/verify/{result.public_id}/").json()
    assert body["state"] == "valid"
    unknown = api_client.get("/api/v1/verify/00000000-0000-4000-8000-000000000000/")
    assert unknown.status_code == 404


def test_the_public_api_refuses_what_is_no_pdf(api_client):
    answer = api_client.post("/api/v1/verify/", {"file": png_upload()})
    assert answer.status_code == 400
    assert list(answer.json()) == ["file"]
    assert api_client.post("/api/v1/verify/", {}).status_code == 400


def test_the_public_page_shows_the_verdict(client, world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    page = client.post("/verify/", {"file": pdf_file(signed_bytes(result))})
    text = page.content.decode()
    assert page.status_code == 200
    assert "verdict-valid" in text
    assert result.dossier.code in text
    page = client.post("/verify/", {"file": pdf_file(result_pdf)})
    assert "verdict-unsigned" in page.content.decode()
    page = client.get(f"/verify/{result.public_id}/")
    assert "verdict-valid" in page.content.decode()


def test_the_public_page_answers_a_bad_file_inline(client):
    page = client.post("/verify/", {"file": png_upload()})
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert client.post("/verify/", {}).status_code == 400


def test_the_page_and_the_api_share_one_throttle(db, client, api_client, settings, result_pdf):
    low_verify_rate(settings)
    assert client.post("/verify/", {"file": pdf_file(result_pdf)}).status_code == 200
    assert api_client.post("/api/v1/verify/", {"file": pdf_file(result_pdf)}).status_code == 200
    assert client.post("/verify/", {"file": pdf_file(result_pdf)}).status_code == 429
    assert api_client.post("/api/v1/verify/", {"file": pdf_file(result_pdf)}).status_code == 429
