"""The public lookup page: code and phone must both match, one neutral message otherwise,
no officer names, a masked applicant, and a throttle per client address."""

import pytest
from django.utils.html import escape

from dossiers.forms.citizen import LOOKUP_NO_MATCH

URL = "/lookup/"


def shows(response, text):
    return escape(str(text)) in response.content.decode()


@pytest.fixture
def dossier(make, world):
    """Received at the town desk by "desk", handed to the justice office by "root"."""
    world.desk_officer.first_name, world.desk_officer.last_name = "Thư", "Trần Thị"
    world.desk_officer.save()
    return make("in_progress")


class TestLookup:
    def test_the_empty_form(self, client, db):
        response = client.get(URL)
        assert response.status_code == 200
        assert not response.context["form"].is_bound

    def test_the_receipt_qr_code_prefills_the_code_only(self, client, dossier):
        response = client.get(f"{URL}?code={dossier.code}")
        assert response.status_code == 200
        form = response.context["form"]
        assert not form.is_bound and form["code"].value() == dossier.code
        assert "dossier" not in response.context

    @pytest.mark.parametrize("phone", ["0912345678", "+84 912 345 678", "0912.345.678"])
    def test_code_and_phone_show_the_public_status(self, client, dossier, phone):
        response = client.post(URL, {"code": dossier.code, "phone": phone})
        assert response.status_code == 200
        assert response.context["dossier"] == dossier
        page = response.content.decode()
        assert shows(response, dossier.get_status_display())
        assert shows(response, "Nguyễn V. A.")
        assert "Nguyễn Văn An" not in page
        assert "Trần Thị" not in page and ">desk<" not in page and "root" not in page
        assert "27/11/2026" in page  # the appointment
        assert len(response.context["events"]) == 2

    def test_the_query_string_works_too_and_codes_may_be_lower_case(self, client, dossier):
        response = client.get(URL, {"code": dossier.code.lower(), "phone": "0912345678"})
        assert response.context["dossier"] == dossier

    def test_the_phone_is_required(self, client, dossier):
        response = client.post(URL, {"code": dossier.code, "phone": ""})
        assert "phone" in response.context["form"].errors
        assert "dossier" not in response.context
        response = client.post(URL, {"phone": "0912345678"})
        assert "code" in response.context["form"].errors

    def test_unknown_code_and_wrong_phone_say_the_same(self, client, dossier):
        wrong_phone = client.post(URL, {"code": dossier.code, "phone": "0987654321"})
        unknown = client.post(URL, {"code": "H26.45-261123-0999", "phone": "0912345678"})
        for response in (wrong_phone, unknown):
            assert response.status_code == 200
            assert response.context["form"].errors == {"__all__": [str(LOOKUP_NO_MATCH)]}
            assert shows(response, LOOKUP_NO_MATCH)
            assert "dossier" not in response.context


class TestThrottle:
    @pytest.fixture
    def three_a_minute(self, settings):
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookup": "3/min"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    def test_too_many_attempts_get_429(self, client, dossier, three_a_minute):
        for _attempt in range(3):
            client.post(URL, {"code": "H26.45-261123-0999", "phone": "0912345678"})
        response = client.post(URL, {"code": dossier.code, "phone": "0912345678"})
        assert response.status_code == 429
        assert response.context["throttled"]
        assert "dossier" not in response.context

    def test_another_address_is_counted_apart(self, client, dossier, three_a_minute):
        for _attempt in range(4):
            client.post(URL, {"code": dossier.code, "phone": "0"}, REMOTE_ADDR="10.0.0.1")
        response = client.post(URL, {"code": dossier.code, "phone": "0912345678"})
        assert response.status_code == 200

    def test_opening_the_qr_link_is_not_an_attempt(self, client, dossier, three_a_minute):
        for _attempt in range(5):
            client.get(URL, {"code": dossier.code})
        response = client.post(URL, {"code": dossier.code, "phone": "0912345678"})
        assert response.context["dossier"] == dossier
