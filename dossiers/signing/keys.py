"""Where an agency's signing key and the trusted roots come from: files named in settings
(docs/digitisation.md), never the database and never the repository."""

from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign.signers import SimpleSigner


class SigningUnavailable(Exception):
    """The agency cannot sign now: no key is installed for it, or it cannot be opened."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def key_path(agency):
    """The PKCS#12 file of ``agency``: its unit code, in ``SIGNING_KEYS_DIR``."""
    return Path(settings.SIGNING_KEYS_DIR) / f"{Path(agency.code).name}.p12"


def key_password():
    return settings.SIGNING_KEY_PASSWORD.encode() or None


def signer_for(agency):
    """The signer of ``agency``, from its PKCS#12 file."""
    path = key_path(agency)
    if not path.is_file():
        raise SigningUnavailable(
            _("%(agency)s has no signing certificate installed, so it cannot sign results.")
            % {"agency": agency.name}
        )
    try:
        return SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=key_password()
        )
    except ValueError:
        raise SigningUnavailable(
            _("The signing certificate of %(agency)s cannot be opened: check its password.")
            % {"agency": agency.name}
        ) from None


def trust_roots():
    """Every certificate in the PEM files of ``SIGNING_TRUST_ROOTS``; a missing file trusts
    nothing, so an installation without roots calls every signer unknown."""
    roots = []
    for name in settings.SIGNING_TRUST_ROOTS:
        path = Path(name)
        if path.is_file():
            roots.extend(_certificates_in(path.read_bytes()))
    return roots


def _certificates_in(data):
    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, True)]
