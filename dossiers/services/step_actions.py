"""The actions on a dossier's internal steps: assign the current step's handler, finish
a step (the next starts), the unit leader's approval, and a return for rework to the
previous step. Each goes through the one transition path (lock, check the table in
dossiers.workflow, log the event); the dossier keeps its status."""

from django.utils.translation import gettext as _

from core.roles import Role

from ..models import StepRework
from ..workflow import StepAction, may_handle_at
from . import steps
from .errors import TransitionError
from .transitions import _required, _transition


def _current(locked):
    step = steps.current_step(locked)
    if step is None:
        raise TransitionError(_("This dossier has no step in progress."))
    return step


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
    """A unit leader or the desk names who handles the current step."""
    if handler is None:
        raise TransitionError(_("Choose the officer who handles this step."), field="handler")

    def name_handler(locked, at):
        step = _current(locked)
        _check_handler(handler, step.unit or locked.handling_unit)
        step.handler = handler
        step.save(update_fields=["handler"])
        locked.handler = handler
        return _step_details(step)

    return _transition(dossier, actor, StepAction.ASSIGN, name_handler, note=note, now=now)


def _may_finish(actor, step):
    return actor.is_superuser or step.handler_id == actor.pk or actor.has_role(Role.UNIT_LEADER)


def complete_step(dossier, actor, note="", now=None):
    """The handler finishes their step; the next one starts."""

    def finish(locked, at):
        step = _current(locked)
        if step.is_approval:
            raise TransitionError(_("This step is the unit leader's approval: approve it."))
        if not _may_finish(actor, step):
            raise TransitionError(_("Only the officer assigned to this step may finish it."))
        following = steps.advance(locked, step, at)
        return _step_details(following or step)

    return _transition(dossier, actor, StepAction.COMPLETE_STEP, finish, note=note, now=now)


def approve(dossier, actor, note="", now=None):
    """The unit leader approves the result at the approval step; the next one starts."""

    def record(locked, at):
        step = _current(locked)
        if not step.is_approval:
            raise TransitionError(_("The dossier is not waiting for approval."))
        step.approved_by = actor
        following = steps.advance(locked, step, at)
        return _step_details(following or step)

    return _transition(dossier, actor, StepAction.APPROVE, record, note=note, now=now)


def return_for_rework(dossier, actor, reason, now=None):
    """Send the dossier back to the previous step, with the reason recorded."""
    reason = _required(reason, "reason", _("Say what must be reworked and why."))

    def send_back(locked, at):
        step = _current(locked)
        previous = locked.steps.filter(order__lt=step.order).order_by("-order").first()
        if previous is None:
            raise TransitionError(_("The first step has no previous step to return to."))
        step.started_at = step.due_at = None
        step.save(update_fields=["started_at", "due_at"])
        previous.rework_count += 1
        previous.approved_by = None
        steps.start_step(locked, previous, at, previous.handler)
        StepRework.objects.create(
            step=previous, returned_from=step, returned_by=actor, at=at, reason=reason
        )
        return _step_details(previous)

    return _transition(
        dossier, actor, StepAction.RETURN_FOR_REWORK, send_back, note=reason, now=now
    )
