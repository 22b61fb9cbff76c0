"""The official forms of DESIGN §3.6, numbered as in Appendix I of Circular 03/2025/TT-VPCP:
what each form says about a dossier (its template context) and its rendering to PDF.

Each form names the unit that issues it; the agency header, the place of the place-and-date
line and the desk's address all come from the unit tree, never from code.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from django import forms
from django.contrib.staticfiles import finders
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workdays
from core.models import Unit, UnitKind
from core.qr import qr_svg
from core.selectors import get_working_calendar
from procedures.templatetags.catalogue import copies, time_limit_words

from .models import VERDICT_CHOICES, AttachmentKind, Dossier, Status, service_unit
from .selectors import scope_units
from .workflow import ACTION_LABELS, Action

# Units headed by a people's committee; other units (offices, desks) sit under one.
COMMITTEE_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.COMMUNE})
# The kind word that a place name drops: "Thị xã Sơn Tây" signs its papers "Sơn Tây, …".
# Longer words first, so "Thị xã" is not read as "xã".
PLACE_PREFIXES = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
)

VERDICT_LABELS = dict(VERDICT_CHOICES)
STATUS_LABELS = dict(Status.choices)


class FormNotApplicable(Exception):
    """The form does not exist (yet) for this dossier; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- wording shared by the forms ------------------------------------------------------


def _day(number):
    # Decree 30/2020 on administrative documents: days below 10 and the months January
    # and February are written with a leading zero ("ngày 05 tháng 01", "tháng 11").
    return f"{number:02d}" if number < 10 else str(number)


def _month(number):
    return f"{number:02d}" if number < 3 else str(number)


def _date_parts(moment):
    local = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    return {"day": _day(local.day), "month": _month(local.month), "year": local.year}


def date_words(moment):
    """ "ngày 23 tháng 11 năm 2026"; empty for no date."""
    if moment is None:
        return ""
    return _("on %(day)s/%(month)s/%(year)s") % _date_parts(moment)


def time_words(moment):
    """ "09 giờ 00 phút, ngày 23 tháng 11 năm 2026"; empty for no time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return _("%(hour)s:%(minute)s on %(day)s/%(month)s/%(year)s") % {
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        **_date_parts(local),
    }


def place_and_date(place, moment):
    """ "Sơn Tây, ngày 23 tháng 11 năm 2026"."""
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % {"place": place, **_date_parts(moment)}


def person_name(user):
    """A user's name in Vietnamese order (family name first)."""
    if user is None:
        return ""
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def place_name(unit):
    name = unit.name.strip()
    lowered = name.lower()
    for prefix in PLACE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


# --- the issuing agency ---------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """Who issues a form: the header's two lines, where it signs, how to reach its desk."""

    governing: str  # "Ủy ban nhân dân Thị xã Sơn Tây" (printed in capitals)
    issuing: str  # "Bộ phận Một cửa" or "Phòng Tư pháp"
    place: str
    address: str
    phone: str


def agency_of(unit):
    """The agency header of ``unit``: a people's committee issues through its one-stop desk;
    an office or a desk issues under the committee it belongs to."""
    if unit.kind in COMMITTEE_KINDS:
        committee = unit
        desk = (
            Unit.objects.filter(parent=unit, kind=UnitKind.CENTRE, is_active=True)
            .order_by("path")
            .first()
        )
        issuing = desk.name if desk else _("One-stop desk")
        contact = desk or unit
    else:
        committee = _nearest_committee(unit)
        issuing = unit.name
        contact = unit
    return Agency(
        governing=_("People's Committee of %(unit)s") % {"unit": committee.name},
        issuing=issuing,
        place=place_name(committee),
        address=contact.address or committee.address,
        phone=contact.phone or committee.phone,
    )


def _nearest_committee(unit):
    committees = [ancestor for ancestor in unit.ancestors() if ancestor.kind in COMMITTEE_KINDS]
    return committees[-1] if committees else unit


def _issuer(user, fallback):
    """The unit a form is issued by: the unit of the officer who acted, else ``fallback``
    (an administrator acting without a unit)."""
    return user.unit if user is not None and user.unit_id else fallback


# --- forms 01–06, one dossier each ----------------------------------------------------


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
        "issuer": _issuer(reception.actor, dossier.receiving_unit),
        "issued_at": reception.at,
        "officer": person_name(reception.actor),
        "documents": received_documents(dossier),
        "time_limit": time_limit_words(
            dossier.limit_amount, dossier.limit_unit, dossier.limit_cutoff
        ),
        "received_words": time_words(reception.at),
        "appointment_words": time_words(dossier.appointment_at),
        "lookup_url": url,
        "qr": qr_svg(url, title=_("QR code: look up this dossier")),
    }


@dataclass(frozen=True)
class ReceivedDocument:
    name: str
    case: str
    counts: str  # "1 bản chính, 1 bản sao"
    files: tuple


def received_documents(dossier):
    """The documents of the terms the dossier was received under, with the files uploaded
    for each, then any file that answers none of them. Optional documents are listed only
    when something was filed for them."""
    files = {}
    for attachment in dossier.attachments.filter(kind=AttachmentKind.APPLICATION).select_related(
        "document"
    ):
        name = attachment.document.name if attachment.document else None
        files.setdefault(name, []).append(attachment.original_name)
    rows = []
    for document in dossier.procedure_version.snapshot.get("documents", []):
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


