"""Citizen sign-up in two steps, telling nobody which phone numbers have an account.

Every number typed in the sign-up form gets the same answer: "we have sent a text message
to this number". A new number gets a six-digit code, and the account is created once the
code is typed back, which also proves that the number belongs to whoever signs up. A number
that already has an account gets no code: its owner is told by SMS that someone tried to
sign up with it, and how to log in or reset the password. Until the code is typed back the
sign-up waits in the session (stored in the database), not as an account, so a mistyped or
abandoned sign-up blocks nobody, and no number ever gets a second account.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.sms import get_sms_backend

logger = logging.getLogger(__name__)
User = get_user_model()

SESSION_KEY = "pending_signup"
CODE_MINUTES = 15
CODE_TRIES = 5
ACCOUNT_FIELDS = ("username", "phone", "first_name", "last_name", "email", "id_number")

CODE_SMS = _(
    "%(site)s: your sign-up code is %(code)s. It is valid for %(minutes)s minutes. Never "
    "give it to anyone, not even the desk's staff."
)
TAKEN_SMS = _(
    "%(site)s: someone tried to create an account with this phone number, which already "
    "has one. If it was you, log in with this number, or use “Forgot your password?” on "
    "the login page. If not, ignore this message."
)
WRONG_CODE = _(
    "This is not the code we sent. Check the message and type its 6 digits (%(left)s tries left)."
)
TOO_MANY_TRIES = _("Too many wrong codes. Sign up again to get a new code.")
EXPIRED = _("This sign-up has expired. Sign up again to get a new code.")
TAKEN = _(
    "This phone number already has an account. Log in with it, or use “Forgot your "
    "password?” on the login page."
)


class SignupError(Exception):
    """The code was not accepted; ``ended`` when the sign-up must start again."""

    def __init__(self, message, *, ended):
        super().__init__(message)
        self.message = message
        self.ended = ended


def has_account(phone):
    return User.objects.filter(Q(phone=phone) | Q(username=phone)).exists()


def start(session, account, next_url=""):
    """Hold ``account`` (an unsaved User, password hashed) in ``session`` and text its
    number: a code if the number is new, a notice to the owner if it has an account. The
    caller answers the same in both cases."""
    taken = has_account(account.phone)
    code = "" if taken else f"{secrets.randbelow(10**6):06d}"
    session[SESSION_KEY] = {
        "account": {name: getattr(account, name) for name in ACCOUNT_FIELDS},
        "password": account.password,
        "code": _digest(account.phone, code) if code else "",
        "expires": (timezone.now() + timedelta(minutes=CODE_MINUTES)).timestamp(),
        "tries": 0,
        "next": next_url,
    }
    site = settings.ONESTOP_SITE_NAME
    with translation.override(settings.LANGUAGE_CODE):
        if taken:
            text = gettext(TAKEN_SMS) % {"site": site}
        else:
            text = gettext(CODE_SMS) % {"site": site, "code": code, "minutes": CODE_MINUTES}
    _text(account.phone, text)


def pending(session):
    """The sign-up waiting for its code in ``session``, or None (none, or expired)."""
    held = session.get(SESSION_KEY)
    if held is None or held["expires"] < timezone.now().timestamp():
        return None
    return held


def confirm(session, code):
    """The new citizen account, logged-in-ready, once ``code`` is the one sent; else
    SignupError. A number that has an account never matches: it was sent no code."""
    held = pending(session)
    if held is None:
        session.pop(SESSION_KEY, None)
        raise SignupError(EXPIRED, ended=True)
    phone = held["account"]["phone"]
    if held["code"] and constant_time_compare(_digest(phone, code), held["code"]):
        del session[SESSION_KEY]
        return _create(held)
    held["tries"] += 1
    if held["tries"] >= CODE_TRIES:
        del session[SESSION_KEY]
        raise SignupError(TOO_MANY_TRIES, ended=True)
    session[SESSION_KEY] = held
    raise SignupError(WRONG_CODE % {"left": CODE_TRIES - held["tries"]}, ended=False)


def _create(held):
    # Whoever typed the code owns the number, so they may be told that it has an account
    # (signed up meanwhile in another session).
    if has_account(held["account"]["phone"]):
        raise SignupError(TAKEN, ended=True)
    user = User(**held["account"], password=held["password"])
    try:
        with transaction.atomic():
            user.save()
            user.groups.add(Group.objects.get(name=Role.CITIZEN))
    except IntegrityError:  # the user name (the phone number) is unique
        raise SignupError(TAKEN, ended=True) from None
    return user


def _digest(phone, code):
    # The salt keeps the module's first name: changing it would void the codes in flight.
    return salted_hmac("dossiers.signup.code", f"{phone}:{code}").hexdigest()


def _text(phone, text):
    try:
        get_sms_backend().send(phone, text)
    except Exception:  # the gateway's failure must not tell the two cases apart either
        logger.warning("Sending the sign-up SMS to %s failed.", phone, exc_info=True)
