"""The digitisation API: scan (multipart) and exempt one paper of a dossier, field-level
errors for bad input, 404 outside one's scope, and the detail showing where each paper
stands and whether the dossier is fully digitised."""

import pytest

from dossiers.services.components import ComponentEntry
from tests.dossiers.test_api import logged_in
from tests.dossiers.test_digitisation import PNG, counter_intake, scan_file
from tests.procedures.factories import RequiredDocumentFactory

URL = "/api/v1/dossiers/"


@pytest.fixture
def dossier(world, clock):
    papers = [
        RequiredDocumentFactory(procedure=world.procedure, name=name, originals=1, order=n)
        for n, name in enumerate(["Tờ khai", "Giấy chứng sinh"])
    ]
    return counter_intake(world, papers, [ComponentEntry(document=p) for p in papers])


def component_url(dossier, component, act):
    return f"{URL}{dossier.code}/components/{component.pk}/{act}/"


def test_scan_and_exempt_make_the_detail_fully_digitised(api_client, world, dossier):
    client = logged_in(api_client, world.desk_officer)
    first, second = dossier.components.order_by("order")
    detail = client.get(f"{URL}{dossier.code}/").json()
    assert detail["fully_digitised"] is False
    assert [c["digitised"] for c in detail["components"]] == [False, False]

    scanned = client.post(
        component_url(dossier, first, "scan"), {"file": scan_file("a.png", PNG)}, format="multipart"
    )
    assert scanned.status_code == 200, scanned.content
    assert scanned.json()["digitised"] is True
    exempted = client.post(
        component_url(dossier, second, "exempt"), {"reason": "filed_online"}, format="json"
    )
    assert exempted.status_code == 200, exempted.content
    assert exempted.json()["exemption"] == "filed_online"

    detail = client.get(f"{URL}{dossier.code}/").json()
    assert detail["fully_digitised"] is True
    states = {c["id"]: c for c in detail["components"]}
    assert states[first.pk]["digitised"] and states[first.pk]["scan"] is not None
    assert states[second.pk]["exemption"] == "filed_online"


def test_bad_input_gets_field_level_errors(api_client, world, dossier):
    client = logged_in(api_client, world.desk_officer)
    first = dossier.components.first()
    bad_file = client.post(
        component_url(dossier, first, "scan"),
        {"file": scan_file("x.pdf", b"hello")},
        format="multipart",
    )
    assert bad_file.status_code == 400
    assert "x.pdf" in bad_file.json()["file"][0]
    no_file = client.post(component_url(dossier, first, "scan"), {}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()
    bad_reason = client.post(component_url(dossier, first, "exempt"), {"reason": "lost"})
    assert bad_reason.status_code == 400
    assert bad_reason.json()["reason"] == ["Chọn một lý do theo Thông tư 03/2025."]


def test_out_of_scope_is_404_and_others_are_refused(api_client, world, dossier):
    first = dossier.components.first()
    url = component_url(dossier, first, "exempt")
    assert (
        logged_in(api_client, world.other_desk_officer)
        .post(url, {"reason": "confidential"})
        .status_code
        == 404
    )
    assert (
        logged_in(api_client, world.desk_officer)
        .post(f"{URL}{dossier.code}/components/999999/exempt/", {"reason": "confidential"})
        .status_code
        == 404
    )
    refused = logged_in(api_client, world.citizen).post(url, {"reason": "confidential"})
    assert refused.status_code == 400
    first.refresh_from_db()
    assert first.exemption == ""
