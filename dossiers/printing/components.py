"""The papers a form lists: the receipt lists the components handed over, with their form
and count; the supplement request the required ones still missing. Guidance notes are
never listed."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext as _

from procedures.models import DocumentKind
from procedures.words import copies

from ..models import AttachmentKind, PaperForm

FORM_LABELS = dict(PaperForm.choices)


@dataclass(frozen=True)
class ReceivedDocument:
    name: str
    case: str
    counts: str  # "02 Bản sao có chứng thực" or "1 bản chính, 1 bản sao"
    files: tuple


def component_counts(component):
    return f"{component.count:02d} {FORM_LABELS.get(component.form, component.form)}"


def received_documents(dossier):
    """The components handed over, each with its form, count and scan, then any file that
    answers none of them. A dossier received before components were recorded lists the
    papers of its terms (notes left out) with the files filed for each."""
    attachments = list(
        dossier.attachments.filter(kind=AttachmentKind.APPLICATION).select_related("document")
    )
    components = list(dossier.components.select_related("scan").order_by("order", "pk"))
    if not components:
        return _from_terms(dossier, attachments)
    rows, used = [], set()
    for component in components:
        if not component.handed_over:
            continue
        files = ()
        if component.scan_id:
            files = (component.scan.original_name,)
            used.add(component.scan_id)
        rows.append(
            ReceivedDocument(component.name, component.case, component_counts(component), files)
        )
    listed = {component.document_id for component in components if component.handed_over}
    others = tuple(
        a.original_name for a in attachments if a.pk not in used and a.document_id not in listed
    )
    if others:
        rows.append(ReceivedDocument(_("Other documents"), "", "", others))
    return rows


def missing_documents(dossier):
    """The required components not handed over."""
    return [
        ReceivedDocument(c.name, c.case, component_counts(c), ())
        for c in dossier.components.filter(handed_over=False, required=True).order_by("order")
    ]


def _from_terms(dossier, attachments):
    files = {}
    for attachment in attachments:
        name = attachment.document.name if attachment.document else None
        files.setdefault(name, []).append(attachment.original_name)
    rows = []
    for document in dossier.procedure_version.snapshot.get("documents", []):
        if document.get("kind") == DocumentKind.NOTE:
            continue
        filed = tuple(files.pop(document["name"], ()))
        if document.get("is_required", True) or filed:
            counts = copies(
                SimpleNamespace(originals=document["originals"], copies=document["copies"])
            )
            rows.append(ReceivedDocument(document["name"], document.get("case", ""), counts, filed))
    others = tuple(name for names in files.values() for name in names)
    if others:
        rows.append(ReceivedDocument(_("Other documents"), "", "", others))
    return rows
