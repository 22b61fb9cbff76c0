"""The payment gateway's signed messages: HMAC-SHA256, with the shared secret of
``PAYMENT_GATEWAY_SECRET``, over the parameters sorted by name as ``name=value`` joined by
``&`` (the ``signature`` itself left out) — the scheme VNPay-style gateways use."""

import hashlib
import hmac
from urllib.parse import urlencode

from django.conf import settings

SIGNATURE = "signature"


def canonical(params):
    return "&".join(f"{name}={params[name]}" for name in sorted(params) if name != SIGNATURE)


def signature_of(params, secret=None):
    key = (secret if secret is not None else settings.PAYMENT_GATEWAY_SECRET).encode()
    return hmac.new(key, canonical(params).encode(), hashlib.sha256).hexdigest()


def is_signed(params):
    """True when ``params`` carry the signature of the configured secret (never with no
    secret configured: then no callback is trusted)."""
    given = str(params.get(SIGNATURE) or "")
    if not settings.PAYMENT_GATEWAY_SECRET or not given:
        return False
    return hmac.compare_digest(given, signature_of(params))


def payment_link(request):
    """The gateway's page for paying ``request`` (a PaymentRequest), or "" with none."""
    if not settings.PAYMENT_GATEWAY_URL or not settings.PAYMENT_GATEWAY_SECRET:
        return ""
    params = {"reference": request.reference, "amount": str(request.amount)}
    params[SIGNATURE] = signature_of(params)
    return f"{settings.PAYMENT_GATEWAY_URL}?{urlencode(params)}"
