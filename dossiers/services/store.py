"""The citizen's document store (kho dữ liệu): a citizen adds and deletes their own papers;
a new dossier reuses one for a component instead of a new upload or scan — online by the
owner, at the counter with the owner's consent — and the component records it as reused
(the service index's indicator of reused digitised data)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.roles import Role

from ..models import Attachment, AttachmentKind, CitizenDocument, DocumentSource
from .attachments import checked_upload
from .errors import TransitionError


@dataclass
class StoredPaper:
    """What the citizen says a stored file is."""

    kind: str
    number: str = ""
    issuer: str = ""
    issued_on: object = None  # date
    valid_until: object = None  # date


@dataclass
class Reuse:
    """A component of a new dossier taken from the owner's store."""

    document: object  # the RequiredDocument of the procedure
    stored: object  # the CitizenDocument


def add_document(owner, file, paper, source=DocumentSource.UPLOADED):
    """Keep ``file`` in ``owner``'s store, checked by content like every upload."""
    if not owner.has_role(Role.CITIZEN):
        raise TransitionError(_("Only citizens keep a document store."))
    if not paper.kind.strip():
        raise TransitionError(_("Say what kind of paper this is."), field="kind")
    if paper.issued_on and paper.valid_until and paper.valid_until < paper.issued_on:
        raise TransitionError(
            _("The paper cannot be valid until before it was issued."), field="valid_until"
        )
    content_type, digest = checked_upload(file)
    return CitizenDocument.objects.create(
        owner=owner,
        kind=paper.kind.strip(),
        number=paper.number.strip(),
        issuer=paper.issuer.strip(),
        issued_on=paper.issued_on,
        valid_until=paper.valid_until,
        file=file,
        original_name=file.name[:255],
        content_type=content_type,
        size=file.size,
        sha256=digest,
        source=source,
    )


def keep_in_store(owner, attachment, paper, source):
    """The dossier's ``attachment`` (a scan, a result) kept in ``owner``'s store too, the
    same file; nothing when the dossier has no citizen account to keep it."""
    if owner is None or not owner.is_active or not owner.has_role(Role.CITIZEN):
        return None
    return CitizenDocument.objects.create(
        owner=owner,
        kind=paper.kind[:200],
        number=paper.number[:100],
        issuer=paper.issuer[:300],
        issued_on=paper.issued_on,
        valid_until=paper.valid_until,
        source=source,
        **same_file(attachment),
    )


def same_file(kept):
    """The file fields of ``kept`` (an attachment or a stored document), for another row
    that holds the same file rather than a copy."""
    return {
        "file": kept.file.name,
        "original_name": kept.original_name,
        "content_type": kept.content_type,
        "size": kept.size,
        "sha256": kept.sha256,
    }


def delete_document(owner, document):
    """Remove one of ``owner``'s documents; dossiers that reused it keep their copy."""
    if document.owner_id != owner.pk:
        raise TransitionError(_("This document is not in your store."))
    document.delete()


def applicant_account(id_number):
    """The citizen account whose owner gave ``id_number`` (CCCD), or None: the store a
    counter intake may reuse from, with the applicant's consent."""
    if not id_number:
        return None
    accounts = list(
        User.objects.filter(id_number=id_number, is_active=True, groups__name=Role.CITIZEN)[:2]
    )
    return accounts[0] if len(accounts) == 1 else None  # two accounts: nobody to pick


def offered_documents(account, consent):
    """What the desk may reuse from ``account``'s store: nothing without consent."""
    if account is None or not consent:
        return CitizenDocument.objects.none()
    return CitizenDocument.objects.offered_at_counter(account)


def check_reuses(owner, procedure, reuses, consent=True):
    """Refuse reuses of papers of another procedure, of someone else's documents, twice the
    same paper, or at the counter without the owner's consent."""
    if reuses and not consent:
        raise TransitionError(
            _("Tick the applicant's consent before reusing papers from their store."),
            field="consent",
        )
    papers = set()
    for reuse in reuses:
        if reuse.stored.owner_id != getattr(owner, "pk", None):
            raise TransitionError(
                _("No such document in the applicant's store."), field="stored_documents"
            )
        if reuse.document.procedure_id != procedure.pk:
            raise TransitionError(
                _("This document is not part of this procedure's dossier."),
                field="reused_documents",
            )
        if reuse.document.pk in papers:
            raise TransitionError(_("This document is listed twice."), field="reused_documents")
        papers.add(reuse.document.pk)


def apply_reuses(dossier, reuses, actor, now=None):
    """Mark the components of ``reuses`` received, digitised and reused, each with the
    stored file as its scan (the same file, not a copy)."""
    if not reuses:
        return
    now = now or timezone.now()
    with transaction.atomic():
        components = {
            component.document_id: component
            for component in dossier.components.filter(
                document__in=[reuse.document for reuse in reuses]
            )
        }
        for reuse in reuses:
            component, stored = components[reuse.document.pk], reuse.stored
            component.scan = Attachment.objects.create(
                dossier=dossier,
                kind=AttachmentKind.APPLICATION,
                document=reuse.document,
                uploaded_by=actor,
                **same_file(stored),
            )
            component.handed_over = component.digitised = component.reused = True
            component.exemption = ""
            component.reused_from = stored
            component.digitised_by, component.digitised_at = actor, now
            component.save()
