"""Reminder sweeps (DESIGN §3.7). Each sweep recomputes from the database what is owed,
records it as Reminder rows (a unique key makes it owed once, however often or
concurrently the sweep runs), then delivers the unsent rows under SKIP LOCKED, grouped into
one message per person. A lost task or a crash is recovered by the next sweep."""

import logging
from collections import defaultdict
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import workdays
from core.models import Unit, User
from core.roles import Role
from core.selectors import get_working_calendar

from ..models import Dossier, Reminder, ReminderKind
from .digests import daily_digest_context, monthly_report_attachments

logger = logging.getLogger(__name__)
CHUNK = 2000


def _chunks(iterable, size=CHUNK):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class _Staff:
    """Who to tell, looked up once per sweep: specialists by unit, and the leaders of a
    unit or, failing that, of the nearest unit above it."""

    def __init__(self):
        active = User.objects.filter(is_active=True, unit__isnull=False)
        self.specialists = self._by_unit(active, [Role.SPECIALIST])
        self.leaders = self._by_unit(active, [Role.UNIT_LEADER, Role.LEADER])
        self.paths = dict(Unit.objects.values_list("pk", "path"))

    @staticmethod
    def _by_unit(users, roles):
        found = defaultdict(list)
        for user_id, unit_id in users.filter(groups__name__in=roles).values_list("pk", "unit_id"):
            found[unit_id].append(user_id)
        return found

    def handlers(self, handler_id, unit_id):
        if handler_id:
            return [handler_id]
        return self.specialists.get(unit_id) or self.leaders_of(unit_id)

    def leaders_of(self, unit_id):
        ancestry = [int(part) for part in self.paths.get(unit_id, "").strip("/").split("/") if part]
        for candidate in reversed(ancestry):
            if self.leaders.get(candidate):
                return self.leaders[candidate]
        return []


def _owe(rows):
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)


def sweep_due_soon(now=None):
    """Remind the handling staff of dossiers due within ONESTOP_DUE_SOON_HOURS working
    hours. Keyed by the due time: if it moves (a pause), a new reminder is owed."""
    now = now or timezone.now()
    horizon = workdays.add_working_time(
        get_working_calendar(), now, timedelta(hours=settings.ONESTOP_DUE_SOON_HOURS)
    )
    candidates = Dossier.objects.clock_running().filter(due_at__gte=now, due_at__lte=horizon)
    return _sweep(candidates, ReminderKind.DUE_SOON, "due_at", lambda s, h, u: s.handlers(h, u))


def sweep_overdue(now=None):
    """Alert the unit leaders of every dossier whose due time has passed."""
    now = now or timezone.now()
    candidates = Dossier.objects.overdue(now)
    return _sweep(candidates, ReminderKind.OVERDUE, "due_at", lambda s, h, u: s.leaders_of(u))


def sweep_steps_behind(now=None):
    """Warn the handler when an internal step has used up its share of the time limit."""
    now = now or timezone.now()
    candidates = Dossier.objects.clock_running().filter(step_due_at__lt=now)
    return _sweep(
        candidates, ReminderKind.STEP_BEHIND, "step_due_at", lambda s, h, u: s.handlers(h, u)
    )


def sweep_steps_due_soon(now=None):
    """Warn the step's handler (or its unit) when the step in progress is about to use up
    its share of the time limit: due within ONESTOP_DUE_SOON_HOURS working hours. Keyed by
    the step's due time, which a pause moves."""
    now = now or timezone.now()
    horizon = workdays.add_working_time(
        get_working_calendar(), now, timedelta(hours=settings.ONESTOP_DUE_SOON_HOURS)
    )
    candidates = Dossier.objects.clock_running().filter(
        step_due_at__gte=now, step_due_at__lte=horizon
    )
    return _sweep(
        candidates, ReminderKind.STEP_DUE_SOON, "step_due_at", lambda s, h, u: s.handlers(h, u)
    )


