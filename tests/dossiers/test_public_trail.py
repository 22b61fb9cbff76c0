"""The public trail: the applicant's page, the public lookup (page and API), the tracking
slip and the applicant's API read the status changes with only the notes written to the
applicant; routing notes, step actions and officers stay on the staff side. People's
names read family name first everywhere."""

import pytest
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from dossiers.services import step_actions, transitions
from dossiers.services.intake import file_online
from dossiers.words import action_label
from tests.dossiers.conftest import intake
from tests.world import add_review_step

ROUTING_NOTE = "Chuyển lãnh đạo phường xử lý"
ASSIGNING_NOTE = "Giao anh Cường thẩm định gấp"
SUPPLEMENT_REQUEST = "Bổ sung bản chính giấy chứng sinh"
REFUSAL_REASON = "Thủ tục không thuộc thẩm quyền của phường"
INTERNAL = (ROUTING_NOTE, ASSIGNING_NOTE)
OFFICER = "Lê Văn Cường"


@pytest.fixture
def handled(world, clock):
    """Filed online, asked for a supplement, supplemented, received, handed to the
    review step with a routing note, the step assigned to Lê Văn Cường."""
    add_review_step(world, share=100)
    world.specialist.first_name, world.specialist.last_name = "Cường", "Lê Văn"
    world.specialist.save()
    dossier = file_online(world.citizen, intake(world), world.town)
    dossier = transitions.request_supplement(dossier, world.desk_officer, SUPPLEMENT_REQUEST)
    dossier = transitions.supplement(dossier, world.citizen, "Đã nộp bản chính")
    dossier = transitions.receive(dossier, world.desk_officer)
    dossier = transitions.transfer(dossier, world.desk_officer, note=ROUTING_NOTE)
    return step_actions.assign(dossier, world.unit_leader, world.specialist, note=ASSIGNING_NOTE)


@pytest.fixture
def refused(world, clock):
    dossier = file_online(world.citizen, intake(world), world.town)
    return transitions.refuse(dossier, world.desk_officer, REFUSAL_REASON)


def step_label():
    with translation.override("vi"):
        return str(action_label("assign"))


def html_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_public(text):
    for internal in INTERNAL:
        assert escape(internal) not in text and internal not in text
    assert escape(step_label()) not in text and '"assign"' not in text


class TestTheApplicantSide:
    def test_the_citizen_page(self, client, world, handled, refused):
        page = html_of(client, world.citizen, f"/dossiers/{handled.code}/")
        assert_public(page)
        assert escape(SUPPLEMENT_REQUEST) in page
        assert OFFICER not in page
        assert escape(REFUSAL_REASON) in html_of(
            client, world.citizen, f"/dossiers/{refused.code}/"
        )

    def test_the_lookup_page(self, client, world, handled):
        response = client.post("/lookup/", {"code": handled.code, "phone": "0912345678"})
        page = response.content.decode()
        assert_public(page)
        assert escape(SUPPLEMENT_REQUEST) in page and OFFICER not in page

    def test_the_lookup_api(self, world, handled, refused):
        api = APIClient()
        body = api.get("/api/v1/lookup/", {"code": handled.code, "phone": "0912345678"})
        assert_public(body.content.decode())
        events = body.json()["events"]
        assert [event["action"] for event in events] == [
            "file",
            "request-supplement",
            "supplement",
            "receive",
            "transfer",
        ]
        assert [event["note"] for event in events] == ["", SUPPLEMENT_REQUEST, "", "", ""]
        other = api.get("/api/v1/lookup/", {"code": refused.code, "phone": "0912345678"})
        assert other.json()["events"][-1]["note"] == REFUSAL_REASON

    def test_the_applicants_api(self, world, handled):
        api = APIClient()
        api.force_authenticate(world.citizen)
        response = api.get(f"/api/v1/dossiers/{handled.code}/events/")
        assert response.status_code == 200
        assert_public(response.content.decode())
        events = response.json()
        assert [event["action"] for event in events][-1] == "transfer"
        assert {event["actor"] for event in events} == {None}
        assert events[1]["note"] == SUPPLEMENT_REQUEST

    def test_the_tracking_slip(self, client, world, handled):
        slip = html_of(client, world.citizen, f"/print/{handled.code}/tracking/")
        assert_public(slip)
        assert escape(SUPPLEMENT_REQUEST) in slip


class TestTheStaffSide:
    def test_the_desk_page_shows_everything(self, client, world, handled):
        page = html_of(client, world.desk_officer, f"/desk/dossiers/{handled.code}/")
        for note in (*INTERNAL, SUPPLEMENT_REQUEST):
            assert escape(note) in page
        assert escape(step_label()) in page
        assert OFFICER in page

    def test_the_staff_api_shows_everything(self, world, handled):
        api = APIClient()
        api.force_authenticate(world.desk_officer)
        events = api.get(f"/api/v1/dossiers/{handled.code}/events/").json()
        assert events[-1]["action"] == "assign"
        assert [event["note"] for event in events][-2:] == [ROUTING_NOTE, ASSIGNING_NOTE]
        assert events[-1]["actor"] == world.unit_leader.get_full_name()


class TestNamesFamilyNameFirst:
    def test_the_user_model(self, world):
        world.specialist.first_name, world.specialist.last_name = "Cường", "Lê Văn"
        assert world.specialist.get_full_name() == OFFICER

    def test_the_api_detail_handler(self, world, handled):
        api = APIClient()
        api.force_authenticate(world.desk_officer)
        body = api.get(f"/api/v1/dossiers/{handled.code}/").json()
        assert body["handler"]["name"] == OFFICER
        assert body["steps"][0]["handler"]["name"] == OFFICER

    def test_the_desk_pages(self, client, world, handled):
        assert OFFICER in html_of(client, world.desk_officer, f"/desk/dossiers/{handled.code}/")

    def test_the_tracking_slip(self, client, world, handled, clock):
        transitions.transfer(handled, world.specialist, to_unit=world.town)
        slip = html_of(client, world.desk_officer, f"/print/{handled.code}/tracking/")
        assert OFFICER in slip
