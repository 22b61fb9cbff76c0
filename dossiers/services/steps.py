"""The mechanics of a dossier's internal steps (DossierStep): made from the procedure
version's workflow at receipt, each started with a due time cut from the dossier's
working time (its share × the allowance, in working time), moved by pauses like the
dossier's due time, and judged early / on time / late when finished. The actions that
move them are in ``step_actions``; transfer, pauses and resolution call in here."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core import workdays
from core.models import Unit
from core.roles import Role
from core.selectors import get_working_calendar

from ..models import DossierStep
from .clock import resume_clock
from .errors import TransitionError


def create_steps(dossier, now, actor=None):
    """Copy the workflow of the dossier's procedure version into the dossier's steps.
    A procedure without workflow steps gives none (the dossier is handled as a whole)."""
    workflow = (dossier.procedure_version.snapshot or {}).get("workflow") or []
    if not workflow:
        return []
    codes = {row["unit"] for row in workflow if row.get("unit")}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)} if codes else {}
    steps = DossierStep.objects.bulk_create(
        DossierStep(
            dossier=dossier,
            order=position,
            name=row["name"][:300],
            unit=units.get(row.get("unit")),
            role=row.get("role") or "",
            share=Decimal(str(row.get("share") or 0)),
        )
        for position, row in enumerate(workflow, start=1)
    )
    first = steps[0]
    if first.role == Role.DESK_OFFICER:
        # The desk's own reception step runs from receipt; the others start with the
        # transfer that hands the dossier over.
        start_step(dossier, first, now, actor)
        dossier.save(update_fields=["handling_unit", "handler", "step_index", "step_due_at"])
    return steps


def start_step(dossier, step, now, handler=None):
    """Start ``step`` at ``now``; the dossier moves to the step's unit when it names one.
    Saves the step; the caller saves the dossier."""
    if step.unit_id:
        dossier.handling_unit = step.unit
    else:
        own_unit = dossier.receiving_unit if step.role == Role.DESK_OFFICER else None
        step.unit = own_unit or dossier.handling_unit
    share = step.budget(dossier)
    step.started_at = now
    step.finished_at = None
    step.verdict = ""
    step.handler = handler
    step.due_at = (
        workdays.add_working_time(get_working_calendar(), now, share) if share is not None else None
    )
    step.save()
    dossier.step_index = step.order
    dossier.step_due_at = step.due_at
    dossier.handler = handler
    return step


def finish_step(step, now, judged=True):
    step.finished_at = now
    if judged and step.due_at:
        step.verdict = workdays.verdict(get_working_calendar(), now, step.due_at)
    step.save(update_fields=["finished_at", "verdict", "approved_by"])


def current_step(dossier):
    return dossier.steps.current().select_related("unit", "handler").first()


def next_step(dossier, step):
    return (
        dossier.steps.pending()
        .filter(order__gt=step.order)
        .select_related("unit")
        .order_by("order")
        .first()
    )


def advance(dossier, step, now, handler=None):
    """Finish ``step`` (the current one) and start the next one, if any, which it
    returns."""
    following = next_step(dossier, step)
    finish_step(step, now)
    if following is None:
        dossier.step_due_at = None
        return None
    return start_step(dossier, following, now, handler)


def route_transfer(dossier, now, to_unit, handler, check):
    """A transfer starts the step of the destination unit (the next step when none is
    named), finishing the current one and passing over the steps between. None when the
    dossier has no steps, or the destination is no step of its workflow."""
    steps = list(dossier.steps.select_related("unit"))
    if not steps:
        return None
    current = next((step for step in steps if step.is_current), None)
    ahead = [
        step
        for step in steps
        if step.finished_at is None
        and step is not current
        and (current is None or step.order > current.order)
    ]
    if to_unit is not None:
        ahead_for_unit = [step for step in ahead if step.unit_id == to_unit.pk]
        target = ahead_for_unit[0] if ahead_for_unit else None
    else:
        target = ahead[0] if ahead else None
    if target is None:
        return None
    if target.unit is not None:
        check(target.unit)
    else:
        check(dossier.handling_unit)
    if current is not None:
        finish_step(current, now)
    for passed in ahead[: ahead.index(target)]:
        finish_step(passed, now, judged=False)
    return start_step(dossier, target, now, handler)


def resume(dossier, now):
    """Resume the dossier's clock after a pause; the current step's due time moves by
    the same working time as the dossier's."""
    paused = dossier.paused_at
    resume_clock(dossier, now)
    if paused is None:
        return
    step = current_step(dossier)
    if step is not None and step.due_at is not None:
        step.due_at = workdays.resume_due(get_working_calendar(), step.due_at, paused, now)
        step.save(update_fields=["due_at"])
        dossier.step_due_at = step.due_at


def check_resolvable(dossier):
    """A dossier whose workflow has a leader's approval step is resolved once approved."""
    waiting = dossier.steps.filter(role=Role.UNIT_LEADER, approved_by__isnull=True)
    if waiting.exists():
        raise TransitionError(
            _(
                "The dossier cannot be resolved before the unit leader approves it "
                "(step “%(step)s”)."
            )
            % {"step": waiting.first().name}
        )


def finish_on_resolve(dossier, now):
    step = current_step(dossier)
    if step is not None:
        finish_step(step, now)
    dossier.step_due_at = None
