"""Ratings come only from the applicant: their own account, or the counter rating device
the desk opens for one returned dossier (a signed page valid 15 minutes, spent once
rated). Staff accounts — the desk, the specialist, a superuser — are refused by the page
and the API, and the satisfaction figures count what applicants said."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dossiers.models import Rating, RatingChannel
from dossiers.reporting.counting import ratings
from tests.world import add_citizen_dossiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(world, clock):
    return add_citizen_dossiers(world).dossiers["T"]


def api_rate(client, user, dossier, level="satisfied"):
    client.force_login(user)
    return client.post(
        f"/api/v1/dossiers/{dossier.code}/rate/",
        {"level": level},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def open_device(client, officer, dossier):
    client.force_login(officer)
    return client.post(f"/desk/rating-device/{dossier.code}/")


class TestTheApplicantsAccount:
    def test_the_applicant_rates_through_the_api(self, client, world, returned):
        assert api_rate(client, world.citizen, returned).status_code == 200
        rating = Rating.objects.get(dossier=returned)
        assert (rating.channel, rating.device_opened_by) == (RatingChannel.ACCOUNT, None)

    def test_the_applicant_rates_on_their_page(self, client, world, returned):
        client.force_login(world.citizen)
        response = client.post(f"/dossiers/{returned.code}/rate/", {"level": "satisfied"})
        assert response.status_code == 302
        assert Rating.objects.filter(dossier=returned).exists()

    @pytest.mark.parametrize("who", ["desk_officer", "specialist", "unit_leader", "admin"])
    def test_staff_are_refused_by_the_api(self, client, world, returned, who):
        response = api_rate(client, getattr(world, who), returned)
        assert response.status_code in {400, 403}
        assert "không" in response.json()["detail"].lower()
        assert not Rating.objects.exists()

    def test_the_desk_is_refused_on_the_page(self, client, world, returned):
        client.force_login(world.desk_officer)
        response = client.post(f"/dossiers/{returned.code}/rate/", {"level": "satisfied"})
        assert response.status_code == 200
        assert "Bạn không có quyền thực hiện thao tác này" in response.content.decode()
        assert not Rating.objects.exists()


class TestTheCounterDevice:
    def test_the_desk_opens_it_and_the_applicant_rates_once(self, world, returned):
        desk = Client()
        response = open_device(desk, world.desk_officer, returned)
        assert response.status_code == 302
        device_page = response["Location"]
        assert device_page.startswith("/rating/")

        applicant = Client()  # the device: nobody signed in
        page = applicant.get(device_page).content.decode()
        assert returned.code in page
        assert returned.applicant_name not in page  # no personal data on the device

        thanked = applicant.post(device_page, {"level": "very_satisfied", "comment": "Nhanh"})
        assert thanked.status_code == 200
        rating = Rating.objects.get(dossier=returned)
        assert rating.channel == RatingChannel.COUNTER_DEVICE
        assert rating.device_opened_by == world.desk_officer
        assert returned.events.get(action="rate").actor is None  # the officer did not rate

        again = applicant.post(device_page, {"level": "dissatisfied"})
        assert again.status_code == 409
        assert Rating.objects.get(dossier=returned).level == "very_satisfied"

    def test_it_expires_after_fifteen_minutes(self, world, returned, clock):
        device_page = open_device(Client(), world.desk_officer, returned)["Location"]
        clock.shift(timedelta(minutes=16))
        response = Client().post(device_page, {"level": "satisfied"})
        assert response.status_code == 403
        assert "hết hạn" in response.content.decode()
        assert not Rating.objects.exists()

    def test_a_tampered_page_is_refused(self, world, returned):
        device_page = open_device(Client(), world.desk_officer, returned)["Location"]
        forged = device_page.rstrip("/")[:-2] + "xx/"
        response = Client().post(forged, {"level": "satisfied"})
        assert response.status_code == 403
        assert not Rating.objects.exists()

    def test_bad_input_is_shown_on_the_form(self, world, returned):
        device_page = open_device(Client(), world.desk_officer, returned)["Location"]
        response = Client().post(device_page, {"level": "thrilled"})
        assert response.status_code == 400
        assert "Hãy chọn" in response.content.decode() or "hợp lệ" in response.content.decode()

    def test_only_the_receiving_desk_opens_it(self, world, returned):
        refused = open_device(Client(), world.specialist, returned)
        assert refused["Location"] == f"/desk/dossiers/{returned.code}/"
        assert open_device(Client(), world.other_desk_officer, returned).status_code == 404

    def test_not_before_the_result_is_returned(self, world, returned, clock):
        in_progress = world.dossiers["O"]
        response = open_device(Client(), world.desk_officer, in_progress)
        assert response["Location"] == f"/desk/dossiers/{in_progress.code}/"

    def test_device_ratings_count_in_the_satisfaction_figures(self, world, returned, clock):
        device_page = open_device(Client(), world.desk_officer, returned)["Location"]
        Client().post(device_page, {"level": "satisfied"})
        today = timezone.localdate()
        assert list(ratings(today, today).values_list("channel", flat=True)) == ["counter_device"]
