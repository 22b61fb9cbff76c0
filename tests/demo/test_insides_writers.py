"""Both writers put the generated components and steps in: bulk_create for the demo,
COPY for the benchmark, row for row the same."""

from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.roles import Role
from core.selectors import build_working_calendar
from demo.generator.bulk import write_dossiers
from demo.generator.copy_rows import CopyTables
from demo.generator.filings import DossierGenerator
from demo.generator.from_database import world_from_database
from dossiers.models import Dossier, DossierComponent, DossierStep
from procedures.models import Procedure, WorkflowStep

COUNT = 150
COMPONENT = ("document_id", "name", "required", "order", "handed_over", "form", "count")
STEP = ("order", "name", "role", "share", "handler_id", "started_at", "due_at", "finished_at")


class InTransaction:
    """The test's own connection for CopyTables: COPY inside the test's transaction."""

    def cursor(self):
        return connection.connection.cursor()

    def commit(self):
        pass


def generated():
    for procedure in Procedure.objects.published():
        for order, (role, share) in enumerate(
            [(Role.DESK_OFFICER, 10), (Role.SPECIALIST, 70), (Role.UNIT_LEADER, 20)], start=1
        ):
            WorkflowStep.objects.create(
                procedure=procedure, order=order, name=f"Bước {order}", role=role, share=share
            )
    built = world_from_database(build_working_calendar(), seed=1)
    return list(DossierGenerator(built, timezone.now(), seed=5).generate(COUNT))


def written():
    components = DossierComponent.objects.order_by("dossier__code", "order")
    steps = DossierStep.objects.order_by("dossier__code", "order")
    return (
        list(components.values_list("dossier__code", *COMPONENT)),
        list(steps.values_list("dossier__code", *STEP)),
    )


def test_bulk_and_copy_write_the_same_components_and_steps(world, clock):
    rows = generated()
    assert any(d.components for d in rows) and any(d.steps for d in rows)
    with transaction.atomic():
        write_dossiers(rows, lambda line: None, COUNT, 0)
    by_bulk = written()
    papers = sum(len(d.components) for d in rows)
    assert len(by_bulk[0]) == papers > 0
    assert len(by_bulk[1]) == sum(len(d.steps) for d in rows) > 0
    assert {row[4] for row in by_bulk[1]} == {Decimal(10), Decimal(70), Decimal(20)}
    Dossier.objects.all().delete()

    tables = CopyTables()
    first = 10_000_000
    for pk, dossier in enumerate(rows, start=first):
        tables.add(pk, dossier)
    tables.copy(InTransaction())

    assert written() == by_bulk
