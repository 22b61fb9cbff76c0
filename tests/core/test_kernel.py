"""Units, users, roles, demo data and the pages of the shared kernel."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.models import Unit, UnitKind, User
from core.roles import Role, wanted_permissions
from core.selectors import scored_units, top_unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


class TestUnitTree:
    def test_subtree_follows_any_depth_and_moves(self):
        province = UnitFactory(code="P", kind=UnitKind.PROVINCE)
        town = UnitFactory(code="T", kind=UnitKind.DISTRICT, parent=province)
        ward = UnitFactory(code="W", parent=town)
        other = UnitFactory(code="O", kind=UnitKind.DISTRICT, parent=province)
        assert set(Unit.objects.subtree(town)) == {town, ward}
        assert list(ward.ancestors()) == [province, town]

        town.parent = other
        town.save()
        ward.refresh_from_db()
        assert set(Unit.objects.subtree(other)) == {other, town, ward}
        assert list(ward.ancestors()) == [province, other, town]

    def test_a_unit_cannot_sit_under_its_own_descendant(self):
        town = UnitFactory(code="T", kind=UnitKind.DISTRICT)
        ward = UnitFactory(code="W", parent=town)
        town.parent = ward
        with pytest.raises(ValidationError):
            town.full_clean()


def test_role_groups_exist_with_their_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {r.value for r in Role} <= names
    leader = Group.objects.get(name=Role.LEADER)
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in leader.permissions.all()}
    assert codes == wanted_permissions()[Role.LEADER]
    assert "core.change_calendaroverride" in codes


def test_seed_demo_builds_the_town_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Unit.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count()) == counts

    assert top_unit().code == "H26"
    wards = scored_units()
    assert wards.count() == 15
    assert wards.filter(name="Phường Trung Sơn Trầm", kind=UnitKind.WARD).exists()
    assert wards.filter(name="Xã Đường Lâm", kind=UnitKind.COMMUNE).exists()
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    out = capsys.readouterr().out
    assert "Demo@2026" in out and "motcua" in out


def test_demo_users_can_log_in(client, settings):
    call_command("seed_demo")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "motcua", "password": settings.ONESTOP_DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


class TestPages:
    def test_home_is_vietnamese_by_default(self, client):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="vi">' in html
        assert "Thủ tục hành chính" in html

    def test_language_switch_to_english(self, client):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
        assert '<html lang="en">' in response.content.decode()
        assert "Administrative procedures" in response.content.decode()

    def test_admin_login_page_renders(self, client):
        assert client.get("/admin/login/").status_code == 200

    def test_api_docs_work_offline(self, client):
        html = client.get("/api/docs/").content.decode()
        assert "swagger-ui" in html
        assert "cdn." not in html and "unpkg" not in html
        assert client.get("/api/schema/").status_code == 200
