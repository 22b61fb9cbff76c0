"""Checking a signed PDF: is its last signature intact, does it cover the whole file, and
does its certificate chain end at one of the installation's trust roots. Nothing is
fetched from the network (no revocation lookups): the answer depends on the file and the
roots only."""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .keys import trust_roots

# pyHanko logs every untrusted chain as an error with its traceback; an unknown signer is
# an answer of this module, not a fault of the portal.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)

# Changes after the signature that leave what was signed as it was (validation data).
HARMLESS_CHANGES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


class State(models.TextChoices):
    VALID = "valid", _("Valid: signed by a trusted agency and unchanged since")
    MODIFIED = "modified", _("Modified: the file was changed after it was signed")
    UNKNOWN_SIGNER = "unknown_signer", _("Unknown signer: the certificate is not one we trust")
    UNSIGNED = "unsigned", _("Not signed: the file carries no electronic signature")


class NotReadable(Exception):
    """The file is no PDF that can be read."""


@dataclass(frozen=True)
class Verdict:
    state: str
    signer: str = ""  # the certificate's subject, as people read it
    signed_at: object = None  # the time the signature says it was made
    certificate_sha256: str = ""

    @property
    def label(self):
        return State(self.state).label


def verify_pdf(data):
    """The verdict on the last signature of the PDF ``data``."""
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise NotReadable(str(error)) from None
    if not signatures:
        return Verdict(State.UNSIGNED)
    signature = signatures[-1]
    certificate = signature.signer_cert
    signer = certificate.subject.human_friendly
    fingerprint = hashlib.sha256(certificate.dump()).hexdigest()
    try:
        status = validate_pdf_signature(signature, _context())
    except (PdfError, ValueError) as error:  # pyHanko's validation errors are ValueErrors
        logging.getLogger(__name__).info("Signature does not validate: %s", error)
        return Verdict(State.MODIFIED, signer, None, fingerprint)
    return Verdict(_state_of(status), signer, status.signer_reported_dt, fingerprint)


def _context():
    return ValidationContext(trust_roots=trust_roots(), allow_fetching=False)


def _state_of(status):
    if not (status.intact and status.valid):
        return State.MODIFIED
    if status.modification_level not in HARMLESS_CHANGES:
        return State.MODIFIED
    if not status.trusted:
        return State.UNKNOWN_SIGNER
    return State.VALID
