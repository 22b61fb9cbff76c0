"""The official forms 01–06 of DESIGN §3.6, numbered as in Appendix I of Circular
03/2025/TT-VPCP: what each form says about one dossier (its template context). Each form
names the unit that issues it (agency.py); pdf.py renders them."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workdays
from core.qr import qr_svg
from core.selectors import get_working_calendar
from procedures.words import time_limit_words

from ..models import VERDICT_CHOICES, Dossier, Status
from ..public_trail import public_trail
from ..words import action_label, person
from ..workflow import Action
from .agency import agency_of, issuer
from .components import missing_documents, received_documents
from .words import date_words, place_and_date, time_words

VERDICT_LABELS = dict(VERDICT_CHOICES)


class FormNotApplicable(Exception):
    """The form does not exist (yet) for this dossier; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OfficialForm:
    slug: str
    number: str
    title: str
    template: str
    build: object  # (dossier, request) -> dict with "issuer" and "issued_at"


def printable_dossiers(user):
    """The dossiers whose forms ``user`` may print: exactly those they may see."""
    return Dossier.objects.visible_to(user).select_related(
        "procedure", "procedure_version", "receiving_unit", "handling_unit"
    )


def form_context(form, dossier, request):
    """The template context of ``form`` for ``dossier``; raises FormNotApplicable."""
    details = form.build(dossier, request)
    agency = agency_of(details.pop("issuer"))
    return {
        "form": form,
        "dossier": dossier,
        "agency": agency,
        "place_date": place_and_date(agency.place, details.pop("issued_at")),
        "procedure_name": dossier.procedure.name,
        **details,
    }


def _events(dossier, actions=None):
    events = dossier.events.select_related("actor__unit", "from_unit", "to_unit")
    if actions is not None:
        events = events.filter(action__in=actions)
    return list(events.order_by("at", "pk"))


def _last_event(dossier, *actions, missing):
    events = _events(dossier, actions)
    if not events:
        raise FormNotApplicable(missing)
    return events[-1]


def lookup_url(request, dossier):
    """The public lookup page of ``dossier``, absolute, as its QR code opens it."""
    query = urlencode({"code": dossier.code})
    return request.build_absolute_uri(f"{reverse('dossiers:lookup')}?{query}")


def _receipt(dossier, request):
    reception = _last_event(
        dossier,
        Action.INTAKE,
        Action.RECEIVE,
        missing=_("This dossier has not been received yet, so it has no receipt."),
    )
    url = lookup_url(request, dossier)
    return {
        "issuer": issuer(reception.actor, dossier.receiving_unit),
        "issued_at": reception.at,
        "officer": person(reception.actor),
        "documents": received_documents(dossier),
        "time_limit": time_limit_words(
            dossier.limit_amount, dossier.limit_unit, dossier.limit_cutoff
        ),
        "received_words": time_words(reception.at),
        "appointment_words": time_words(dossier.appointment_at),
        "lookup_url": url,
        "qr": qr_svg(url, title=_("QR code: look up this dossier")),
    }


def _supplement(dossier, request):
    supplement = dossier.supplements.select_related("requested_by__unit").order_by(
        "requested_at", "pk"
    )
    latest = supplement.last()
    if latest is None:
        raise FormNotApplicable(_("No supplement has been requested for this dossier."))
    fallback = dossier.handling_unit if latest.during_handling else dossier.receiving_unit
    return {
        "issuer": issuer(latest.requested_by, fallback),
        "issued_at": latest.requested_at,
        "supplement": latest,
        "officer": person(latest.requested_by),
        "requested_words": time_words(latest.requested_at),
        "missing": missing_documents(dossier),
    }


def _refusal(dossier, request):
    refusal = _last_event(dossier, Action.REFUSE, missing=_("This dossier has not been refused."))
    return {
        "issuer": issuer(refusal.actor, dossier.receiving_unit),
        "issued_at": refusal.at,
        "reason": refusal.note,
        "officer": person(refusal.actor),
        "submitted_words": time_words(dossier.submitted_at),
    }


def _apology(dossier, request):
    latest = dossier.apologies.select_related("issued_by__unit").order_by("issued_at", "pk").last()
    if latest is None:
        raise FormNotApplicable(_("No apology has been issued for this dossier."))
    return {
        "issuer": issuer(latest.issued_by, dossier.handling_unit),
        "issued_at": latest.issued_at,
        "apology": latest,
        "officer": person(latest.issued_by),
        "received_words": date_words(dossier.received_at),
        "previous_words": time_words(latest.previous_appointment_at),
        "new_words": time_words(latest.new_appointment_at),
    }


