"""Every write on a dossier that carries a rule: one function per use case, atomic.

Each transition locks the dossier row, checks the transition table and the actor's role and
unit (dossiers.workflow), changes the dossier, appends an event, and schedules the
notification for after the commit. Deadlines come only from core.workdays.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.selectors import get_working_calendar
from procedures.models import Channel
from procedures.services import current_version

from . import notifications
from .applicants import Applicant
from .models import (
    Apology,
    Attachment,
    AttachmentKind,
    DailySequence,
    Dossier,
    DossierEvent,
    HeldUpload,
    NotificationKind,
    Rating,
    Satisfaction,
    Status,
    SupplementRequest,
    service_unit,
)
from .uploads import check_upload
from .workflow import TRANSITIONS, Action, may_handle_at, refusal_reason


class TransitionError(Exception):
    """An action that the table, the actor or the data does not allow; the message says
    why in the user's language and nothing was changed."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Upload:
    file: object
    document: object = None  # the RequiredDocument it answers, if any


@dataclass
class Intake:
    procedure: object
    applicant: Applicant
    summary: str = ""
    uploads: list = field(default_factory=list)


# --- creation -------------------------------------------------------------------------


def file_online(citizen, intake, receiving_unit, now=None):
    """A citizen files online: status submitted, waiting for the desk's check."""
    if not intake.procedure.is_online:
        raise TransitionError(_("This procedure cannot be filed online."), field="procedure")
    now = now or timezone.now()
    with transaction.atomic():
        dossier = _new_dossier(intake, receiving_unit, Channel.ONLINE, now)
        dossier.applicant_user = citizen
        dossier.submitted_at = now
        dossier.save()
        _attach_all(dossier, intake.uploads, citizen, AttachmentKind.APPLICATION)
        _log(dossier, Action.FILE_ONLINE, citizen, now, "", Status.SUBMITTED, note=intake.summary)
    return dossier


def intake_at_counter(officer, intake, channel=Channel.COUNTER, applicant_user=None, now=None):
    """The desk receives a complete dossier on the spot: received at once, clock started."""
    unit = service_unit(officer.unit)
    if unit is None or not (officer.is_superuser or officer.has_role("desk_officer")):
        raise TransitionError(_("Only a desk officer can receive dossiers at the counter."))
    now = now or timezone.now()
    with transaction.atomic():
        dossier = _new_dossier(intake, unit, channel, now)
        dossier.applicant_user = applicant_user
        dossier.submitted_at = now
        _start_clock(dossier, now)
        dossier.status = Status.RECEIVED
        dossier.save()
        _attach_all(dossier, intake.uploads, officer, AttachmentKind.APPLICATION)
        event = _log(dossier, Action.INTAKE, officer, now, "", Status.RECEIVED)
        notifications.after_commit(dossier, event, NotificationKind.RECEIVED)
    return dossier


def _new_dossier(intake, receiving_unit, channel, now):
    procedure = intake.procedure
    version = current_version(procedure)
    amount, unit, cutoff = procedure.terms_for(channel)
    applicant = intake.applicant
    refused = applicant.refusal()
    if refused:
        raise TransitionError(refused.message, field=refused.field)
    return Dossier(
        code=next_dossier_code(receiving_unit, now),
        procedure=procedure,
        procedure_version=version,
        receiving_unit=receiving_unit,
        handling_unit=receiving_unit,
        channel=channel,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_id_number=applicant.id_number,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        summary=intake.summary,
        limit_amount=amount,
        limit_unit=unit,
        limit_cutoff=cutoff,
    )


def next_dossier_code(unit, now):
    """`{unit code}-{yymmdd}-{NNNN}`: the day's sequence row is locked, so concurrent
    intakes at one desk never share a number."""
    day = timezone.localtime(now, workdays.TZ).date()
    return f"{unit.code}-{day:%y%m%d}-{_take_number(unit, day):04d}"


