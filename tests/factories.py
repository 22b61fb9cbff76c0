"""Factories of the core records and of dossiers; the catalogue's are in
tests.procedures.factories, the reform index's in tests.reform_index.factories."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from core import workdays
from core.models import Unit, UnitKind, User
from core.roles import Role
from core.selectors import get_working_calendar
from core.workdays import LimitUnit, Verdict
from dossiers.models import Dossier, DossierEvent, Rating, Satisfaction, Status
from dossiers.workflow import Action
from procedures.models import Channel, ProcedureVersion
from tests.procedures.factories import ProcedureFactory


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    kind = UnitKind.WARD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("Secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted)))
            self.is_staff = extracted != Role.CITIZEN
            self.save(update_fields=["is_staff"])


def _version(procedure):
    version, _created = ProcedureVersion.objects.get_or_create(
        procedure=procedure, number=1, defaults={"snapshot": {}}
    )
    return version


def _due(dossier):
    """When the working calendar makes a dossier received then due, under its limit."""
    return workdays.compute_due(
        get_working_calendar(), dossier.received_at, dossier.limit_amount, dossier.limit_unit
    )


def _allowance(dossier):
    calendar = get_working_calendar()
    start = workdays.next_working_instant(calendar, dossier.received_at)
    return max(workdays.working_time_between(calendar, start, dossier.due_at), timedelta(0))


# When a dossier of each verdict was resolved, against its due time.
RESOLVED_FOR = {
    Verdict.EARLY: lambda d: min(d.received_at + timedelta(hours=1), d.due_at - timedelta(days=1)),
    Verdict.ON_TIME: lambda d: d.due_at - timedelta(minutes=30),
    Verdict.LATE: lambda d: d.due_at + timedelta(days=1),
}


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier row as the services leave it, received at the counter of ``receiving_unit``
    at ``received_at`` (default: now, so the ``clock``), due by the working calendar under a
    five-working-day limit, and being handled there, with the trail of its steps.

    Rows, not the workflow, so a test can place a dossier's history anywhere in the past
    (tests that need the workflow itself drive ``dossiers.services``).

    Traits: ``received`` (just received, at the desk), ``in_progress`` (the default),
    ``resolved`` with ``verdict=early|on_time|late`` (resolved at a time that earns it,
    unless ``resolved_at`` is given), ``overdue`` (received ten days ago, past its due
    time, still running), ``rated`` (resolved, then rated "satisfied" an hour later; or
    ``rating="very_satisfied"``, ``rating__at=…``), ``paused`` (waiting for supplements;
    ``paused=True, status=Status.AWAITING_PAYMENT`` for a payment).
    """

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-{n:06d}")
    procedure = factory.SubFactory(ProcedureFactory)
    procedure_version = factory.LazyAttribute(lambda d: _version(d.procedure))
    receiving_unit = factory.SubFactory(UnitFactory)
    handling_unit = factory.SelfAttribute("receiving_unit")
    applicant_name = "Nguyễn Văn An"
    applicant_phone = "0912345678"
    channel = Channel.COUNTER
    status = Status.IN_PROGRESS
    limit_amount = Decimal(5)
    limit_unit = LimitUnit.WORKING_DAYS.value
    received_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.SelfAttribute("received_at")
    due_at = factory.LazyAttribute(_due)
    appointment_at = factory.SelfAttribute("due_at")
    allowance = factory.LazyAttribute(_allowance)
    resolved_at = None
    verdict = ""

    class Params:
        received = factory.Trait(status=Status.RECEIVED)
        in_progress = factory.Trait(status=Status.IN_PROGRESS)
        resolved = factory.Trait(
            status=Status.RESOLVED,
            verdict=Verdict.ON_TIME,
            resolved_at=factory.LazyAttribute(lambda d: RESOLVED_FOR[Verdict(d.verdict)](d)),
        )
        overdue = factory.Trait(
            received_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
            due_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        rated = factory.Trait(resolved=True, rating=Satisfaction.SATISFIED)
        paused = factory.Trait(
            status=Status.SUPPLEMENT_REQUESTED,
            paused_at=factory.LazyAttribute(lambda d: d.received_at + timedelta(hours=1)),
        )

    @factory.post_generation
    def trail(self, create, extracted, **kwargs):
        """The events the services would have logged: received, then resolved."""
        if not create or extracted is False:
            return
        events = [(Action.INTAKE, self.received_at, "", Status.IN_PROGRESS)]
        if self.resolved_at:
            events.append((Action.RESOLVE, self.resolved_at, Status.IN_PROGRESS, Status.RESOLVED))
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier=self,
                action=action,
                at=at,
                from_status=from_status,
                to_status=to_status,
                to_unit=self.handling_unit,
                due_at=self.due_at,
            )
            for action, at, from_status, to_status in events
        )

    @factory.post_generation
    def rating(self, create, extracted, at=None, **kwargs):
        if create and extracted:
            Rating.objects.create(
                dossier=self, level=extracted, rated_at=at or self.resolved_at + timedelta(hours=1)
            )