def _stop(dossier, request):
    stop = _last_event(
        dossier, Action.STOP, missing=_("The handling of this dossier has not been stopped.")
    )
    withdrawal = None
    if stop.from_status == Status.WITHDRAWAL_REQUESTED:
        withdrawals = _events(dossier, [Action.REQUEST_WITHDRAWAL])
        withdrawal = withdrawals[-1] if withdrawals else None
    return {
        "issuer": issuer(stop.actor, dossier.handling_unit),
        "issued_at": stop.at,
        "reason": stop.note,
        "withdrawal": withdrawal,
        "withdrawal_words": time_words(withdrawal.at) if withdrawal else "",
        "officer": person(stop.actor),
        "received_words": date_words(dossier.received_at or dossier.submitted_at),
    }


@dataclass(frozen=True)
class TrackingRow:
    number: int
    at: datetime
    action: str
    from_unit: str
    officer: str
    to_unit: str
    step_name: str
    step_due_at: datetime | None
    verdict: str
    note: str


def _tracking(dossier, request):
    # The slip goes to the applicant with the receipt: it shows the public trail.
    events = list(public_trail(dossier))
    if not events:
        raise FormNotApplicable(_("Nothing has happened to this dossier yet."))
    return {
        "issuer": dossier.receiving_unit,
        "issued_at": dossier.received_at or events[0].at,
        "rows": tracking_rows(dossier, events),
        "received_words": time_words(dossier.received_at),
        "due_words": time_words(dossier.due_at),
        "appointment_words": time_words(dossier.appointment_at),
        "verdict": VERDICT_LABELS.get(dossier.verdict, ""),
    }


def tracking_rows(dossier, events):
    """One row per event of the public trail. A step is judged when the dossier moves on
    from it; the resolution carries the dossier's own verdict."""
    calendar = get_working_calendar()
    return [
        TrackingRow(
            number=index + 1,
            at=event.at,
            action=str(action_label(event.action)),
            from_unit=event.from_unit.name if event.from_unit else "",
            officer=person(event.actor),
            to_unit=event.to_unit.name if event.to_unit else "",
            step_name=event.step_name,
            step_due_at=event.step_due_at,
            verdict=_row_verdict(calendar, dossier, events, index),
            note=event.public_note,
        )
        for index, event in enumerate(events)
    ]


# A step ends when the dossier moves on; the applicant's waits (supplement, fees) pause it.
STEP_ENDING_ACTIONS = frozenset({Action.TRANSFER, Action.RESOLVE, Action.STOP})
PAUSED_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})


def _row_verdict(calendar, dossier, events, index):
    event = events[index]
    if event.action == Action.RESOLVE:
        return VERDICT_LABELS.get(dossier.verdict, "")
    if event.step_due_at is None:
        return ""
    outcome = step_outcome(calendar, event.step_due_at, events[index + 1 :])
    return VERDICT_LABELS[outcome] if outcome else _("Step in progress")


def step_outcome(calendar, due_at, later_events):
    """Early / on time / late of a step due at ``due_at``, judged at the event that moves
    the dossier on, or None while the step runs. As for the whole dossier, the time the
    applicant takes to supplement or pay is not the step's: its due time moves with each
    pause."""
    paused_at = None
    for event in later_events:
        if event.action in STEP_ENDING_ACTIONS:
            return workdays.verdict(calendar, paused_at or event.at, due_at)
        if paused_at is None and event.to_status in PAUSED_STATUSES:
            paused_at = event.at
        elif paused_at is not None and event.to_status not in PAUSED_STATUSES:
            due_at = workdays.resume_due(calendar, due_at, paused_at, event.at)
            paused_at = None
    return None


FORMS = {
    form.slug: form
    for form in (
        OfficialForm(
            "receipt",
            "01",
            gettext_lazy("Receipt and appointment slip"),
            "dossiers/print/receipt.html",
            _receipt,
        ),
        OfficialForm(
            "supplement",
            "02",
            gettext_lazy("Supplement request"),
            "dossiers/print/supplement.html",
            _supplement,
        ),
        OfficialForm(
            "refusal",
            "03",
            gettext_lazy("Refusal to receive the dossier"),
            "dossiers/print/refusal.html",
            _refusal,
        ),
        OfficialForm(
            "apology",
            "04",
            gettext_lazy("Apology and new appointment"),
            "dossiers/print/apology.html",
            _apology,
        ),
        OfficialForm(
            "stop",
            "05",
            gettext_lazy("Notice of stopped handling"),
            "dossiers/print/stop.html",
            _stop,
        ),
        OfficialForm(
            "tracking",
            "06",
            gettext_lazy("Tracking slip"),
            "dossiers/print/tracking.html",
            _tracking,
        ),
    )
}
