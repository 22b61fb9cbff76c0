"""The actions on a dossier's internal steps: assign the current step's handler, finish
a step (the next starts), the unit leader's approval, and a return for rework to the
previous step. Each goes through the one transition path (lock, check the table in
dossiers.workflow, log the event); the table also says which current step each fits and
who may take it there. The dossier keeps its status."""

from django.utils.translation import gettext as _

from ..models import StepRework
from ..workflow import Action, may_handle_at
from . import steps
from .errors import TransitionError
from .transitions import _required, _transition


def _step_details(step):
    if step is None:
        return {}
    return {"step_name": step.name, "step_due_at": step.due_at}


def _check_handler(handler, unit):
    if not may_handle_at(handler, unit):
        raise TransitionError(
            _(
                "This officer cannot handle dossiers at %(unit)s: choose an active "
                "specialist or unit leader of that unit."
            )
            % {"unit": unit.display_name},
            field="handler",
        )


def assign(dossier, actor, handler, note="", now=None):
    """The receiving desk or a unit leader over the step's unit names who handles the
    current step."""
    if handler is None:
        raise TransitionError(_("Choose the officer who handles this step."), field="handler")

    def name_handler(locked, at):
        step = steps.current_step(locked)
        _check_handler(handler, step.unit or locked.handling_unit)
        step.handler = handler
        step.save(update_fields=["handler"])
        locked.handler = handler
        return _step_details(step)

    return _transition(dossier, actor, Action.ASSIGN, name_handler, note=note, now=now)


def complete_step(dossier, actor, note="", now=None):
    """The step's handler (or a unit leader over its unit) finishes a work step; the next
    one starts."""

    def finish(locked, at):
        step = steps.current_step(locked)
        following = steps.advance(locked, step, at)
        return _step_details(following or step)

    return _transition(dossier, actor, Action.COMPLETE_STEP, finish, note=note, now=now)


def approve(dossier, actor, note="", now=None):
    """A unit leader over the step's unit approves the result at the approval step; the
    next one starts."""

    def record(locked, at):
        step = steps.current_step(locked)
        step.approved_by = actor
        following = steps.advance(locked, step, at)
        return _step_details(following or step)

    return _transition(dossier, actor, Action.APPROVE, record, note=note, now=now)


def return_for_rework(dossier, actor, reason, now=None):
    """The step's handler (or a unit leader over its unit) sends the dossier back to the
    previous step, with the reason recorded."""
    reason = _required(reason, "reason", _("Say what must be reworked and why."))

    def send_back(locked, at):
        step = steps.current_step(locked)
        previous = locked.steps.filter(order__lt=step.order).order_by("-order").first()
        step.started_at = step.due_at = None
        step.save(update_fields=["started_at", "due_at"])
        previous.rework_count += 1
        previous.approved_by = None
        steps.start_step(locked, previous, at, previous.handler)
        StepRework.objects.create(
            step=previous, returned_from=step, returned_by=actor, at=at, reason=reason
        )
        return _step_details(previous)

    return _transition(dossier, actor, Action.RETURN_FOR_REWORK, send_back, note=reason, now=now)
