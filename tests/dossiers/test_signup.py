"""Citizen sign-up tells nobody which phone numbers have an account: a number with an
account gets the same answer as a new one, its owner is told by SMS, no number gets a
second account, and sign-ups per client address are limited with a Vietnamese 429 page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from core.accounts import signup
from core.roles import Role
from core.sms import LoggingSmsBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SIGNUP = "/accounts/signup/"
CONFIRM = "/accounts/signup/confirm/"
PHONE = "0987654321"
GOOD = {
    "full_name": "Trần Thị Bình",
    "phone": "+84 987 654 321",
    "email": "binh@example.vn",
    "id_number": "001 190 000 123",
    "password1": "Lua-gao-2026",
    "password2": "Lua-gao-2026",
}
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def last_sms():
    return LoggingSmsBackend.sent[-1]


def code_in(text):
    return re.search(r"\b(\d{6})\b", text).group(1)


def sign_up(client, data, url=SIGNUP):
    """The whole sign-up as a citizen does it: the form, then the code from the SMS."""
    started = client.post(url, data)
    assert started["Location"] == CONFIRM, started.content.decode()[:500]
    _phone, text = last_sms()
    return client.post(CONFIRM, {"code": code_in(text)})


def vietnamese(message, **values):
    with translation.override("vi"):
        return gettext(message) % values


def shows(response, text):
    return escape(str(text)) in response.content.decode()


class TestNewNumber:
    def test_the_code_by_sms_creates_a_logged_in_citizen(self, client):
        started = client.post(SIGNUP, GOOD)

        assert started.status_code == 302 and started["Location"] == CONFIRM
        assert not User.objects.filter(phone=PHONE).exists()  # not before the code
        phone, text = last_sms()
        assert phone == PHONE
        code = code_in(text)
        assert text == vietnamese(
            signup.CODE_SMS, site=settings.ONESTOP_SITE_NAME, code=code, minutes=15
        )
        page = client.get(CONFIRM)
        assert page.status_code == 200 and PHONE in page.content.decode()

        done = client.post(CONFIRM, {"code": code})

        assert done.status_code == 302 and done["Location"] == reverse("dossiers:mine")
        user = User.objects.get(username=PHONE)
        assert (user.last_name, user.first_name, user.phone) == ("Trần Thị", "Bình", PHONE)
        assert (user.email, user.id_number) == ("binh@example.vn", "001190000123")
        assert user.check_password("Lua-gao-2026")
        assert user.has_role(Role.CITIZEN) and not user.is_staff
        assert client.get(reverse("dossiers:mine")).status_code == 200

    def test_a_safe_next_survives_the_code_step(self, client):
        done = sign_up(client, GOOD, url=f"{SIGNUP}?next=/dossiers/file/1.001193/")
        assert done["Location"] == "/dossiers/file/1.001193/"
        client.logout()
        other = {**GOOD, "phone": "0987000111", "next": "https://evil.example/"}
        assert sign_up(client, other)["Location"] == reverse("dossiers:mine")

    def test_a_wrong_code_says_how_many_tries_are_left(self, client):
        client.post(SIGNUP, GOOD)
        wrong = "000000" if code_in(last_sms()[1]) != "000000" else "111111"
        response = client.post(CONFIRM, {"code": wrong})
        assert response.status_code == 200
        message = vietnamese(signup.WRONG_CODE, left=4)
        assert response.context["form"].errors["code"] == [message]
        assert shows(response, message)

    def test_five_wrong_codes_end_the_sign_up(self, client):
        client.post(SIGNUP, GOOD)
        code = code_in(last_sms()[1])
        wrong = "000000" if code != "000000" else "111111"
        for _attempt in range(signup.CODE_TRIES):
            response = client.post(CONFIRM, {"code": wrong})
        assert response.context["ended"]
        assert shows(response, vietnamese(signup.TOO_MANY_TRIES))
        assert client.post(CONFIRM, {"code": code}).context["ended"]  # too late now
        assert not User.objects.filter(phone=PHONE).exists()
        assert client.get(CONFIRM)["Location"] == SIGNUP

    def test_the_code_expires(self, client, clock):
        client.post(SIGNUP, GOOD)
        clock.shift(timedelta(minutes=signup.CODE_MINUTES, seconds=1))
        response = client.post(CONFIRM, {"code": code_in(last_sms()[1])})
        assert shows(response, vietnamese(signup.EXPIRED))
        assert not User.objects.filter(phone=PHONE).exists()

    @pytest.mark.parametrize("typed", ["", "12345", "1234567"])
    def test_a_malformed_code_is_an_inline_error(self, client, typed):
        client.post(SIGNUP, GOOD)
        response = client.post(CONFIRM, {"code": typed})
        assert response.status_code == 200
        assert shows(response, response.context["form"].errors["code"][0])

    def test_the_form_errors_stay_inline(self, client):
        response = client.post(SIGNUP, {**GOOD, "password2": "Lua-gao-2027"})
        assert response.status_code == 200
        assert shows(response, response.context["form"].errors["password2"][0])


class TestNumberWithAnAccount:
    def test_the_answer_is_the_same_as_for_a_new_number(self, client, django_user_model):
        new = client.post(SIGNUP, GOOD, follow=True)
        new_sms = last_sms()
        owner = UserFactory(username="congdan", role="citizen", phone=PHONE)
        fresh = type(client)()

        taken = fresh.post(SIGNUP, {**GOOD, "phone": "0987.654.321"}, follow=True)

        assert taken.status_code == new.status_code == 200
        assert taken.redirect_chain == new.redirect_chain == [(CONFIRM, 302)]
        assert CSRF_TOKEN.sub("", taken.content.decode()) == CSRF_TOKEN.sub(
            "", new.content.decode()
        )
        # The owner is told, and given no code; the first caller got a code.
        assert last_sms() == (
            owner.phone,
            vietnamese(signup.TAKEN_SMS, site=settings.ONESTOP_SITE_NAME),
        )
        assert not re.search(r"\d{6}", last_sms()[1]) and code_in(new_sms[1])

    def test_no_code_ever_opens_a_second_account(self, client):
        UserFactory(username="congdan", role="citizen", phone=PHONE)
        client.post(SIGNUP, GOOD)
        for guess in ("000000", "123456", "999999"):
            response = client.post(CONFIRM, {"code": guess})
            assert response.status_code == 200 and response.context["form"].errors
        assert User.objects.filter(phone=PHONE).count() == 1

    def test_a_number_taken_meanwhile_is_told_to_its_owner_and_not_created(self, client):
        client.post(SIGNUP, GOOD)
        code = code_in(last_sms()[1])
        other = type(client)()
        sign_up(other, GOOD)  # the same number, finished first in another browser

        response = client.post(CONFIRM, {"code": code})

        assert response.context["ended"]
        assert shows(response, vietnamese(signup.TAKEN))
        assert User.objects.filter(phone=PHONE).count() == 1

    def test_a_staff_user_name_that_is_the_number_counts_as_an_account(self, client):
        UserFactory(username=PHONE, role="desk_officer", phone="")
        client.post(SIGNUP, GOOD)
        assert last_sms()[1] == vietnamese(signup.TAKEN_SMS, site=settings.ONESTOP_SITE_NAME)


class TestThrottle:
    @pytest.fixture
    def two_an_hour(self, settings):
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signup": "2/hour"}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    def test_the_default_rate_is_ten_an_hour(self):
        assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["signup"] == "10/hour"

    def test_past_the_rate_a_vietnamese_429_page_and_no_message(self, client, two_an_hour):
        for number in ("0987000001", "0987000002"):
            assert client.post(SIGNUP, {**GOOD, "phone": number}).status_code == 302
        sent = len(LoggingSmsBackend.sent)

        refused = client.post(SIGNUP, {**GOOD, "phone": "0987000003"})

        assert refused.status_code == 429
        assert refused.context["throttled"]
        assert "Quá nhiều lượt đăng ký" in refused.content.decode()
        assert shows(refused, "Trần Thị Bình")  # what was typed is kept
        assert len(LoggingSmsBackend.sent) == sent
        other = client.post(SIGNUP, {**GOOD, "phone": "0987000003"}, REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 302

    def test_forms_with_mistakes_are_not_counted(self, client, two_an_hour):
        for _attempt in range(3):
            client.post(SIGNUP, {**GOOD, "password2": "other"})
        assert client.post(SIGNUP, GOOD).status_code == 302

    def test_numbers_with_and_without_an_account_count_alike(self, client, two_an_hour):
        UserFactory(username="congdan", role="citizen", phone="0987000001")
        for number in ("0987000001", "0987000002"):
            client.post(SIGNUP, {**GOOD, "phone": number})
        assert client.post(SIGNUP, {**GOOD, "phone": "0987000001"}).status_code == 429