def _take_number(unit, day):
    """The next number of the unit's day in one statement: the day's row is created or
    counted on, and stays locked until the intake commits."""
    quote = connection.ops.quote_name
    table = quote(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('unit_id')}, {quote('day')}, {quote('last')}) "
            f"VALUES (%s, %s, 1) ON CONFLICT ({quote('unit_id')}, {quote('day')}) "
            f"DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1 "
            f"RETURNING {quote('last')}",
            [unit.pk, day],
        )
        return cursor.fetchone()[0]


# --- the clock ------------------------------------------------------------------------


def _start_clock(dossier, now):
    calendar = get_working_calendar()
    dossier.received_at = now
    dossier.due_at = workdays.compute_due(
        calendar, now, dossier.limit_amount, dossier.limit_unit, dossier.limit_cutoff
    )
    dossier.appointment_at = dossier.due_at
    dossier.allowance = workdays.working_time_between(
        calendar, workdays.next_working_instant(calendar, now), dossier.due_at
    )


def _pause_clock(dossier, now):
    dossier.paused_at = now


def _resume_clock(dossier, now):
    if dossier.paused_at is None or dossier.due_at is None:
        return
    calendar = get_working_calendar()
    paused = dossier.paused_at
    dossier.due_at = workdays.resume_due(calendar, dossier.due_at, paused, now)
    dossier.appointment_at = workdays.resume_due(calendar, dossier.appointment_at, paused, now)
    if dossier.step_due_at:
        dossier.step_due_at = workdays.resume_due(calendar, dossier.step_due_at, paused, now)
    dossier.paused_at = None


def judge(dossier):
    """Early / on time / late at resolution. More than one supplement request during
    handling makes a dossier late whatever its times (DESIGN §3.4)."""
    if dossier.supplement_count > 1:
        return workdays.Verdict.LATE
    return workdays.verdict(get_working_calendar(), dossier.resolved_at, dossier.due_at)


# --- transitions ----------------------------------------------------------------------


