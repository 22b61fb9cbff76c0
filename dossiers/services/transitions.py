"""The actions on a dossier after its creation, and the one writer of its status.

Each action locks the dossier row, checks the transition table and the actor's role and
unit (dossiers.workflow), changes the dossier, appends an event, and schedules the
notification for after the commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.selectors import get_working_calendar

from .. import signals
from ..messaging import notifications
from ..models import (
    Apology,
    AttachmentKind,
    Dossier,
    DossierEvent,
    NotificationKind,
    Rating,
    RatingChannel,
    Satisfaction,
    Status,
    SupplementRequest,
)
from ..workflow import Action, may_handle_at, next_status, refusal_reason
from . import steps
from .attachments import attach_all
from .clock import judge, pause_clock, start_clock
from .errors import TransitionError


def enter_status(dossier, action, basis=None):
    """The one place a dossier's status is written: the status the transition table leads
    ``action`` to (``basis``: what a rule with several targets chooses by)."""
    dossier.status = next_status(action, dossier.status, basis)


def _transition(dossier, actor, action, change, *, note="", now=None, notify=None):
    """Lock, check, change, log, notify after commit. ``change(locked, now)`` applies the
    action's effects and may return the event's routing/step details and, for an action
    with several targets, the ``basis`` its rule chooses by."""
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
        enter_status(locked, action, details.pop("basis", None))
        locked.save()
        event = log_event(
            locked,
            action,
            actor,
            now,
            from_status,
            from_unit=from_unit,
            note=note,
            **details,
        )
        if notify:
            notifications.after_commit(locked, event, notify)
    return locked


def log_event(dossier, action, actor, now, from_status, *, from_unit=None, note="", **details):
    """Append the event of ``action``, which has just brought the dossier to its status,
    and tell the apps above (``signals.event_logged``) in the same transaction."""
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=actor if actor and actor.is_authenticated else None,
        at=now,
        from_status=from_status,
        to_status=dossier.status,
        from_unit=from_unit,
        to_unit=dossier.handling_unit,
        note=note,
        due_at=dossier.due_at,
        step_name=details.get("step_name", ""),
        step_due_at=details.get("step_due_at"),
    )
    signals.event_logged.send(sender=DossierEvent, dossier=dossier, event=event)
    return event


def _required(text, field_name, message):
    if not (text or "").strip():
        raise TransitionError(message, field=field_name)
    return text.strip()


def receive(dossier, actor, note="", now=None):
    def accept(locked, at):
        start_clock(locked, at)
        steps.create_steps(locked, at, actor)

    return _transition(
        dossier,
        actor,
        Action.RECEIVE,
        accept,
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
            pause_clock(locked, at)

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
        attach_all(locked, uploads, actor, AttachmentKind.SUPPLEMENT)
        if pending.during_handling:
            steps.resume(locked, at)
        return {"basis": pending}

    return _transition(dossier, actor, Action.SUPPLEMENT, answer, note=note, now=now)


def transfer(dossier, actor, to_unit=None, handler=None, note="", now=None):
    """Hand the dossier to the next internal step's unit (or ``to_unit``), and to
    ``handler`` if given: someone who can see and act on it there (``may_handle_at``)."""

    def route(locked, at):
        check = _handler_check(handler)
        step = steps.route_transfer(locked, at, to_unit, handler, check)
        if step is not None:
            return {"step_name": step.name, "step_due_at": step.due_at}
        if locked.steps.exists():
            target = to_unit or locked.handling_unit
            check(target)
            locked.handling_unit = target
            locked.handler = handler
            return {}
        return _legacy_route(locked, at, check)

    def _legacy_route(locked, at, check):
        workflow = list(locked.procedure.workflow.select_related("unit"))
        next_index = locked.step_index + 1 if locked.status == Status.IN_PROGRESS else 1
        step = workflow[next_index - 1] if next_index <= len(workflow) else None
        target = to_unit or (step.unit if step and step.unit else None) or locked.handling_unit
        check(target)
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


def _handler_check(handler):
    """The check that ``handler`` (if any) can handle the dossier at a unit."""

    def check(unit):
        if handler is not None and not may_handle_at(handler, unit):
            raise TransitionError(
                _(
                    "This officer cannot handle dossiers at %(unit)s: choose an active "
                    "specialist or unit leader of that unit."
                )
                % {"unit": unit.display_name},
                field="handler",
            )

    return check


def request_payment(dossier, actor, note="", now=None):
    return _transition(dossier, actor, Action.REQUEST_PAYMENT, pause_clock, note=note, now=now)


def confirm_payment(dossier, actor, note="", now=None):
    return _transition(
        dossier,
        actor,
        Action.CONFIRM_PAYMENT,
        steps.resume,
        note=note,
        now=now,
        notify=NotificationKind.PAID,
    )


def resolve(dossier, actor, note="", uploads=(), now=None):
    def finish(locked, at):
        steps.check_resolvable(locked)
        steps.finish_on_resolve(locked, at)
        locked.resolved_at = at
        locked.verdict = judge(locked)
        attach_all(locked, uploads, actor, AttachmentKind.RESULT)

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
    """The applicant's rating: ``actor`` is their account or the counter device
    (services/ratings.py), which records who handed it over."""
    if level not in Satisfaction.values:
        raise TransitionError(_("Choose one of the satisfaction levels."), field="level")
    opened_by = getattr(actor, "opened_by", None)

    def record(locked, at):
        Rating.objects.create(
            dossier=locked,
            level=level,
            comment=comment,
            rated_at=at,
            channel=RatingChannel.COUNTER_DEVICE if opened_by else RatingChannel.ACCOUNT,
            device_opened_by=opened_by,
        )

    return _transition(dossier, actor, Action.RATE, record, note=comment, now=now)
