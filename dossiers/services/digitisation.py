"""Digitisation of the papers received (Circular 01/2023): each paper handed over is scanned
once, at the counter or later, or recorded as exempt under Circular 03/2025. Who did it and
when is kept on the component; the dossier is fully digitised when none is left to scan
(``dossiers.models.LEFT_TO_SCAN``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role

from ..models import AttachmentKind, DocumentSource, DossierComponent, Exemption
from ..uploads import sniff_content_type
from .attachments import attach
from .errors import TransitionError
from .store import StoredPaper, keep_in_store

# A scan is an image of paper: no word-processing files.
SCAN_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def may_digitise(user):
    return user.is_superuser or user.has_role(Role.DESK_OFFICER)


def scan_problem(file):
    """Why ``file`` is no scan (a PDF, JPEG or PNG by its content), or None."""
    if sniff_content_type(file) not in SCAN_TYPES:
        return _("The file “%(name)s” is not a PDF, JPEG or PNG scan.") % {"name": file.name}
    return None


def scan_component(component, file, actor, now=None):
    """Keep ``file`` as the scan of ``component``: a PDF, JPEG or PNG by its content."""
    with transaction.atomic():
        component = _locked(component, actor)
        if component.digitised:
            raise TransitionError(_("This paper is already digitised."), field="file")
        problem = scan_problem(file)
        if problem:
            raise TransitionError(problem, field="file")
        component.scan = attach(
            component.dossier, file, AttachmentKind.APPLICATION, actor, document=component.document
        )
        component.digitised = True
        component.exemption = ""
        _settle(component, actor, now, ["scan", "digitised", "exemption"])
        keep_scan_in_store(component.dossier, component.scan, component.name)
    return component


def keep_scan_in_store(dossier, scan, paper_name):
    """A paper scanned at the desk goes to the applicant's store too, when they have one."""
    keep_in_store(
        dossier.applicant_user, scan, StoredPaper(kind=paper_name), DocumentSource.DOSSIER_SCAN
    )


def exempt_component(component, reason, actor, now=None):
    """Record that ``component`` needs no scan, for one of Circular 03/2025's reasons."""
    if reason not in Exemption.values:
        raise TransitionError(_("Choose a reason of Circular 03/2025."), field="reason")
    with transaction.atomic():
        component = _locked(component, actor)
        if component.digitised:
            raise TransitionError(
                _("This paper is already digitised: it needs no exemption."), field="reason"
            )
        component.exemption = reason
        _settle(component, actor, now, ["exemption"])
    return component


def _locked(component, actor):
    if not may_digitise(actor):
        raise TransitionError(_("Only a desk officer can digitise the papers of a dossier."))
    component = (
        DossierComponent.objects.select_for_update(of=("self",))
        .select_related("dossier", "document")
        .get(pk=component.pk)
    )
    if not component.handed_over:
        raise TransitionError(_("This paper was not handed over: there is nothing to scan."))
    return component


def _settle(component, actor, now, fields):
    component.digitised_by = actor
    component.digitised_at = now or timezone.now()
    component.save(update_fields=[*fields, "digitised_by", "digitised_at"])