def _sweep(candidates, kind, moment_field, recipients_of):
    staff, owed = _Staff(), 0
    rows = candidates.values_list("pk", "handler_id", "handling_unit_id", moment_field)
    for batch in _chunks(rows.order_by().iterator(chunk_size=CHUNK)):
        reminders = [
            Reminder(kind=kind, recipient_id=user_id, dossier_id=pk, key=moment.isoformat())
            for pk, handler_id, unit_id, moment in batch
            for user_id in recipients_of(staff, handler_id, unit_id)
        ]
        _owe(reminders)
        owed += len(reminders)
    return owed


def owe_daily_digests(today=None):
    """One digest a day to every leader and unit leader."""
    today = today or timezone.localdate()
    leaders = User.objects.filter(
        is_active=True, groups__name__in=[Role.LEADER, Role.UNIT_LEADER]
    ).distinct()
    _owe(
        [
            Reminder(kind=ReminderKind.DAILY_DIGEST, recipient=user, key=today.isoformat())
            for user in leaders
        ]
    )


def owe_monthly_reports(today=None):
    """On the first working day of a month, the previous month's report to the leaders."""
    today = today or timezone.localdate()
    calendar = get_working_calendar()
    first_working = today.replace(day=1)
    while not calendar.is_working_day(first_working):
        first_working += timedelta(days=1)
    if today != first_working:
        return 0
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    leaders = User.objects.filter(is_active=True, groups__name=Role.LEADER)
    rows = [
        Reminder(kind=ReminderKind.MONTHLY_REPORT, recipient=user, key=f"{month:%Y-%m}")
        for user in leaders
    ]
    _owe(rows)
    return len(rows)


# --- delivery ------------------------------------------------------------------------------


def deliver_reminders():
    """Send what is owed, one message per person and kind; returns messages sent.

    Each person's reminders are sent under a lock on that person's row (SKIP LOCKED), so
    two sweeps at once never split one person's reminders into two messages."""
    sent = 0
    owed_to = (
        Reminder.objects.filter(sent_at__isnull=True, error="")
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    for recipient_id in list(owed_to):
        with transaction.atomic():
            if not User.objects.select_for_update(skip_locked=True).filter(pk=recipient_id):
                continue  # another sweep is sending to this person right now
            for group in _owed_groups(recipient_id):
                sent += _send_group(group)
    return sent


def _owed_groups(recipient_id):
    owed = (
        Reminder.objects.filter(recipient_id=recipient_id, sent_at__isnull=True, error="")
        .select_related("recipient", "dossier", "dossier__procedure", "dossier__handling_unit")
        .order_by("kind", "pk")
    )
    groups = defaultdict(list)
    for reminder in owed:
        # Dossier reminders of a kind go together; digests and reports one per day or month.
        groups[(reminder.kind, "" if reminder.dossier_id else reminder.key)].append(reminder)
    return groups.values()


def _send_group(group):
    first = group[0]
    recipient, kind = first.recipient, first.kind
    try:
        message = _compose(kind, recipient, group)
        if recipient.email:
            message.send()
    except Exception as error:
        logger.warning("Reminder %s to %s failed: %s", kind, recipient.pk, error)
        Reminder.objects.filter(pk__in=[r.pk for r in group]).update(
            error=str(error)[:1000] or error.__class__.__name__
        )
        return 0
    Reminder.objects.filter(pk__in=[r.pk for r in group]).update(sent_at=timezone.now())
    return 1


def _compose(kind, recipient, group):
    context = {
        "recipient": recipient,
        "kind": kind,
        "reminders": group,
        "dossiers": [r.dossier for r in group if r.dossier_id],
    }
    attachments = []
    if kind == ReminderKind.DAILY_DIGEST:
        context.update(daily_digest_context(recipient))
    if kind == ReminderKind.MONTHLY_REPORT:
        attachments = monthly_report_attachments(recipient, group[0].key)
        context["month"] = group[0].key
    with translation.override("vi"):
        subject = render_to_string("dossiers/reminders/subject.txt", context).strip()
        body = render_to_string("dossiers/reminders/body.txt", context)
    message = EmailMessage(subject, body, to=[recipient.email] if recipient.email else [])
    for attachment in attachments:
        message.attach(*attachment)
    return message
