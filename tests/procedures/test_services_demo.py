"""The demo catalogue loaded by seed_demo, and the search index it is served with."""

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import translation

from core import demo as core_demo
from core.models import Unit
from core.selectors import scored_units
from procedures import demo
from procedures.models import Field, Procedure, WorkflowStep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def town():
    core_demo.seed_units(lambda line: None)


def test_the_demo_catalogue_is_loaded_linked_and_idempotent(town):
    lines = []
    demo.seed(lines.append)

    assert Procedure.objects.count() >= 150
    assert Field.objects.count() == 13
    assert any("records read" in line for line in lines)
    wards = set(scored_units())
    for procedure in Procedure.objects.filter(level="commune").prefetch_related("handling_units"):
        assert set(procedure.handling_units.all()) == wards
    town_level = Procedure.objects.exclude(level="commune").prefetch_related("handling_units")
    for procedure in town_level:
        assert [u.kind for u in procedure.handling_units.all()] in (["department"], ["centre"])
    birth = Procedure.objects.get(name="Thủ tục đăng ký khai sinh")
    assert birth.field.name == "Tư pháp"
    assert list(birth.workflow.values_list("share", flat=True)) == [5, 70, 20, 5]
    totals = WorkflowStep.objects.values("procedure").annotate(total=Sum("share"))
    assert {row["total"] for row in totals} == {100}
    assert totals.count() == 5
    links = Procedure.handling_units.through.objects.count()

    lines.clear()
    demo.seed(lines.append)

    assert any("0 created, 0 updated" in line for line in lines)
    assert Procedure.handling_units.through.objects.count() == links
    assert WorkflowStep.objects.count() == 20


def test_fields_are_matched_to_the_office_that_handles_them(town):
    offices = list(Unit.objects.filter(kind="department"))
    assert demo.best_office("Giáo dục và Đào tạo", offices).code == "H26.45.GDDT"
    assert demo.best_office("Văn hóa - Thông tin", offices).code == "H26.45.VHTT"
    assert demo.best_office("Tiếp công dân", offices).code == "H26.45.TTR"
    assert demo.best_office("Thủy sản", offices) is None


def test_procedures_with_units_keep_them(town):
    demo.seed(lambda line: None)
    birth = Procedure.objects.get(name="Thủ tục đăng ký khai sinh")
    birth.handling_units.set(Unit.objects.filter(code="H26.45.01"))
    assert demo.link_handling_units() == 0
    assert birth.handling_units.count() == 1


def test_search_uses_the_trigram_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'procedure_search_trgm'")
        (definition,) = cursor.fetchone()
        # A tiny test table is cheapest to scan; ask whether the index can serve at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Procedure.objects.search("khai sinh").order_by().values("pk").explain()
    assert "gin_trgm_ops" in definition
    assert "procedure_search_trgm" in plan
