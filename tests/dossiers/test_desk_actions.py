"""The staff dossier screen: one small form per available action, each calling its
service; refusals shown with their reason and nothing changed."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.workdays import TZ
from dossiers.models import AttachmentKind, Status
from dossiers.workflow import ACTION_LABELS, Action, available_actions, refusal_reason

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="ket-qua.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def post(client, dossier, action, data=None):
    return client.post(f"/desk/dossiers/{dossier.code}/{action}/", data or {})


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


@pytest.mark.parametrize(
    ("status", "actor", "action", "data", "expected"),
    [
        ("submitted", "desk_officer", "receive", {}, Status.RECEIVED),
        ("submitted", "desk_officer", "refuse", {"refuse-reason": "Sai thủ tục"}, Status.REFUSED),
        (
            "submitted",
            "desk_officer",
            "request-supplement",
            {"request-supplement-reason": "Thiếu tờ khai"},
            Status.SUPPLEMENT_REQUESTED,
        ),
        (
            "supplement_requested",
            "desk_officer",
            "supplement",
            {"supplement-note": "Đã nộp bản sao", "supplement-files": [pdf("bo-sung.pdf")]},
            Status.IN_PROGRESS,
        ),
        ("in_progress", "specialist", "request-payment", {}, Status.AWAITING_PAYMENT),
        ("awaiting_payment", "specialist", "confirm-payment", {}, Status.IN_PROGRESS),
        ("in_progress", "specialist", "resolve", {"resolve-files": [pdf()]}, Status.RESOLVED),
        ("resolved", "desk_officer", "return", {"return-note": "Đã giao"}, Status.RETURNED),
        ("in_progress", "specialist", "stop", {"stop-reason": "Theo đề nghị"}, Status.STOPPED),
        (
            "in_progress",
            "desk_officer",
            "request-withdrawal",
            {"request-withdrawal-reason": "Công dân xin rút"},
            Status.WITHDRAWAL_REQUESTED,
        ),
    ],
)
def test_each_action_form_calls_its_service(
    client, make, world, status, actor, action, data, expected
):
    dossier = make(status)
    client.force_login(getattr(world, actor))
    page = client.get(f"/desk/dossiers/{dossier.code}/")
    assert action in [form.action for form in page.context["action_forms"]]
    response = post(client, dossier, action, data)
    assert response.status_code == 302, response.context and response.context.get("action_forms")
    assert response["Location"] == f"/desk/dossiers/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == expected
    assert dossier.events.last().action == action
    assert messages_of(response)


def test_transfer_with_unit_and_handler(client, make, world):
    dossier = make("received")
    client.force_login(world.desk_officer)
    data = {"transfer-to_unit": world.justice.pk, "transfer-handler": world.specialist.pk}
    response = post(client, dossier, "transfer", data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.handling_unit, dossier.handler) == (
        Status.IN_PROGRESS,
        world.justice,
        world.specialist,
    )
    assert "Phòng Tư pháp" in messages_of(response)[0]


def test_transfer_to_an_officer_of_another_unit_is_refused_inline(client, make, world):
    dossier = make("received")
    client.force_login(world.desk_officer)
    data = {"transfer-to_unit": world.justice.pk, "transfer-handler": world.ward_specialist.pk}
    response = post(client, dossier, "transfer", data)
    assert response.status_code == 200
    bound = next(f for f in response.context["action_forms"] if f.action == "transfer")
    assert list(bound.errors) == ["handler"]
    assert "Cán bộ này không thể thụ lý hồ sơ tại Phòng Tư pháp" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_resolve_records_the_result_file(client, make, world):
    dossier = make("in_progress")
    client.force_login(world.specialist)
    post(client, dossier, "resolve", {"resolve-note": "Đã ký", "resolve-files": [pdf()]})
    assert dossier.attachments.get().kind == AttachmentKind.RESULT


def test_apology_with_a_new_appointment(client, make, world):
    dossier = make("in_progress")  # appointment Fri 27/11 09:00
    client.force_login(world.specialist)
    data = {
        "apologize-reason": "Cần xác minh thêm",
        "apologize-new_appointment_at": "2026-12-01T15:00",
    }
    response = post(client, dossier, "apologize", data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.appointment_at == datetime(2026, 12, 1, 15, tzinfo=TZ)
    assert dossier.apology_count == 1
    page = client.get(f"/desk/dossiers/{dossier.code}/").content.decode()
    assert f'href="/print/{dossier.code}/apology/"' in page


class TestRefusals:
    def test_an_empty_reason_is_refused_with_the_services_message(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.desk_officer)
        response = post(client, dossier, "refuse", {"refuse-reason": "   "})
        assert response.status_code == 200
        bound = next(f for f in response.context["action_forms"] if f.action == "refuse")
        assert list(bound.errors) == ["reason"]
        assert bound.is_bound
        dossier.refresh_from_db()
        assert dossier.status == Status.SUBMITTED
        assert dossier.events.count() == 1

    def test_an_action_the_table_does_not_allow_shows_why(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.desk_officer)
        response = post(client, dossier, "receive")
        assert response.status_code == 302
        expected = refusal_reason(Action.RECEIVE, dossier, world.desk_officer)
        assert messages_of(response) == [expected]
        dossier.refresh_from_db()
        assert dossier.status == Status.IN_PROGRESS

    def test_a_role_that_may_not_act_is_told_so(self, client, make, world):
        dossier = make("resolved")
        client.force_login(world.specialist)
        response = post(client, dossier, "return")
        assert messages_of(response) == [refusal_reason(Action.RETURN, dossier, world.specialist)]
        dossier.refresh_from_db()
        assert dossier.status == Status.RESOLVED

    def test_an_apology_after_the_due_time_shows_the_reason_inline(
        self, client, make, world, clock
    ):
        dossier = make("in_progress")
        clock.move_to(dossier.due_at + timedelta(hours=1))
        client.force_login(world.specialist)
        data = {"apologize-reason": "Chậm", "apologize-new_appointment_at": "2026-12-04T09:00"}
        response = post(client, dossier, "apologize", data)
        assert response.status_code == 200
        bound = next(f for f in response.context["action_forms"] if f.action == "apologize")
        assert bound.non_field_errors()
        assert 'value="2026-12-04T09:00"' in response.content.decode()
        dossier.refresh_from_db()
        assert dossier.apology_count == 0

    def test_an_earlier_appointment_is_refused_on_its_field(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.specialist)
        data = {"apologize-reason": "Chậm", "apologize-new_appointment_at": "2026-11-24T09:00"}
        response = post(client, dossier, "apologize", data)
        bound = next(f for f in response.context["action_forms"] if f.action == "apologize")
        assert list(bound.errors) == ["new_appointment_at"]

    def test_a_bad_result_file_is_refused_and_nothing_changes(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.specialist)
        fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00" + b"\x00" * 100)
        response = post(client, dossier, "resolve", {"resolve-files": [fake]})
        assert response.status_code == 200
        dossier.refresh_from_db()
        assert (dossier.status, dossier.attachments.count()) == (Status.IN_PROGRESS, 0)

    def test_unknown_action_is_404_and_get_is_not_allowed(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.desk_officer)
        assert post(client, dossier, "explode").status_code == 404
        assert post(client, dossier, "rate").status_code == 404
        assert client.get(f"/desk/dossiers/{dossier.code}/receive/").status_code == 405


class TestDossierScreen:
    def test_it_offers_exactly_the_available_actions(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.specialist)
        response = client.get(f"/desk/dossiers/{dossier.code}/")
        shown = [form.action for form in response.context["action_forms"]]
        assert shown == available_actions(dossier, world.specialist)
        assert "resolve" in shown and "receive" not in shown

    def test_it_shows_data_timeline_files_and_print_links(self, client, make, world):
        dossier = make("supplement_requested")
        client.force_login(world.desk_officer)
        html = client.get(f"/desk/dossiers/{dossier.code}/").content.decode()
        for text in [
            "Nguyễn Văn An",
            "0912345678",
            "Đăng ký khai sinh",
            str(ACTION_LABELS[Action.INTAKE]),
            str(ACTION_LABELS[Action.TRANSFER]),
            "Thiếu",  # the supplement request's reason
            "đang tạm dừng",
            f"/print/{dossier.code}/receipt/",
            f"/print/{dossier.code}/supplement/",
            f"/print/{dossier.code}/tracking/",
        ]:
            assert text in html, text
        assert f"/print/{dossier.code}/refusal/" not in html

    def test_an_attachment_is_served_to_staff_in_scope(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.specialist)
        post(client, dossier, "resolve", {"resolve-files": [pdf()]})
        attachment = dossier.attachments.get()
        response = client.get(f"/desk/dossiers/{dossier.code}/files/{attachment.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
