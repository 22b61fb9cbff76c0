"""The portal's throttles, for the API and the pages alike, and what they do when the shared
cache (Redis) is down.

Counts live in the shared cache, so every process adds to the same count. While it does
not answer, one policy applies, here and nowhere else:

- a signed-in user (desk staff above all) is neither counted nor refused: the desk keeps
  working through an outage;
- an anonymous caller is counted per client address in this process's memory, so the
  public doors (lookup, token, sign-up, password reset, catalogue) still limit guessing,
  each process up to the rate.

A count kept in one process's memory is never above the count the shared cache would
hold, so nobody is refused because of an outage.

A scope named in ``AddressRateThrottle`` counts per client address whoever asks, and its
page (``page_throttled``) and API door add to the same count under the same rate.
"""

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

# This process's counts while the shared cache is down; bounded like any local cache.
outage_counts = LocMemCache("throttle-outage-counts", {"MAX_ENTRIES": 10_000})


def shared_cache_answers():
    """False while the shared cache is down (core.cache.RedisCache says so); a cache that
    cannot fail, such as the per-process one of a single-machine set-up, always answers."""
    return getattr(cache, "available", True)


class _Counts:
    """Where DRF's throttles keep their histories: the shared cache while it answers,
    this process's memory while it does not."""

    def get(self, key, default=None):
        history = cache.get(key, default)
        # Asked after the read, so the very call that meets the outage already falls back.
        return history if shared_cache_answers() else outage_counts.get(key, default)

    def set(self, key, value, timeout):
        (cache if shared_cache_answers() else outage_counts).set(key, value, timeout)


class OutagePolicy:
    """The policy of this module's docstring, mixed into every throttle of the portal."""

    cache = _Counts()

    def allow_request(self, request, view):
        if request.user.is_authenticated and not shared_cache_answers():
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        # DRF binds the rates to its classes at import; reading them per request lets a
        # changed setting apply at once.
        scope = getattr(self, "scope", None)
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {scope!r}.") from None


class AnonRateThrottle(OutagePolicy, throttling.AnonRateThrottle):
    """``anon``: anonymous callers, per client address."""


class UserRateThrottle(OutagePolicy, throttling.UserRateThrottle):
    """``user``: signed-in users, per account (anonymous callers per address)."""


class AddressRateThrottle(OutagePolicy, throttling.SimpleRateThrottle):
    """A scope counted per client address, signed in or not, so that each of its doors
    (a page and an API) adds to one count. The address is DRF's: ``REMOTE_ADDR``, or the
    ``X-Forwarded-For`` entry ``NUM_PROXIES`` from the end."""

    def __init__(self, scope=None):
        if scope is not None:
            self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LookupThrottle(AddressRateThrottle):
    """``lookup``: the public dossier lookup, page and API."""

    scope = "lookup"


class VerifyThrottle(AddressRateThrottle):
    """``verify``: the public verification of signed results, page and API."""

    scope = "verify"


class PartnerThrottle(AddressRateThrottle):
    """``gateway``: the doors partner systems call (the payment gateway's callback, the
    national portal's dossiers), per address."""

    scope = "gateway"


class AuthThrottle(AddressRateThrottle):
    """``auth``: the token endpoint and the password-reset page."""

    scope = "auth"


def page_throttled(request, scope):
    """Count a page's attempt in ``scope`` as its API door would; True once over the
    rate (the attempt refused is not counted, as in DRF)."""
    return not AddressRateThrottle(scope).allow_request(request, None)