def _supplement(dossier, request):
    supplement = dossier.supplements.select_related("requested_by__unit").order_by(
        "requested_at", "pk"
    )
    latest = supplement.last()
    if latest is None:
        raise FormNotApplicable(_("No supplement has been requested for this dossier."))
    fallback = dossier.handling_unit if latest.during_handling else dossier.receiving_unit
    return {
        "issuer": _issuer(latest.requested_by, fallback),
        "issued_at": latest.requested_at,
        "supplement": latest,
        "officer": person_name(latest.requested_by),
        "requested_words": time_words(latest.requested_at),
    }


def _refusal(dossier, request):
    refusal = _last_event(dossier, Action.REFUSE, missing=_("This dossier has not been refused."))
    return {
        "issuer": _issuer(refusal.actor, dossier.receiving_unit),
        "issued_at": refusal.at,
        "reason": refusal.note,
        "officer": person_name(refusal.actor),
        "submitted_words": time_words(dossier.submitted_at),
    }


def _apology(dossier, request):
    latest = dossier.apologies.select_related("issued_by__unit").order_by("issued_at", "pk").last()
    if latest is None:
        raise FormNotApplicable(_("No apology has been issued for this dossier."))
    return {
        "issuer": _issuer(latest.issued_by, dossier.handling_unit),
        "issued_at": latest.issued_at,
        "apology": latest,
        "officer": person_name(latest.issued_by),
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
        "issuer": _issuer(stop.actor, dossier.handling_unit),
        "issued_at": stop.at,
        "reason": stop.note,
        "withdrawal": withdrawal,
        "withdrawal_words": time_words(withdrawal.at) if withdrawal else "",
        "officer": person_name(stop.actor),
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
    events = _events(dossier)
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
    """One row per event. A step is judged when the dossier moves on from it; the
    resolution carries the dossier's own verdict."""
    calendar = get_working_calendar()
    return [
        TrackingRow(
            number=index + 1,
            at=event.at,
            action=str(ACTION_LABELS.get(event.action, event.action)),
            from_unit=event.from_unit.name if event.from_unit else "",
            officer=person_name(event.actor),
            to_unit=event.to_unit.name if event.to_unit else "",
            step_name=event.step_name,
            step_due_at=event.step_due_at,
            verdict=_row_verdict(calendar, dossier, events, index),
            note=event.note,
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
LOGBOOK_FORM_NUMBER = "07"


# --- form 07: the logbook -------------------------------------------------------------

LOGBOOK_FIELDS = (
    "code",
    "procedure__name",
    "applicant_name",
    "applicant_phone",
    "received_at",
    "appointment_at",
    "resolved_at",
    "returned_at",
    "status",
    "verdict",
)
LOGBOOK_HEADINGS = (
    gettext_lazy("No."),
    gettext_lazy("Dossier code"),
    gettext_lazy("Procedure"),
    gettext_lazy("Applicant"),
    gettext_lazy("Phone number"),
    gettext_lazy("Received on"),
    gettext_lazy("Appointment date"),
    gettext_lazy("Result ready on"),
    gettext_lazy("Returned on"),
    gettext_lazy("Status"),
    gettext_lazy("Outcome (early / on time / late)"),
)


class LogbookFilterForm(forms.Form):
    """The logbook's period (by reception date, both days included), status and unit."""

    date_from = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Received to"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Status.choices],
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Receiving unit"),
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=gettext_lazy("All my units"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope_units(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned


def this_month(today=None):
    """The logbook's default period: the current month up to today."""
    today = today or timezone.localdate()
    return {"date_from": today.replace(day=1), "date_to": today}


def logbook_queryset(user, date_from=None, date_to=None, status="", unit=None):
    """The logbook's rows (as dicts of LOGBOOK_FIELDS) in reception order: the register
    of what the user may see, never more."""
    dossiers = Dossier.objects.visible_to(user)
    if date_from:
        dossiers = dossiers.filter(received_at__gte=_start_of(date_from))
    if date_to:
        dossiers = dossiers.filter(received_at__lt=_start_of(date_to, next_day=True))
    if status:
        dossiers = dossiers.filter(status=status)
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit=unit)
    return dossiers.order_by(F("received_at").asc(nulls_last=True), "pk").values(*LOGBOOK_FIELDS)


def _start_of(day, next_day=False):
    if next_day:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def logbook_row(number, values):
    """One logbook line: the number, then the columns of LOGBOOK_HEADINGS; times stay
    aware datetimes so each format (HTML, CSV, XLSX) writes them its own way."""
    return (
        number,
        values["code"],
        values["procedure__name"],
        values["applicant_name"],
        values["applicant_phone"],
        values["received_at"],
        values["appointment_at"],
        values["resolved_at"],
        values["returned_at"],
        str(STATUS_LABELS.get(values["status"], values["status"])),
        str(VERDICT_LABELS.get(values["verdict"], "")),
    )


def logbook_rows(values, start=1):
    for number, row in enumerate(values, start):
        yield logbook_row(number, row)


def logbook_agency(user):
    unit = service_unit(user.unit)
    return agency_of(unit) if unit is not None else None


# --- PDF ------------------------------------------------------------------------------


def render_pdf(template, context, request=None):
    """The form as PDF bytes. The stylesheet is read from the static files and nothing is
    fetched over the network while rendering."""
    # WeasyPrint loads Pango and fonts at import; only PDF requests should pay for that.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    # No protocol allowed: a form carries its QR code inline and needs nothing else.
    nothing_fetched = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=nothing_fetched)
    return document.write_pdf(stylesheets=[CSS(string=_print_css(), url_fetcher=nothing_fetched)])


def _print_css():
    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        return stylesheet.read()
