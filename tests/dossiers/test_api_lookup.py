"""The public lookup: code and phone must both match, nothing to enumerate, throttled."""

import pytest

from dossiers.services import transitions
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake

URL = "/api/v1/lookup/"


def look_up(client, code, phone):
    return client.get(URL, {"code": code, "phone": phone})


def test_code_and_phone_open_the_public_timeline(api_client, make, world):
    dossier = transitions.transfer(make("received"), world.desk_officer, to_unit=world.justice)
    response = look_up(api_client, dossier.code, "0912345678")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert (body["status"], body["status_code"]) == ("in_progress", 4)
    assert body["procedure"]["name"] == "Đăng ký khai sinh"
    assert body["applicant_name"] == "Nguyễn V. A."
    assert body["received_at"] == "2026-11-23T09:00:00+07:00"
    assert body["appointment_at"] == "2026-11-27T09:00:00+07:00"
    assert [(e["action"], e["status"], e["status_code"]) for e in body["events"]] == [
        ("intake", "received", 2),
        ("transfer", "in_progress", 4),
    ]
    assert set(body["events"][0]) == {
        "action",
        "action_label",
        "at",
        "status",
        "status_label",
        "status_code",
        "note",
    }


def test_nothing_private_is_shown(api_client, make, world):
    dossier = make("received")
    response = look_up(api_client, dossier.code, "0912345678")
    text = response.content.decode()
    for private in ("Nguyễn Văn An", "001090000001", "an@example.vn", "Phường Lê Lợi", "desk"):
        assert private not in text
    assert "actor" not in text
    assert [event["note"] for event in response.json()["events"]] == [""]


@pytest.mark.parametrize("phone", ["+84 912 345 678", "0912.345.678", "84912345678"])
def test_the_phone_may_be_written_several_ways(api_client, make, phone):
    dossier = make("received")
    assert look_up(api_client, dossier.code, phone).status_code == 200


def test_the_code_may_be_typed_in_lower_case(api_client, make):
    dossier = make("received")
    assert look_up(api_client, dossier.code.lower(), "0912345678").status_code == 200


def test_a_wrong_phone_looks_exactly_like_an_unknown_code(api_client, make, world):
    dossier = make("received")
    wrong_phone = look_up(api_client, dossier.code, "0987654321")
    unknown_code = look_up(api_client, "H26.45-261123-9999", "0912345678")
    assert wrong_phone.status_code == unknown_code.status_code == 404
    assert wrong_phone.json() == unknown_code.json()
    assert wrong_phone.json()["detail"] == "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại này."


def test_another_applicants_phone_does_not_open_it(api_client, make, world):
    mine = make("received")
    intake_at_counter(world.desk_officer, intake(world, phone="0987654321"))
    assert look_up(api_client, mine.code, "0987654321").status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"code", "phone"}),
        ({"code": "H26.45-261123-0001"}, {"phone"}),
        ({"phone": "0912345678"}, {"code"}),
        ({"code": "", "phone": ""}, {"code", "phone"}),
        ({"code": "x" * 61, "phone": "0" * 21}, {"code", "phone"}),
    ],
)
def test_both_are_required(api_client, params, fields, db):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_a_signed_in_officer_gets_no_more_than_the_public(api_client, make, world):
    dossier = make("received")
    api_client.force_authenticate(world.desk_officer)
    assert look_up(api_client, dossier.code, "0987654321").status_code == 404


def test_lookups_are_throttled(api_client, make, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "lookup": "3/min",
        },
    }
    dossier = make("received")
    answers = [look_up(api_client, dossier.code, "0999999999").status_code for _n in range(3)]
    assert answers == [404, 404, 404]
    # Even the right phone is refused once the budget is spent: guessing costs time.
    blocked = look_up(api_client, dossier.code, "0912345678")
    assert blocked.status_code == 429
    assert "detail" in blocked.json()
