"""The API answers in the caller's language, its framework's messages included: Django
REST framework's own Vietnamese catalogue has about twenty of its messages, so without
the project's the field errors, 401s, throttling and paging errors came back in English."""

import pytest

pytestmark = pytest.mark.django_db

VIETNAMESE = {"HTTP_ACCEPT_LANGUAGE": "vi"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_field_errors_are_in_vietnamese(client, world):
    client.force_login(world.desk_officer)
    response = client.post(
        "/api/v1/dossiers/",
        {"procedure": 12, "applicant": "not an object", "receiving_unit": ""},
        content_type="application/json",
        **VIETNAMESE,
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["applicant"]["non_field_errors"] == [
        "Dữ liệu không hợp lệ: cần một đối tượng (từ điển), nhận được str."
    ]
    assert errors["receiving_unit"] == ["Trường này không được để rỗng (null)."]


def test_missing_credentials_are_said_in_vietnamese(client):
    response = client.get("/api/v1/dossiers/", **VIETNAMESE)
    assert response.status_code == 401
    assert response.json()["detail"] == "Chưa cung cấp thông tin xác thực."


def test_a_page_past_the_last_is_said_in_vietnamese(client, world):
    client.force_login(world.desk_officer)
    response = client.get("/api/v1/dossiers/?page=999", **VIETNAMESE)
    assert response.status_code == 404
    assert response.json()["detail"] == "Trang không hợp lệ."


def test_english_callers_keep_english(client):
    response = client.get("/api/v1/dossiers/", **ENGLISH)
    assert response.json()["detail"] == "Authentication credentials were not provided."