def _transition(dossier, actor, action, change, *, note="", now=None, notify=None):
    """Lock, check, change, log, notify after commit. ``change(locked, now)`` applies the
    action's effects and may return the event's routing/step details."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("handling_unit", "receiving_unit", "procedure")
            .get(pk=dossier.pk)
        )
        reason = refusal_reason(action, locked, actor)
        if reason:
            raise TransitionError(reason)
        from_status, from_unit = locked.status, locked.handling_unit
        details = (change(locked, now) if change else None) or {}
        target = TRANSITIONS[action].target
        if target is not None:
            locked.status = target
        locked.save()
        event = _log(
            locked,
            action,
            actor,
            now,
            from_status,
            locked.status,
            from_unit=from_unit,
            note=note,
            **details,
        )
        if notify:
            notifications.after_commit(locked, event, notify)
    return locked


def _log(
    dossier, action, actor, now, from_status, to_status, *, from_unit=None, note="", **details
):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=actor if actor and actor.is_authenticated else None,
        at=now,
        from_status=from_status,
        to_status=to_status,
        from_unit=from_unit,
        to_unit=dossier.handling_unit,
        note=note,
        due_at=dossier.due_at,
        step_name=details.get("step_name", ""),
        step_due_at=details.get("step_due_at"),
    )


def _required(text, field_name, message):
    if not (text or "").strip():
        raise TransitionError(message, field=field_name)
    return text.strip()


def receive(dossier, actor, note="", now=None):
    return _transition(
        dossier,
        actor,
        Action.RECEIVE,
        _start_clock,
        note=note,
        now=now,
        notify=NotificationKind.RECEIVED,
    )


def refuse(dossier, actor, reason, now=None):
    reason = _required(reason, "reason", _("Give the reason for refusing the dossier."))

    def close(locked, at):
        locked.closed_at = at

    return _transition(
        dossier,
        actor,
        Action.REFUSE,
        close,
        note=reason,
        now=now,
        notify=NotificationKind.REFUSED,
    )


def request_supplement(dossier, actor, reason, now=None):
    reason = _required(reason, "reason", _("Say which documents to supplement and why."))

    def ask(locked, at):
        during_handling = locked.status == Status.IN_PROGRESS
        SupplementRequest.objects.create(
            dossier=locked,
            requested_by=actor,
            requested_at=at,
            reason=reason,
            during_handling=during_handling,
        )
        if during_handling:
            locked.supplement_count += 1
            _pause_clock(locked, at)

    return _transition(
        dossier,
        actor,
        Action.REQUEST_SUPPLEMENT,
        ask,
        note=reason,
        now=now,
        notify=NotificationKind.SUPPLEMENT_REQUESTED,
    )


def supplement(dossier, actor, note="", uploads=(), now=None):
    """The applicant answers the supplement request; the dossier goes back to where the
    request came from and, during handling, the clock resumes with the time it had left."""

    def answer(locked, at):
        pending = locked.supplements.filter(fulfilled_at__isnull=True).last()
        if pending is None:
            raise TransitionError(_("There is no open supplement request."))
        pending.fulfilled_at = at
        pending.fulfilled_note = note
        pending.save(update_fields=["fulfilled_at", "fulfilled_note"])
        _attach_all(locked, uploads, actor, AttachmentKind.SUPPLEMENT)
        if pending.during_handling:
            _resume_clock(locked, at)
            locked.status = Status.IN_PROGRESS
        else:
            locked.status = Status.SUBMITTED

    return _transition(dossier, actor, Action.SUPPLEMENT, answer, note=note, now=now)


def transfer(dossier, actor, to_unit=None, handler=None, note="", now=None):
    """Hand the dossier to the next internal step's unit (or ``to_unit``), and to
    ``handler`` if given: someone who can see and act on it there (``may_handle_at``)."""

    def route(locked, at):
        steps = list(locked.procedure.workflow.select_related("unit"))
        next_index = locked.step_index + 1 if locked.status == Status.IN_PROGRESS else 1
        step = steps[next_index - 1] if next_index <= len(steps) else None
        target = to_unit or (step.unit if step and step.unit else None) or locked.handling_unit
        if handler is not None and not may_handle_at(handler, target):
            raise TransitionError(
                _(
                    "This officer cannot handle dossiers at %(unit)s: choose an active "
                    "specialist or unit leader of that unit."
                )
                % {"unit": target.display_name},
                field="handler",
            )
        locked.handling_unit = target
        locked.handler = handler
        locked.step_index = next_index
        details = {"step_name": step.name if step else ""}
        if step and locked.allowance:
            share = locked.allowance * float(step.share) / 100
            locked.step_due_at = workdays.add_working_time(get_working_calendar(), at, share)
            details["step_due_at"] = locked.step_due_at
        return details

    return _transition(dossier, actor, Action.TRANSFER, route, note=note, now=now)


def request_payment(dossier, actor, note="", now=None):
    return _transition(dossier, actor, Action.REQUEST_PAYMENT, _pause_clock, note=note, now=now)


def confirm_payment(dossier, actor, note="", now=None):
    return _transition(dossier, actor, Action.CONFIRM_PAYMENT, _resume_clock, note=note, now=now)


def resolve(dossier, actor, note="", uploads=(), now=None):
    def finish(locked, at):
        locked.resolved_at = at
        locked.verdict = judge(locked)
        _attach_all(locked, uploads, actor, AttachmentKind.RESULT)

    return _transition(
        dossier,
        actor,
        Action.RESOLVE,
        finish,
        note=note,
        now=now,
        notify=NotificationKind.RESOLVED,
    )


def return_result(dossier, actor, note="", now=None):
    def hand_over(locked, at):
        locked.returned_at = at
        locked.closed_at = at

    return _transition(dossier, actor, Action.RETURN, hand_over, note=note, now=now)


def request_withdrawal(dossier, actor, reason, now=None):
    reason = _required(reason, "reason", _("Give the reason for withdrawing the dossier."))
    return _transition(dossier, actor, Action.REQUEST_WITHDRAWAL, None, note=reason, now=now)


def stop(dossier, actor, reason, now=None):
    reason = _required(reason, "reason", _("Give the reason for stopping the handling."))

    def close(locked, at):
        locked.closed_at = at
        locked.paused_at = None

    return _transition(
        dossier, actor, Action.STOP, close, note=reason, now=now, notify=NotificationKind.STOPPED
    )


def apologize(dossier, actor, reason, new_appointment_at, now=None):
    """Before the due time passes, the handling side apologises and sets a new
    appointment. The citizen's appointment moves; the due time and verdict do not."""
    reason = _required(reason, "reason", _("Give the reason for the delay."))

    def record(locked, at):
        if locked.due_at and at > locked.due_at:
            raise TransitionError(_("An apology must be issued before the due time has passed."))
        if new_appointment_at <= (locked.appointment_at or at):
            raise TransitionError(
                _("The new appointment must be later than the current one."),
                field="new_appointment_at",
            )
        Apology.objects.create(
            dossier=locked,
            issued_by=actor,
            issued_at=at,
            reason=reason,
            previous_appointment_at=locked.appointment_at or at,
            new_appointment_at=new_appointment_at,
        )
        locked.appointment_at = new_appointment_at
        locked.apology_count += 1

    return _transition(
        dossier,
        actor,
        Action.APOLOGIZE,
        record,
        note=reason,
        now=now,
        notify=NotificationKind.APOLOGY,
    )


