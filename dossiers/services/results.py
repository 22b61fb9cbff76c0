"""Issuing an electronic result: the handling unit gives the result document as a PDF, the
portal signs it as the competent agency, keeps it as the dossier's result and puts it in
the applicant's document store. The signed file is what the citizen downloads and anyone
can verify (``dossiers.signing.verify``)."""

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AttachmentKind, DocumentSource, Dossier, ElectronicResult, Status
from ..printing.agency import signing_agency
from ..signing.keys import SigningUnavailable
from ..signing.sign import NotSignable, sign_pdf
from ..signing.verify import NotReadable, verify_pdf
from ..uploads import sniff_content_type
from ..workflow import may_handle_at
from .attachments import attach, checked_upload
from .errors import TransitionError
from .store import StoredPaper, keep_in_store

# While handling goes on, and once the result waits at the desk to be handed over.
ISSUING_STATUSES = frozenset({Status.IN_PROGRESS, Status.RESOLVED})


def may_issue_result(user, dossier):
    """The handling unit's specialists and leaders issue its results."""
    return user.is_superuser or may_handle_at(user, dossier.handling_unit)


def issue_electronic_result(dossier, file, actor, verify_url_of, now=None):
    """Sign the PDF ``file`` as the agency of ``dossier``'s handling unit and keep it as
    the dossier's result; ``verify_url_of(public_id)`` is the address its QR code opens."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _check_may_issue(locked, actor)
        _check_pdf(file, _("The file “%(name)s” is not a PDF: only a PDF can be signed."))
        public_id = uuid.uuid4()
        agency = signing_agency(locked.handling_unit)
        signed = _signed(file, agency, verify_url_of(public_id), now)
        attachment = attach(
            locked,
            ContentFile(signed.data, name=f"ket-qua-{locked.code}.pdf"),
            AttachmentKind.RESULT,
            actor,
        )
        result = ElectronicResult.objects.create(
            public_id=public_id,
            dossier=locked,
            attachment=attachment,
            agency=agency,
            signer=signed.signer[:500],
            certificate_sha256=signed.certificate_sha256,
            signed_at=signed.signed_at,
            issued_by=actor,
        )
        keep_in_store(
            locked.applicant_user,
            attachment,
            _paper(locked, result),
            DocumentSource.ELECTRONIC_RESULT,
        )
    return result


def _check_may_issue(dossier, actor):
    if not may_issue_result(actor, dossier):
        raise TransitionError(
            _("Only the specialists and leaders of the handling unit issue its results.")
        )
    if dossier.status not in ISSUING_STATUSES:
        raise TransitionError(
            _(
                "An electronic result is issued while the dossier is being handled or while "
                "its result waits at the desk."
            )
        )


def _check_pdf(file, refusal):
    """``file`` within the upload limits and a PDF by its content; else ``refusal``."""
    checked_upload(file)
    if sniff_content_type(file) != "application/pdf":
        raise TransitionError(refusal % {"name": file.name}, field="file")


def _signed(file, agency, verify_url, now):
    file.seek(0)
    try:
        return sign_pdf(file.read(), agency, verify_url, now=now)
    except SigningUnavailable as error:
        raise TransitionError(error.message) from None
    except NotSignable:
        raise TransitionError(
            _("The file “%(name)s” is a damaged or protected PDF and cannot be signed.")
            % {"name": file.name},
            field="file",
        ) from None


def _paper(dossier, result):
    return StoredPaper(
        kind=_("Result: %(procedure)s") % {"procedure": dossier.procedure.name},
        number=dossier.code,
        issuer=result.agency.name,
        issued_on=timezone.localdate(result.signed_at),
    )


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    verdict: object  # dossiers.signing.verify.Verdict
    result: object = None  # the ElectronicResult this very file is, if the portal issued it


RESULTS = ElectronicResult.objects.select_related("dossier__procedure", "agency", "attachment")


def verify_upload(file):
    """The verdict on an uploaded PDF, and the result it is when the portal issued it."""
    _check_pdf(file, _("The file “%(name)s” is not a PDF: only a PDF can be checked."))
    file.seek(0)
    data = file.read()
    try:
        verdict = verify_pdf(data)
    except NotReadable:
        raise TransitionError(
            _("The file “%(name)s” is a damaged PDF and cannot be read.") % {"name": file.name},
            field="file",
        ) from None
    digest = hashlib.sha256(data).hexdigest()
    return Verification(verdict, RESULTS.filter(attachment__sha256=digest).first())


def verify_issued(public_id):
    """The verdict on the file the portal keeps for the result ``public_id``, or None."""
    result = RESULTS.filter(public_id=public_id).first()
    if result is None:
        return None
    with result.attachment.file.open("rb") as stored:
        return Verification(verify_pdf(stored.read()), result)
