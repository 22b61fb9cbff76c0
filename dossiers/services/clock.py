"""A dossier's clock: started at receipt, paused while the applicant holds the dossier
(supplements, payment), resumed with the time it had left. Deadlines come only from
core.workdays."""

from django.utils import timezone

from core import workdays
from core.selectors import get_working_calendar


def start_clock(dossier, now):
    calendar = get_working_calendar()
    dossier.received_at = now
    dossier.due_at = workdays.compute_due(
        calendar, now, dossier.limit_amount, dossier.limit_unit, dossier.limit_cutoff
    )
    dossier.appointment_at = dossier.due_at
    dossier.allowance = workdays.working_time_between(
        calendar, workdays.next_working_instant(calendar, now), dossier.due_at
    )


def pause_clock(dossier, now):
    dossier.paused_at = now


def resume_clock(dossier, now):
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


def remaining_working_time(dossier, now=None, calendar=None):
    """Working time left before the due time (negative when late), for "2 ngày 3 giờ"."""
    if dossier.due_at is None:
        return None
    reference = dossier.paused_at or now or timezone.now()
    calendar = calendar or get_working_calendar()
    return workdays.working_time_between(calendar, reference, dossier.due_at)
