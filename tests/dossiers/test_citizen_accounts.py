"""Citizen accounts: sign-up with inline Vietnamese errors (the code step and the answers
that reveal no accounts are in test_signup.py), log-in by phone, the lockout page and
log-out."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from core.roles import Role
from tests.dossiers.test_signup import sign_up
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
GOOD = {
    "full_name": "  Trần   Thị Bình ",
    "phone": "+84 987 654 321",
    "email": "binh@example.vn",
    "id_number": "001 190 000 123",
    "password1": "Lua-gao-2026",
    "password2": "Lua-gao-2026",
}


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def shows(response, text):
    return escape(str(text)) in response.content.decode()


class TestSignup:
    def test_creates_a_logged_in_citizen_named_by_the_phone(self, client):
        response = sign_up(client, GOOD)
        assert response.status_code == 302
        assert response["Location"] == reverse("dossiers:mine")
        user = User.objects.get(username="0987654321")
        assert (user.last_name, user.first_name, user.phone) == ("Trần Thị", "Bình", "0987654321")
        assert (user.email, user.id_number) == ("binh@example.vn", "001190000123")
        assert user.has_role(Role.CITIZEN)
        assert not user.is_staff
        assert client.get(reverse("dossiers:mine")).status_code == 200

    def test_follows_a_safe_next_only(self, client):
        response = sign_up(client, GOOD, url=f"{SIGNUP}?next=/dossiers/file/1.001193/")
        assert response["Location"] == "/dossiers/file/1.001193/"
        client.logout()
        other = {**GOOD, "phone": "0987000111", "next": "https://evil.example/"}
        response = sign_up(client, other)
        assert response["Location"] == reverse("dossiers:mine")

    def test_bad_phone_is_shown_inline_and_the_typed_data_kept(self, client):
        response = client.post(SIGNUP, {**GOOD, "phone": "12345"})
        assert response.status_code == 200
        assert field_errors(response, "phone")
        assert shows(response, field_errors(response, "phone")[0])
        assert 'aria-invalid="true"' in response.content.decode()
        assert shows(response, "Trần   Thị Bình") and shows(response, "binh@example.vn")
        assert not User.objects.filter(email="binh@example.vn").exists()

    def test_mismatched_passwords(self, client):
        response = client.post(SIGNUP, {**GOOD, "password2": "Lua-gao-2027"})
        assert len(field_errors(response, "password2")) == 1
        assert shows(response, field_errors(response, "password2")[0])
        assert not User.objects.filter(username="0987654321").exists()

    def test_weak_password(self, client):
        response = client.post(SIGNUP, {**GOOD, "password1": "12345678", "password2": "12345678"})
        assert field_errors(response, "password1")
        assert not User.objects.filter(username="0987654321").exists()

    @pytest.mark.parametrize("number", ["12345", "00119000012a", "0011900001234"])
    def test_citizen_id_has_twelve_digits(self, client, number):
        response = client.post(SIGNUP, {**GOOD, "id_number": number})
        assert field_errors(response, "id_number")

    def test_everything_missing_names_every_field(self, client):
        response = client.post(SIGNUP, {})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {
            "full_name",
            "phone",
            "password1",
            "password2",
        }


class TestLogin:
    def test_citizen_logs_in_with_the_phone_typed_any_way(self, client):
        sign_up(client, GOOD)
        client.logout()
        response = client.post(LOGIN, {"username": "+84987654321", "password": "Lua-gao-2026"})
        assert response.status_code == 302

    def test_an_account_with_another_user_name_logs_in_by_its_phone(self, client):
        UserFactory(username="congdan", role="citizen", phone="0912345678")
        response = client.post(LOGIN, {"username": "0912 345 678", "password": "Secret-pass-123"})
        assert response.status_code == 302

    def test_staff_log_in_with_their_user_name(self, client):
        UserFactory(username="motcua", role="desk_officer")
        response = client.post(LOGIN, {"username": "motcua", "password": "Secret-pass-123"})
        assert response.status_code == 302

    def test_wrong_password_is_an_inline_error(self, client):
        UserFactory(username="motcua", role="desk_officer")
        response = client.post(LOGIN, {"username": "motcua", "password": "nope"})
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert len(errors) == 1 and shows(response, errors[0])
        assert shows(response, "motcua")

    def test_lockout_explains_itself_on_the_login_page(self, client, settings):
        UserFactory(username="motcua", role="desk_officer")
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post(LOGIN, {"username": "motcua", "password": "nope"})
        response = client.post(LOGIN, {"username": "motcua", "password": "Secret-pass-123"})
        assert response.status_code == 429
        assert response.context["locked_out"]
        message = response.context["form"].non_field_errors()[0]
        assert shows(response, message)
        assert "30" in message  # the cool-off, in minutes
        assert '<form class="panel"' in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_anonymous_pages_send_to_this_login(self, client, db):
        response = client.get("/dossiers/mine/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=/dossiers/mine/"


class TestLogout:
    def test_logout_is_a_post(self, client):
        user = UserFactory(username="citizen", role="citizen")
        client.force_login(user)
        assert client.get("/accounts/logout/").status_code == 405
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_nav_offers_my_dossiers_and_log_out_to_citizens(self, client):
        page = client.get("/").content.decode()
        assert 'href="/accounts/login/"' in page and 'href="/lookup/"' in page
        client.force_login(UserFactory(username="citizen", role="citizen"))
        page = client.get("/").content.decode()
        assert 'href="/dossiers/mine/"' in page
        assert 'action="/accounts/logout/"' in page


class TestPasswordReset:
    RESET = "/accounts/password-reset/"

    def ask(self, client, email):
        return client.post(self.RESET, {"email": email})

    def link_in(self, message):
        return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    def test_the_login_page_offers_it(self, client):
        assert f'href="{self.RESET}"' in client.get(LOGIN).content.decode()

    def test_a_citizen_chooses_a_new_password_by_e_mail(self, client, mailoutbox, settings):
        sign_up(client, GOOD)
        client.logout()

        response = self.ask(client, "BINH@example.vn")

        assert response["Location"] == "/accounts/password-reset/sent/"
        (message,) = mailoutbox
        assert message.to == ["binh@example.vn"]
        assert message.subject == f"Đặt lại mật khẩu tại {settings.ONESTOP_SITE_NAME}"
        assert "0987654321" in message.body
        form_page = client.get(self.link_in(message), follow=True)
        assert form_page.context["validlink"]
        new = {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"}
        done = client.post(form_page.redirect_chain[-1][0], new)
        assert done["Location"] == "/accounts/reset/done/"
        login = client.post(LOGIN, {"username": "0987654321", "password": "Mat-khau-moi-2026"})
        assert login.status_code == 302
        again = client.get(self.link_in(message), follow=True)
        assert not again.context["validlink"]  # a link works once

    @pytest.mark.parametrize("who", ["unknown address", "staff member"])
    def test_no_message_and_the_same_answer_for_anyone_else(self, who, client, mailoutbox):
        UserFactory(username="motcua", role="desk_officer", email="motcua@example.vn")
        email = "motcua@example.vn" if who == "staff member" else "nobody@example.vn"
        response = self.ask(client, email)
        assert response["Location"] == "/accounts/password-reset/sent/"
        assert mailoutbox == []

    def test_a_bad_address_is_an_inline_error(self, client):
        response = self.ask(client, "not-an-address")
        assert response.status_code == 200
        assert shows(response, field_errors(response, "email")[0])

    def test_requests_past_the_auth_rate_are_refused(self, client, settings, mailoutbox):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**rates, "auth": "2/min"},
        }
        answers = [self.ask(client, "nobody@example.vn").status_code for _ in range(3)]
        assert answers == [302, 302, 429]
