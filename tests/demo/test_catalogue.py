"""The demo catalogue loaded by seed_demo."""

import pytest
from django.db.models import Sum
from django.utils import translation

from core.models import Unit
from core.roles import Role
from core.selectors import scored_units
from demo import catalogue
from demo.offices import best_office
from demo.town import seed_units
from procedures.models import Field, Procedure, WorkflowStep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def town():
    seed_units(lambda line: None)


def test_the_demo_catalogue_is_loaded_linked_and_idempotent(town):
    lines = []
    catalogue.seed(lines.append)

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
    marriage = Procedure.objects.get(name="Thủ tục đăng ký kết hôn có yếu tố nước ngoài")
    assert list(marriage.workflow.values_list("name", "role", "share")) == [
        ("Tiếp nhận hồ sơ", Role.DESK_OFFICER, 5),
        ("Thẩm định, xử lý hồ sơ", Role.SPECIALIST, 70),
        ("Phê duyệt kết quả", Role.UNIT_LEADER, 20),
        ("Trả kết quả", Role.DESK_OFFICER, 5),
    ]
    assert marriage.versions.latest("number").snapshot["workflow"][2]["role"] == Role.UNIT_LEADER
    totals = WorkflowStep.objects.values("procedure").annotate(total=Sum("share"))
    assert {row["total"] for row in totals} == {100}
    assert totals.count() == catalogue.BUSIEST_WITH_WORKFLOW == 30
    links = Procedure.handling_units.through.objects.count()

    lines.clear()
    catalogue.seed(lines.append)

    assert any("0 created, 0 updated" in line for line in lines)
    assert Procedure.handling_units.through.objects.count() == links
    assert WorkflowStep.objects.count() == 4 * 30


def test_fields_are_matched_to_the_office_that_handles_them(town):
    offices = list(Unit.objects.filter(kind="department"))
    assert best_office("Giáo dục và Đào tạo", offices).code == "H26.45.GDDT"
    assert best_office("Văn hóa - Thông tin", offices).code == "H26.45.VHTT"
    assert best_office("Tiếp công dân", offices).code == "H26.45.TTR"
    assert best_office("Thủy sản", offices) is None


def test_procedures_with_units_keep_them(town):
    catalogue.seed(lambda line: None)
    birth = Procedure.objects.get(name="Thủ tục đăng ký khai sinh")
    birth.handling_units.set(Unit.objects.filter(code="H26.45.01"))
    assert catalogue.link_handling_units() == 0
    assert birth.handling_units.count() == 1
