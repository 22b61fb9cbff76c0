"""Inspections: the public list of published ones with its filters, and the index
officer's form."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from reform_index.models import Inspection
from tests.reform_index.factories import InspectionFactory

LIST = "/reform-index/inspections/"


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


@pytest.fixture
def inspections(world):
    return {
        "ward_2025": InspectionFactory(
            unit=world.ward, date=date(2025, 4, 2), team="Đoàn A", violations=1, findings="Muộn."
        ),
        "ward_2026": InspectionFactory(unit=world.ward, date=date(2026, 4, 2), team="Đoàn B"),
        "other_2026": InspectionFactory(
            unit=world.other_ward, date=date(2026, 5, 2), team="Đoàn C"
        ),
        "hidden": InspectionFactory(
            unit=world.ward, date=date(2026, 6, 2), team="Đoàn D", unpublished=True
        ),
    }


def teams(response):
    return sorted(
        team for team in ("Đoàn A", "Đoàn B", "Đoàn C", "Đoàn D") if team in response.text
    )


class TestPublicList:
    def test_the_public_sees_published_inspections_only(self, client, inspections):
        response = client.get(LIST)
        assert response.status_code == 200
        assert teams(response) == ["Đoàn A", "Đoàn B", "Đoàn C"]
        assert client.get(f"{LIST}{inspections['hidden'].pk}/").status_code == 404
        detail = client.get(f"{LIST}{inspections['ward_2025'].pk}/")
        assert detail.status_code == 200
        assert "Muộn." in detail.text

    def test_filters_by_unit_and_year(self, client, world, inspections):
        assert teams(client.get(LIST, {"unit": world.ward.pk})) == ["Đoàn A", "Đoàn B"]
        assert teams(client.get(LIST, {"year": 2026})) == ["Đoàn B", "Đoàn C"]
        both = client.get(LIST, {"unit": world.ward.pk, "year": 2026})
        assert teams(both) == ["Đoàn B"]

    def test_a_bad_filter_is_reported_and_ignored(self, client, inspections):
        response = client.get(LIST, {"unit": "abc", "year": "1900", "page": "x"})
        assert response.status_code == 200
        assert response.text.count('class="errorlist') == 2
        assert teams(response) == ["Đoàn A", "Đoàn B", "Đoàn C"]

    def test_index_staff_also_see_the_unpublished(self, client, world, inspections):
        client.force_login(world.index_officer)
        response = client.get(LIST)
        assert "Đoàn D" in response.text
        assert "chưa công khai" in response.text
        assert "/reform-index/inspections/new/" in response.text


class TestOfficerForm:
    def values(self, world, **changes):
        return {
            "unit": world.ward.pk,
            "date": "2026-03-10",
            "team": "Đoàn kiểm tra công vụ thị xã",
            "kind": "unannounced",
            "violations": "0",
            "findings": "",
            "follow_up": "",
            "published": "on",
            **changes,
        }

    @pytest.mark.parametrize("role", ["ward_leader", "leader", "ward_desk"])
    def test_only_index_officers_record_inspections(self, client, world, role):
        client.force_login(getattr(world, role))
        assert client.get(f"{LIST}new/").status_code == 403
        assert client.post(f"{LIST}new/", self.values(world)).status_code == 403
        assert not Inspection.objects.exists()

    def test_anonymous_users_are_sent_to_log_in(self, client, world):
        assert client.get(f"{LIST}new/").status_code == 302

    def test_the_officer_records_one(self, client, world):
        client.force_login(world.index_officer)
        assert client.get(f"{LIST}new/").status_code == 200
        response = client.post(f"{LIST}new/", self.values(world))
        inspection = Inspection.objects.get()
        assert response.status_code == 302
        assert response.url == f"{LIST}{inspection.pk}/"
        assert (inspection.unit, inspection.kind, inspection.published) == (
            world.ward,
            "unannounced",
            True,
        )
        assert inspection.created_by == world.index_officer

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"violations": "2"}, "findings", "Ghi rõ các vi phạm"),
            ({"violations": "-1"}, "violations", ""),
            ({"violations": "nhiều"}, "violations", ""),
            ({"team": "  "}, "team", ""),
            ({"kind": "secret"}, "kind", ""),
            ({"date": "31/02/2026"}, "date", ""),
        ],
    )
    def test_bad_input_is_shown_inline_and_nothing_is_saved(
        self, client, world, changes, field, message
    ):
        client.force_login(world.index_officer)
        response = client.post(f"{LIST}new/", self.values(world, **changes))
        assert response.status_code == 400
        tags = re.findall(rf'<(?:input|select|textarea)[^>]*name="{field}"[^>]*>', response.text)
        assert tags and all('aria-invalid="true"' in tag for tag in tags)
        assert message in response.text
        assert not Inspection.objects.exists()

    def test_a_future_date_is_refused(self, client, world):
        client.force_login(world.index_officer)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = client.post(f"{LIST}new/", self.values(world, date=tomorrow))
        assert response.status_code == 400
        assert not Inspection.objects.exists()

    def test_the_officer_edits_one(self, client, world, inspections):
        client.force_login(world.index_officer)
        hidden = inspections["hidden"]
        page = client.get(f"{LIST}{hidden.pk}/edit/")
        assert page.status_code == 200
        assert 'value="2026-06-02"' in page.text
        response = client.post(
            f"{LIST}{hidden.pk}/edit/",
            self.values(world, date="2026-06-02", team="Đoàn D", violations="1", findings="X."),
        )
        assert response.status_code == 302
        hidden.refresh_from_db()
        assert (hidden.violations, hidden.published) == (1, True)
