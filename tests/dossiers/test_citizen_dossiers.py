""" "My dossiers" and the dossier page: scoping through visible_to, flat query counts, and the
citizen's answers (supplement, withdrawal, rating) going through the services."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from dossiers.models import Attachment, AttachmentKind, Rating, Satisfaction, Status
from dossiers.services import transitions
from dossiers.services.intake import file_online
from dossiers.templatetags.dossier_tags import remaining
from dossiers.workflow import ACTION_LABELS, Action
from tests.dossiers.conftest import intake

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def page_of(dossier, action=""):
    return f"/dossiers/{dossier.code}/{action + '/' if action else ''}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shows(response, text):
    return escape(str(text)) in response.content.decode()


class TestMyDossiers:
    def test_lists_only_my_dossiers_newest_first(self, client, make, world):
        first, second = make("submitted"), make("received")
        file_online(world.other_citizen, intake(world, name="Lê Thị Mai"), world.town)
        client.force_login(world.citizen)
        response = client.get("/dossiers/mine/")
        assert list(response.context["page"]) == [second, first]
        page = response.content.decode()
        assert first.code in page and second.code in page and "Lê Thị Mai" not in page

    def test_status_and_appointment_are_shown(self, client, make, world):
        dossier = make("received")
        client.force_login(world.citizen)
        response = client.get("/dossiers/mine/")
        assert shows(response, dossier.get_status_display())
        assert "27/11/2026" in response.content.decode()

    @pytest.mark.parametrize("count", [1, 6])
    def test_query_count_does_not_grow(self, client, make, world, count, django_assert_num_queries):
        for _ in range(count):
            make("received")
        client.force_login(world.citizen)
        # session, user, the user's roles, the count, the page
        with django_assert_num_queries(5):
            assert client.get("/dossiers/mine/").status_code == 200

    def test_a_bad_page_number_falls_back(self, client, make, world):
        make("submitted")
        client.force_login(world.citizen)
        for page in ["abc", "0", "99"]:
            response = client.get(f"/dossiers/mine/?page={page}")
            assert response.status_code == 200
            assert response.context["page_notice"]

    def test_nothing_yet(self, client, world):
        client.force_login(world.citizen)
        response = client.get("/dossiers/mine/")
        assert response.status_code == 200
        assert not response.context["page"].object_list


class TestTheDossierPage:
    def test_owner_sees_status_timeline_and_time_left(self, client, make, world, clock):
        dossier = make("in_progress")
        clock.shift(timedelta(hours=1))
        client.force_login(world.citizen)
        response = client.get(page_of(dossier))
        assert response.status_code == 200
        assert shows(response, dossier.get_status_display())
        labels = [label for _event, label in response.context["events"]]
        assert labels == [ACTION_LABELS[Action.INTAKE], ACTION_LABELS[Action.TRANSFER]]
        assert all(shows(response, label) for label in labels)
        dossier.refresh_from_db()
        assert remaining(dossier) and shows(response, remaining(dossier))

    def test_late_dossier_says_so(self, client, make, world, clock):
        dossier = make("in_progress")
        clock.shift(timedelta(days=8))
        client.force_login(world.citizen)
        response = client.get(page_of(dossier))
        assert 'class="remaining overdue"' in response.content.decode()

    def test_other_citizens_and_anonymous_get_nothing(self, client, make, world):
        dossier = make("received")
        client.force_login(world.other_citizen)
        assert client.get(page_of(dossier)).status_code == 404
        client.logout()
        response = client.get(page_of(dossier))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_staff_in_scope_get_a_link_to_the_desk(self, client, make, world):
        dossier = make("received")
        client.force_login(world.desk_officer)
        response = client.get(page_of(dossier))
        assert f'href="/desk/dossiers/{dossier.code}/"' in response.content.decode()
        client.force_login(world.other_ward_desk)
        assert client.get(page_of(dossier)).status_code == 404

    def test_only_allowed_answers_are_offered(self, client, make, world):
        client.force_login(world.citizen)
        forms = client.get(page_of(make("submitted"))).context["forms"]
        assert set(forms) == {"request_withdrawal"}
        forms = client.get(page_of(make("supplement_requested"))).context["forms"]
        assert set(forms) == {"supplement", "request_withdrawal"}
        forms = client.get(page_of(make("returned"))).context["forms"]
        assert set(forms) == {"rate"}

    def test_unknown_code_is_404(self, client, world):
        client.force_login(world.citizen)
        assert client.get("/dossiers/H26.45-261123-9999/").status_code == 404
        assert client.get("/dossiers/H26%00-261123-0001/").status_code == 404


class TestSupplement:
    def test_files_answer_the_request_and_the_clock_resumes(self, client, make, world, media):
        dossier = make("supplement_requested")
        client.force_login(world.citizen)
        response = client.get(page_of(dossier))
        assert shows(response, "Thiếu")  # the desk's request is shown
        upload = SimpleUploadedFile("ban-sao.pdf", PDF)
        response = client.post(
            page_of(dossier, "supplement"), {"files": [upload], "note": "Đã bổ sung"}
        )
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == Status.IN_PROGRESS
        attachment = Attachment.objects.get(dossier=dossier)
        assert (attachment.kind, attachment.original_name) == (
            AttachmentKind.SUPPLEMENT,
            "ban-sao.pdf",
        )
        assert dossier.supplements.get().fulfilled_note == "Đã bổ sung"

    def test_a_bad_file_is_inline_and_nothing_changes(self, client, make, world, media):
        dossier = make("supplement_requested")
        client.force_login(world.citizen)
        upload = SimpleUploadedFile("anh.jpg", EXE)
        response = client.post(
            page_of(dossier, "supplement"), {"files": [upload], "note": "Ghi chú giữ lại"}
        )
        assert response.status_code == 200
        errors = response.context["forms"]["supplement"].errors["files"]
        assert "anh.jpg" in errors[0] and shows(response, errors[0])
        assert shows(response, "Ghi chú giữ lại")
        dossier.refresh_from_db()
        assert dossier.status == Status.SUPPLEMENT_REQUESTED
        assert not Attachment.objects.exists()

    def test_an_empty_answer_is_refused(self, client, make, world):
        dossier = make("supplement_requested")
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "supplement"), {})
        assert response.context["forms"]["supplement"].non_field_errors()
        dossier.refresh_from_db()
        assert dossier.status == Status.SUPPLEMENT_REQUESTED

    def test_when_nothing_was_asked_the_service_says_so_inline(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "supplement"), {"note": "Bổ sung"})
        assert response.status_code == 200
        errors = response.context["forms"]["supplement"].non_field_errors()
        assert len(errors) == 1 and shows(response, errors[0])
        assert dossier.events.count() == 2

    def test_get_is_not_allowed(self, client, make, world):
        client.force_login(world.citizen)
        assert client.get(page_of(make("supplement_requested"), "supplement")).status_code == 405


class TestWithdrawal:
    def test_reason_and_confirmation_are_required(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "withdraw"), {"reason": "  "})
        assert set(response.context["forms"]["request_withdrawal"].errors) == {"reason", "confirm"}
        response = client.post(page_of(dossier, "withdraw"), {"reason": "Không cần nữa"})
        assert set(response.context["forms"]["request_withdrawal"].errors) == {"confirm"}
        assert shows(response, "Không cần nữa")
        dossier.refresh_from_db()
        assert dossier.status == Status.IN_PROGRESS

    def test_a_confirmed_request_goes_through_the_service(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.citizen)
        data = {"reason": "Không cần nữa", "confirm": "on"}
        response = client.post(page_of(dossier, "withdraw"), data)
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == Status.WITHDRAWAL_REQUESTED
        event = dossier.events.last()
        assert (event.actor, event.note) == (world.citizen, "Không cần nữa")

    def test_a_final_dossier_cannot_be_withdrawn(self, client, make, world):
        dossier = make("returned")
        client.force_login(world.citizen)
        data = {"reason": "Không cần nữa", "confirm": "on"}
        response = client.post(page_of(dossier, "withdraw"), data)
        assert response.status_code == 200
        errors = response.context["forms"]["request_withdrawal"].non_field_errors()
        assert len(errors) == 1 and shows(response, errors[0])
        dossier.refresh_from_db()
        assert dossier.status == Status.RETURNED


class TestRating:
    def test_rating_after_return(self, client, make, world):
        dossier = make("returned")
        client.force_login(world.citizen)
        data = {"level": Satisfaction.SATISFIED, "comment": "Nhanh, chu đáo"}
        response = client.post(page_of(dossier, "rate"), data, follow=True)
        rating = Rating.objects.get(dossier=dossier)
        assert (rating.level, rating.comment) == (Satisfaction.SATISFIED, "Nhanh, chu đáo")
        assert "rate" not in response.context["forms"]
        assert shows(response, "Nhanh, chu đáo")

    def test_a_second_rating_is_refused_inline(self, client, make, world):
        dossier = make("returned")
        transitions.rate(dossier, world.citizen, Satisfaction.VERY_SATISFIED)
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "rate"), {"level": Satisfaction.DISSATISFIED})
        assert response.status_code == 200
        assert response.context["forms"]["rate"].non_field_errors()
        assert Rating.objects.get().level == Satisfaction.VERY_SATISFIED

    def test_level_must_be_one_of_three(self, client, make, world):
        dossier = make("returned")
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "rate"), {"level": "ecstatic"})
        assert "level" in response.context["forms"]["rate"].errors
        assert not Rating.objects.exists()

    def test_cannot_rate_before_return(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.citizen)
        response = client.post(page_of(dossier, "rate"), {"level": Satisfaction.SATISFIED})
        assert response.context["forms"]["rate"].non_field_errors()
        assert not Rating.objects.exists()
