"""The demo catalogue: the national records shipped in ``procedures/fixtures/catalogue/``,
linked to the demo town's units, with internal workflows on its busiest procedures.
Idempotent, and bulk throughout, because ``seed_demo`` runs on every ``make run``. The
benchmarks add variants of its procedures for a catalogue of thousands."""

import random
from collections import Counter
from decimal import Decimal
from pathlib import Path
from time import perf_counter

from django.db import transaction

import procedures
from core.models import Unit, UnitKind
from core.roles import Role
from core.selectors import build_working_calendar, scored_units, top_unit
from procedures.catalogue_cache import catalogue_changed
from procedures.importer import read_records
from procedures.models import Level, Procedure, ProcedureVersion, WorkflowStep
from procedures.services.importing import import_records
from procedures.services.versions import current_version, terms_snapshot

from .dossiers import DEMO_SEED
from .generator.from_database import world_from_database
from .generator.world import busiest_procedures
from .offices import best_office

# The national records ship with the catalogue app (its import tests read them too).
FIXTURES = Path(procedures.__file__).resolve().parent / "fixtures" / "catalogue"
# The town's own fields first, so that the 13 fields keep the order the town publishes.
FIRST_FIXTURES = ("town-fields.json", "national-sample.json")
DESK_CODE = "H26.45.MC"
# The national records file procedures under the ministries' fine-grained fields; the
# town publishes them under its 13 fields.
TOWN_FIELD_OF = {
    "Hộ tịch": "Tư pháp",
    "Chứng thực": "Tư pháp",
    "Nuôi con nuôi": "Tư pháp",
    "Hòa giải ở cơ sở": "Tư pháp",
    "Bồi thường nhà nước": "Tư pháp",
    "Đăng ký biện pháp bảo đảm": "Tư pháp",
    "Hoạt động xây dựng": "Quản lý đô thị",
    "Quy hoạch đô thị và nông thôn": "Quản lý đô thị",
    "Hạ tầng kỹ thuật": "Quản lý đô thị",
    "Nhà ở và công sở": "Quản lý đô thị",
    "Quản lý chất lượng công trình xây dựng": "Quản lý đô thị",
    "Đường bộ": "Quản lý đô thị",
    "Hàng hải và đường thủy nội địa": "Quản lý đô thị",
}
# The demo's busiest procedures (by its filing rates) get the standard internal workflow.
BUSIEST_WITH_WORKFLOW = 30
# name, role, share of the time limit (%)
STANDARD_WORKFLOW = [
    ("Tiếp nhận hồ sơ", Role.DESK_OFFICER, Decimal(5)),
    ("Thẩm định, xử lý hồ sơ", Role.SPECIALIST, Decimal(70)),
    ("Phê duyệt kết quả", Role.UNIT_LEADER, Decimal(20)),
    ("Trả kết quả", Role.DESK_OFFICER, Decimal(5)),
]


def seed(out):
    started = perf_counter()
    records = [town_record(record) for path in fixture_files() for record in read_records(path)]
    report = import_records(
        records,
        atomic=False,
        every=100,
        progress=lambda done, total: out(f"    {done}/{total} records read"),
    )
    out(f"  catalogue: {report.summary()}")
    for note in report.rejected:
        out(f"    {note}")
    for message, count in Counter(note.message for note in report.warnings).items():
        out(f"    {count} × {message}")
    with transaction.atomic():
        linked = link_handling_units()
        workflows = add_standard_workflows()
    out(
        f"  handling units linked to {linked} procedures, workflows added to {workflows} "
        f"({perf_counter() - started:.1f} s)"
    )


def fixture_files():
    files = {path.name: path for path in FIXTURES.glob("*.json")}
    first = [files.pop(name) for name in FIRST_FIXTURES if name in files]
    return first + [files[name] for name in sorted(files)]


def town_record(record):
    """The record filed under the town's field for its ministry field."""
    fields = record.get("LINHVUCTHUCHIEN") if isinstance(record, dict) else None
    if isinstance(fields, list) and fields and isinstance(fields[0], dict):
        town_field = TOWN_FIELD_OF.get(fields[0].get("TENLINHVUC"))
        if town_field:
            return {**record, "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": town_field}]}
    return record


def link_handling_units():
    """Give procedures without handling units the demo town's: commune-level ones go to
    every ward and commune, the others to the office of their field (else the desk)."""
    procedures = list(Procedure.objects.filter(handling_units__isnull=True).select_related("field"))
    top = top_unit()
    if not procedures or top is None:
        return 0
    wards = list(scored_units(top))
    offices = list(Unit.objects.subtree(top).filter(kind=UnitKind.DEPARTMENT))
    desk = Unit.objects.filter(code=DESK_CODE).first()
    through = Procedure.handling_units.through
    links = []
    for procedure in procedures:
        if procedure.level == Level.COMMUNE:
            units = wards
        else:
            office = best_office(procedure.field.name, offices) or desk
            units = [office] if office else []
        links += [through(procedure_id=procedure.pk, unit_id=unit.pk) for unit in units]
    through.objects.bulk_create(links, batch_size=1000)
    catalogue_changed()
    return len({link.procedure_id for link in links})


def add_standard_workflows(count=BUSIEST_WITH_WORKFLOW):
    """The standard internal steps for the demo's `count` busiest procedures that have
    none yet, each with a new version that carries them (the one its dossiers get)."""
    world = world_from_database(build_working_calendar(), seed=DEMO_SEED)
    chosen = set(busiest_procedures(world, count)) if world else set()
    chosen -= set(
        WorkflowStep.objects.filter(procedure__in=chosen).values_list("procedure", flat=True)
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(procedure_id=pk, order=order, name=name, role=role, share=share)
        for pk in sorted(chosen)
        for order, (name, role, share) in enumerate(STANDARD_WORKFLOW, start=1)
    )
    catalogue_changed()
    for procedure in Procedure.objects.filter(pk__in=chosen):
        current_version(procedure)
    return len(chosen)


def add_procedure_variants(wanted, seed):
    """Variants of the real procedures (same field, level, limits, fees) up to `wanted`
    published procedures, each with its first version: a big catalogue for the benchmarks
    that keeps the real one's proportions."""
    real = list(Procedure.objects.published().select_related("field").order_by("code"))
    missing = wanted - len(real)
    if missing <= 0:
        return 0
    rng = random.Random(seed)
    variants = []
    for n in range(missing):
        base = rng.choice(real)
        variant = Procedure(
            code=f"{base.code}.B{n:05d}",
            name=f"{base.name} (trường hợp {n + 2})",
            field=base.field,
            level=base.level,
            time_limit_amount=base.time_limit_amount,
            time_limit_unit=base.time_limit_unit,
            same_day_cutoff=base.same_day_cutoff,
            channel_terms=base.channel_terms,
            fee_amount=base.fee_amount,
            online_level=base.online_level,
            published=True,
        )
        variant.fill_search_columns()
        variants.append(variant)
    with transaction.atomic():
        created = Procedure.objects.bulk_create(variants, batch_size=1000)
        versions = [
            ProcedureVersion(procedure=p, number=1, snapshot=terms_snapshot(p)) for p in created
        ]
        ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
    return len(created)
