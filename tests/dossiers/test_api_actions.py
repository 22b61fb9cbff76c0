"""One endpoint per workflow action: each once on its happy path, forbidden ones refused
with the reason and nothing changed, bad bodies named, hidden dossiers 404."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Attachment, Dossier, DossierEvent, Rating
from tests.dossiers.test_api import URL, logged_in, pdf


@pytest.fixture
def login(api_client):
    return lambda user: logged_in(api_client, user)


def act(client, dossier, action, body=None, **kwargs):
    return client.post(f"{URL}{dossier.code}/{action}/", body or {}, **kwargs)


def snapshot(dossier):
    """What an action may change: the row and the counts of what hangs off it."""
    row = Dossier.objects.filter(pk=dossier.pk).values().get()
    row.pop("updated_at")
    return row, DossierEvent.objects.filter(dossier=dossier).count(), Attachment.objects.count()


# (action, starting status, acting user, body, the status after it)
HAPPY_PATHS = [
    ("receive", "submitted", "desk_officer", {"note": "Đủ giấy tờ"}, "received"),
    ("refuse", "submitted", "desk_officer", {"reason": "Không thuộc thẩm quyền"}, "refused"),
    (
        "request-supplement",
        "submitted",
        "desk_officer",
        {"reason": "Thiếu tờ khai"},
        "supplement_requested",
    ),
    ("transfer", "received", "desk_officer", {"to_unit": "H26.45.TP"}, "in_progress"),
    ("request-payment", "in_progress", "specialist", {}, "awaiting_payment"),
    ("confirm-payment", "awaiting_payment", "specialist", {"note": "Đã nộp"}, "in_progress"),
    ("return", "resolved", "desk_officer", {}, "returned"),
    (
        "request-withdrawal",
        "in_progress",
        "citizen",
        {"reason": "Không còn nhu cầu"},
        "withdrawal_requested",
    ),
    ("stop", "withdrawal_requested", "desk_officer", {"reason": "Theo đề nghị"}, "stopped"),
    ("rate", "returned", "citizen", {"level": "very_satisfied", "comment": "Tốt"}, "returned"),
]


@pytest.mark.parametrize(("action", "start", "actor", "body", "after"), HAPPY_PATHS)
def test_each_action(login, make, world, action, start, actor, body, after):
    dossier = make(start)
    response = act(login(getattr(world, actor)), dossier, action, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["code"] == dossier.code
    assert response.json()["status"] == after
    last = DossierEvent.objects.filter(dossier=dossier).last()
    assert last.action == action
    assert Dossier.objects.get(pk=dossier.pk).status == after


def test_transfer_to_a_named_officer(login, make, world):
    dossier = make("received")
    body = {"to_unit": "H26.45.TP", "handler": "spec", "note": "Chuyển thụ lý"}
    response = act(login(world.desk_officer), dossier, "transfer", body, format="json")
    assert response.status_code == 200
    assert response.json()["handling_unit"]["code"] == "H26.45.TP"
    assert response.json()["handler"] == {"username": "spec", "name": "Nguyễn Văn An"}


def test_supplement_with_files_resumes_handling(login, make, world):
    dossier = make("supplement_requested")
    body = {"note": "Bổ sung tờ khai", "files": [pdf("to-khai.pdf")]}
    response = act(login(world.citizen), dossier, "supplement", body, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    [file] = response.json()["attachments"]
    assert (file["name"], file["kind"]) == ("to-khai.pdf", "supplement")
    assert response.json()["supplements"][0]["fulfilled_note"] == "Bổ sung tờ khai"


def test_resolve_with_the_result(login, make, world):
    dossier = make("in_progress")
    body = {"note": "Đã ký", "files": [pdf("giay-khai-sinh.pdf")]}
    response = act(login(world.specialist), dossier, "resolve", body, format="multipart")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["verdict"]) == ("resolved", "early")
    assert response.json()["attachments"][0]["kind"] == "result"


def test_apologize_moves_the_appointment(login, make, world):
    dossier = make("in_progress")
    body = {"reason": "Cần xác minh thêm", "new_appointment_at": "2026-12-02T17:00:00+07:00"}
    response = act(login(world.specialist), dossier, "apologize", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["appointment_at"] == "2026-12-02T17:00:00+07:00"
    assert response.json()["due_at"] == "2026-11-27T09:00:00+07:00"
    assert response.json()["apologies"][0]["reason"] == "Cần xác minh thêm"


def test_the_action_list_matches_the_workflow(login, make, world):
    dossier = make("received")
    response = login(world.desk_officer).get(f"{URL}{dossier.code}/")
    assert set(response.json()["available_actions"]) == {"transfer", "request-withdrawal"}


@pytest.mark.parametrize(
    ("action", "start", "actor", "body"),
    [
        ("receive", "in_progress", "desk_officer", {}),  # wrong status
        ("resolve", "in_progress", "citizen", {}),  # wrong side
        ("return", "in_progress", "desk_officer", {}),
        ("stop", "returned", "desk_officer", {"reason": "Dừng"}),
        ("rate", "in_progress", "citizen", {"level": "satisfied"}),
        ("supplement", "in_progress", "citizen", {"note": "Không ai yêu cầu"}),
        ("transfer", "received", "citizen", {}),
    ],
)
def test_a_forbidden_action_is_refused_with_the_reason_and_changes_nothing(
    login, make, world, action, start, actor, body
):
    dossier = make(start)
    before = snapshot(dossier)
    response = act(login(getattr(world, actor)), dossier, action, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    assert snapshot(dossier) == before


def test_the_reason_is_in_vietnamese(login, make, world):
    dossier = make("in_progress")
    response = act(login(world.desk_officer), dossier, "receive", format="json")
    assert response.json() == {
        "detail": "Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “Đang giải quyết”."
    }


def test_rating_twice_is_refused(login, make, world):
    dossier = make("returned")
    client = login(world.citizen)
    assert act(client, dossier, "rate", {"level": "satisfied"}, format="json").status_code == 200
    again = act(client, dossier, "rate", {"level": "dissatisfied"}, format="json")
    assert again.status_code == 400
    assert Rating.objects.get(dossier=dossier).level == "satisfied"


def test_a_service_field_error_names_the_field(login, make, world):
    dossier = make("in_progress")
    before = snapshot(dossier)
    body = {"reason": "Chậm", "new_appointment_at": "2026-11-26T09:00:00+07:00"}  # earlier
    response = act(login(world.specialist), dossier, "apologize", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"new_appointment_at"}
    assert snapshot(dossier) == before


def test_an_apology_after_the_due_time_is_refused(login, make, world, clock):
    dossier = make("in_progress")
    clock.move_to(dossier.due_at + timedelta(hours=1))
    body = {"reason": "Chậm", "new_appointment_at": "2026-12-10T17:00:00+07:00"}
    response = act(login(world.specialist), dossier, "apologize", body, format="json")
    assert (response.status_code, set(response.json())) == (400, {"detail"})


@pytest.mark.parametrize(
    ("action", "start", "actor", "body", "field"),
    [
        ("refuse", "submitted", "desk_officer", {}, "reason"),
        ("refuse", "submitted", "desk_officer", {"reason": ""}, "reason"),
        ("request-supplement", "submitted", "desk_officer", {"reason": ["a"]}, "reason"),
        ("request-withdrawal", "in_progress", "citizen", {"reason": None}, "reason"),
        ("stop", "in_progress", "specialist", {"reason": "x" * 5001}, "reason"),
        ("transfer", "received", "desk_officer", {"to_unit": "NOWHERE"}, "to_unit"),
        ("transfer", "received", "desk_officer", {"handler": "nobody"}, "handler"),
        ("transfer", "received", "desk_officer", {"handler": "citizen"}, "handler"),
        (
            "transfer",
            "received",
            "desk_officer",
            {"to_unit": "H26.45.01", "handler": "spec"},
            "handler",
        ),
        ("apologize", "in_progress", "specialist", {"reason": "Chậm"}, "new_appointment_at"),
        (
            "apologize",
            "in_progress",
            "specialist",
            {"reason": "Chậm", "new_appointment_at": "30/11/2026"},
            "new_appointment_at",
        ),
        ("rate", "returned", "citizen", {"level": 5}, "level"),
        ("rate", "returned", "citizen", {"level": "great"}, "level"),
        ("rate", "returned", "citizen", {"level": "satisfied", "comment": {"a": 1}}, "comment"),
        ("receive", "submitted", "desk_officer", {"note": ["x"]}, "note"),
    ],
)
def test_a_bad_body_names_the_field_and_changes_nothing(
    login, make, world, action, start, actor, body, field
):
    dossier = make(start)
    before = snapshot(dossier)
    response = act(login(getattr(world, actor)), dossier, action, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert snapshot(dossier) == before


def test_a_refused_upload_leaves_the_dossier_as_it_was(login, make, world):
    dossier = make("supplement_requested")
    before = snapshot(dossier)
    body = {"files": [SimpleUploadedFile("anh.png", b"GIF89a" + b"\0" * 100)]}
    response = act(login(world.citizen), dossier, "supplement", body, format="multipart")
    assert response.status_code == 400
    assert "anh.png" in response.json()["files"][0]
    assert snapshot(dossier) == before


def test_an_oversized_upload_is_refused_with_the_limit(login, make, world, settings):
    settings.ONESTOP_UPLOAD_MAX_BYTES = 20
    dossier = make("in_progress")
    response = act(
        login(world.specialist), dossier, "resolve", {"files": [pdf()]}, format="multipart"
    )
    assert response.status_code == 400
    assert "20" in response.json()["files"][0]
    assert Dossier.objects.get(pk=dossier.pk).status == "in_progress"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{oops", "application/json"), ('"text"', "application/json"), ("reason", "text/plain")],
)
def test_an_unreadable_body_is_a_json_error(login, make, world, data, content_type):
    dossier = make("submitted")
    client = login(world.desk_officer)
    response = client.post(f"{URL}{dossier.code}/refuse/", data, content_type=content_type)
    assert response.status_code in (400, 415)
    assert response.json()
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"


def test_a_hidden_dossier_is_a_404_for_every_action(login, make, world):
    dossier = make("submitted")
    client = login(world.other_ward_desk)
    before = snapshot(dossier)
    for action in ("receive", "refuse", "stop", "rate"):
        response = act(client, dossier, action, {"reason": "x", "level": "satisfied"})
        assert response.status_code == 404
    assert act(client, dossier, "no-such-action").status_code == 404
    assert snapshot(dossier) == before


def test_actions_need_a_login(api_client, make):
    dossier = make("submitted")
    response = act(api_client, dossier, "receive", format="json")
    assert response.status_code in (401, 403)
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"
