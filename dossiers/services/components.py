"""The components of a dossier (DESIGN §3.9): one row per paper of its procedure — handed
over or not, in which form, how many, its scan, whether it was reused from earlier data.
The counter's checklist and online filing both write them here; a required paper not
handed over refuses the intake."""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workdays import LimitUnit
from procedures.models import DocumentKind

from ..models import AttachmentKind, DossierComponent, Exemption, PaperForm
from .attachments import attach
from .digitisation import keep_scan_in_store, scan_problem
from .errors import TransitionError

MAX_COUNT = 100


@dataclass
class ComponentEntry:
    """One line of the desk's checklist."""

    document: object  # a RequiredDocument of the procedure
    handed_over: bool = True
    form: str = ""  # a PaperForm value; "" for the document's usual form
    count: int | None = None  # None for the document's usual count
    scan: object = None  # the scanned file, checked by dossiers.uploads
    reused: bool = False  # taken from data the administration already holds
    exemption: str = ""  # an Exemption value: a paper Circular 03/2025 needs no scan of

    @property
    def received(self):
        """A reused paper counts as handed over: the administration already holds it in
        digitised form, so the applicant does not bring it again and nobody scans it."""
        return self.handed_over or self.reused


class ComponentsError(TransitionError):
    """The checklist refused, with one message per line: ``errors`` maps a document's id
    (None for the checklist as a whole) to its messages."""

    def __init__(self, errors):
        self.errors = errors
        messages = [message for found in errors.values() for message in found]
        super().__init__(" ".join(messages), field="components")


def papers_of(procedure):
    """The papers of a procedure's dossier, in catalogue order: notes are no papers."""
    return list(procedure.documents.exclude(kind=DocumentKind.NOTE).order_by("order", "pk"))


def usual_form(document):
    return PaperForm.ORIGINAL.value if document.originals else PaperForm.COPY.value


def usual_count(document):
    return document.originals or document.copies or 1


def check_checklist(procedure, entries, uploaded=()):
    """Refuse a checklist naming a paper of another procedure or a note, a bad form or
    count, or leaving a required paper not handed over. ``uploaded``: ids of documents a
    file was filed for (those count as handed over when the checklist omits them)."""
    errors = {}
    papers = papers_of(procedure)
    ids = {paper.pk for paper in papers}
    given = {}
    for entry in entries:
        key = entry.document.pk
        if key not in ids:
            errors.setdefault(key, []).append(
                _("Document %(id)s is not a paper of this procedure's dossier.") % {"id": key}
            )
        elif key in given:
            errors.setdefault(key, []).append(_("This document is listed twice."))
        if entry.form and entry.form not in PaperForm.values:
            errors.setdefault(key, []).append(
                _("The form must be original, certified copy or copy.")
            )
        problem = scan_problem(entry.scan) if entry.scan is not None else None
        if problem:
            errors.setdefault(key, []).append(problem)
        if entry.exemption and entry.exemption not in Exemption.values:
            errors.setdefault(key, []).append(_("Choose a reason of Circular 03/2025."))
        elif entry.exemption and entry.scan is not None:
            errors.setdefault(key, []).append(
                _("A scanned paper is not exempt: give either the scan or the exemption.")
            )
        if entry.count is not None and not 1 <= entry.count <= MAX_COUNT:
            errors.setdefault(key, []).append(
                _("The count must be between 1 and %(max)s.") % {"max": MAX_COUNT}
            )
        given[key] = entry
    for paper in papers:
        entry = given.get(paper.pk)
        handed = entry.received if entry else paper.pk in uploaded
        if paper.is_required and not handed:
            errors.setdefault(paper.pk, []).append(
                _("“%(name)s” is required: the dossier cannot be received without it.")
                % {"name": _short(paper.name)}
            )
    if errors:
        raise ComponentsError(errors)