def rate(dossier, actor, level, comment="", now=None):
    if level not in Satisfaction.values:
        raise TransitionError(_("Choose one of the satisfaction levels."), field="level")

    def record(locked, at):
        Rating.objects.create(dossier=locked, level=level, comment=comment, rated_at=at)

    return _transition(dossier, actor, Action.RATE, record, note=comment, now=now)


# --- attachments ----------------------------------------------------------------------


def _attach_all(dossier, uploads, actor, kind):
    for upload in uploads:
        attach(dossier, upload.file, kind, actor, document=upload.document)


def attach(dossier, file, kind, actor, document=None):
    try:
        content_type, digest = check_upload(file)
    except ValidationError as error:
        raise TransitionError(error.messages[0], field="file") from None
    return Attachment.objects.create(
        dossier=dossier,
        kind=kind,
        document=document,
        file=file,
        original_name=file.name[:255],
        content_type=content_type,
        size=file.size,
        sha256=digest,
        uploaded_by=actor if actor and actor.is_authenticated else None,
    )


# --- uploads held across a failed form -----------------------------------------------------


def hold_uploads(owner, uploads):
    """Keep checked uploads for ``owner`` after their form failed for another reason;
    returns their HeldUploads."""
    held = []
    for upload in uploads:
        upload.seek(0)
        held.append(
            HeldUpload.objects.create(
                owner=owner, file=upload, original_name=upload.name[:255], size=upload.size
            )
        )
    return held


def release_held_uploads(held):
    """Discard held uploads once the form they were kept for is saved (after the commit, so
    that a failed save still finds them)."""
    keys = [item.pk for item in held]
    if keys:
        transaction.on_commit(lambda: _discard(HeldUpload.objects.filter(pk__in=keys)))


def discard_stale_held_uploads(now=None):
    """Discard uploads held longer than ``HELD_UPLOAD_HOURS``; returns how many."""
    return _discard(HeldUpload.objects.stale(now or timezone.now()))


def _discard(held_uploads):
    discarded = 0
    for held in held_uploads.iterator():
        held.file.delete(save=False)
        held.delete()
        discarded += 1
    return discarded


def remaining_working_time(dossier, now=None, calendar=None):
    """Working time left before the due time (negative when late), for "2 ngày 3 giờ"."""
    if dossier.due_at is None:
        return None
    reference = dossier.paused_at or now or timezone.now()
    calendar = calendar or get_working_calendar()
    return workdays.working_time_between(calendar, reference, dossier.due_at)