def record_components(dossier, actor, entries=None, online=False):
    """Write the dossier's components from the checklist ``entries`` (if any) and the files
    already attached to it for a document: a paper with a file is handed over and digitised.
    Online filings hold electronic copies. A counter intake without a checklist received a
    complete dossier, so its required papers count as handed over."""
    given = {entry.document.pk: entry for entry in entries or []}
    scans = {}
    attached = dossier.attachments.filter(
        kind=AttachmentKind.APPLICATION, document__isnull=False
    ).order_by("pk")
    for attachment in attached:
        scans.setdefault(attachment.document_id, attachment)
    rows = []
    now = timezone.now()
    for order, paper in enumerate(papers_of(dossier.procedure)):
        entry = given.get(paper.pk)
        scan = scans.get(paper.pk)
        if entry is not None and entry.scan is not None:
            scan = attach(dossier, entry.scan, AttachmentKind.APPLICATION, actor, document=paper)
            keep_scan_in_store(dossier, scan, paper.name)
        default_form = PaperForm.COPY.value if online else usual_form(paper)
        exemption = entry.exemption if entry else ""
        # A reused paper is already held in digitised form.
        digitised = scan is not None or (entry is not None and entry.reused)
        settled = digitised or bool(exemption)
        rows.append(
            DossierComponent(
                dossier=dossier,
                document=paper,
                name=paper.name,
                case=paper.case,
                required=paper.is_required,
                order=order,
                handed_over=entry.received if entry else _implied(paper, scan, entries, online),
                form=(entry.form if entry else "") or default_form,
                count=(entry.count if entry else None) or usual_count(paper),
                scan=scan,
                digitised=digitised,
                exemption=exemption,
                digitised_by=actor if settled else None,
                digitised_at=now if settled else None,
                reused=entry is not None and entry.reused,
            )
        )
    DossierComponent.objects.bulk_create(rows)
    return rows


def _implied(paper, scan, entries, online):
    return scan is not None or (entries is None and not online and paper.is_required)


def _short(name, limit=120):
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


# --- the terms a dossier is received under ---------------------------------------------


@dataclass
class DeskLimit:
    """A time limit the desk sets at intake for a procedure whose record states none."""

    amount: object  # Decimal
    unit: str  # a LimitUnit value
    reason: str


def dossier_terms(procedure, channel, desk_limit=None):
    """(amount, unit, cutoff, reason) the dossier is received under. A procedure stating no
    limit is refused unless the desk sets one with a reason; a same-day limit keeps the
    cut-off in force now, so a later change of setting leaves the dossier's terms alone."""
    if procedure.states_limit_for(channel):
        if desk_limit is not None:
            raise TransitionError(
                _("The catalogue states this procedure's time limit; the desk cannot set one."),
                field="limit_amount",
            )
        amount, unit, cutoff = procedure.terms_for(channel)
        reason = ""
    elif desk_limit is None:
        raise TransitionError(
            _(
                "The catalogue states no time limit for this procedure: it cannot be received "
                "until the catalogue officer sets one, or the desk sets a time limit with a "
                "reason."
            ),
            field="limit_amount",
        )
    else:
        amount, unit, cutoff, reason = _checked(desk_limit)
    if unit == LimitUnit.SAME_DAY and cutoff is None:
        cutoff = time.fromisoformat(settings.ONESTOP_SAME_DAY_CUTOFF)
    return amount, unit, cutoff, reason


def _checked(desk_limit):
    reason = (desk_limit.reason or "").strip()
    if desk_limit.unit not in {unit.value for unit in LimitUnit}:
        raise TransitionError(_("Choose the unit of the time limit."), field="limit_unit")
    amount = Decimal(desk_limit.amount if desk_limit.amount is not None else 0)
    if desk_limit.unit != LimitUnit.SAME_DAY and not Decimal(0) < amount <= Decimal(3650):
        raise TransitionError(
            _("The time limit must be more than 0 and at most 3650."), field="limit_amount"
        )
    if not reason:
        raise TransitionError(
            _("Give the reason for the time limit the desk sets."), field="limit_reason"
        )
    if desk_limit.unit == LimitUnit.SAME_DAY:
        amount = Decimal(0)
    return amount, desk_limit.unit, None, reason
