"""The back office: criteria editable in drafts only, state changes through actions that
call the services, inspections checked like everywhere else."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reform_index.models import Inspection, Scorecard, ScorecardState
from reform_index.services import criteria_io, lifecycle
from tests.factories import UserFactory
from tests.reform_index.conftest import YEAR, appraise_all, self_assess_all
from tests.reform_index.factories import InspectionFactory, ScorecardFactory


@pytest.fixture
def admin_client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def changelist(model):
    return reverse(f"admin:reform_index_{model}_changelist")


def run_action(client, model, action, objects):
    return client.post(
        changelist(model),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


class TestPages:
    @pytest.mark.parametrize("model", ["scorecard", "assessment", "inspection"])
    def test_changelists_open_for_the_index_officer(self, opened, world, admin_client_as, model):
        InspectionFactory(unit=world.ward)
        response = admin_client_as(world.index_officer).get(changelist(model))
        assert response.status_code == 200

    def test_a_unit_leader_lists_only_the_scorecards_visible_to_them(
        self, scorecard, world, admin_client_as
    ):
        published = ScorecardFactory(year=YEAR - 1, published=True)
        response = admin_client_as(world.ward_leader).get(changelist("scorecard"))
        assert response.status_code == 200
        assert list(response.context["cl"].queryset) == [published]  # not the draft

    def test_a_draft_shows_editable_criteria_and_the_import_link(
        self, scorecard, world, admin_client_as
    ):
        page = admin_client_as(world.index_officer).get(
            reverse("admin:reform_index_scorecard_change", args=[scorecard.pk])
        )
        assert page.status_code == 200
        assert b'name="criteria-0-max_points"' in page.content
        assert reverse("admin:reform_index_scorecard_import", args=[scorecard.pk]).encode() in (
            page.content
        )

    def test_an_opened_scorecard_shows_criteria_read_only(self, opened, world, admin_client_as):
        page = admin_client_as(world.index_officer).get(
            reverse("admin:reform_index_scorecard_change", args=[opened.pk])
        )
        assert page.status_code == 200
        assert b'name="criteria-0-max_points"' not in page.content
        assert b'name="survey_points"' not in page.content

    def test_an_assessment_page_lists_its_scores(self, opened, world, admin_client_as):
        assessment = opened.assessments.get(unit=world.ward)
        page = admin_client_as(world.index_officer).get(
            reverse("admin:reform_index_assessment_change", args=[assessment.pk])
        )
        assert page.status_code == 200 and b"A.1" in page.content


class TestActions:
    @pytest.mark.usefixtures("period_over")
    def test_open_and_publish_through_the_services(self, scorecard, world, admin_client_as):
        officer = admin_client_as(world.index_officer)
        run_action(officer, "scorecard", "open_self_assessment", [scorecard])
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.SELF_ASSESSMENT
        self_assess_all(scorecard, world)
        run_action(officer, "scorecard", "open_appraisal", [scorecard])
        appraise_all(scorecard, world, {w.code: (5, 3) for w in world.wards})
        refused = run_action(officer, "scorecard", "publish", [scorecard])
        assert any("Only leaders" in m or "lãnh đạo" in m for m in messages_of(refused))
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.APPRAISAL
        leader = UserFactory(username="ld2", unit=world.town, role="leader", is_staff=True)
        run_action(admin_client_as(leader), "scorecard", "publish", [scorecard])
        scorecard.refresh_from_db()
        assert scorecard.state == ScorecardState.PUBLISHED

    def test_copy_to_the_next_year_and_compute(self, opened, world, admin_client_as):
        officer = admin_client_as(world.index_officer)
        run_action(officer, "scorecard", "copy_to_next_year", [opened])
        assert Scorecard.objects.get(year=YEAR + 1).criteria.count() == 6
        run_action(officer, "assessment", "compute", list(opened.assessments.all()))
        assert opened.assessments.first().scores.filter(computed_at__isnull=False).exists()

    def test_closing_an_unready_appraisal_reports_why(self, opened, world, admin_client_as):
        self_assess_all(opened, world)
        lifecycle.open_appraisal(opened, world.index_officer)
        response = run_action(
            admin_client_as(world.index_officer),
            "assessment",
            "appraise",
            list(opened.assessments.all()),
        )
        assert len(messages_of(response)) == 3  # one refusal per unit

    def test_export_one_scorecard(self, scorecard, world, admin_client_as):
        response = admin_client_as(world.index_officer).post(
            changelist("scorecard"),
            {"action": "export_csv", "_selected_action": [scorecard.pk]},
        )
        assert response["Content-Type"].startswith("text/csv")
        assert b"A.1" in response.content


class TestImport:
    def test_import_replaces_the_criteria(self, scorecard, world, admin_client_as):
        content = criteria_io.export_criteria(scorecard, "json").replace("A.2", "A.9").encode()
        response = admin_client_as(world.index_officer).post(
            reverse("admin:reform_index_scorecard_import", args=[scorecard.pk]),
            {"file": SimpleUploadedFile("tieu-chi.json", content)},
        )
        assert response.status_code == 302
        assert scorecard.criteria.filter(code="A.9").exists()

    def test_a_bad_file_shows_the_reasons_on_the_form(self, scorecard, world, admin_client_as):
        response = admin_client_as(world.index_officer).post(
            reverse("admin:reform_index_scorecard_import", args=[scorecard.pk]),
            {"file": SimpleUploadedFile("tieu-chi.json", b"{oops")},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert scorecard.criteria.count() == 6


class TestInspectionForm:
    def form_data(self, world, **overrides):
        return {
            "unit": world.ward.pk,
            "date": "2026-03-02",
            "team": "Đoàn kiểm tra",
            "kind": "scheduled",
            "findings": "",
            "violations": 0,
            "follow_up": "",
            **overrides,
        }

    def test_an_inspection_is_recorded_by_the_officer(self, world, admin_client_as):
        response = admin_client_as(world.index_officer).post(
            reverse("admin:reform_index_inspection_add"), self.form_data(world)
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Inspection.objects.get().created_by == world.index_officer

    def test_violations_without_findings_and_future_dates_are_refused_inline(
        self, world, admin_client_as
    ):
        ahead = (timezone.localdate() + timedelta(days=5)).isoformat()
        response = admin_client_as(world.index_officer).post(
            reverse("admin:reform_index_inspection_add"),
            self.form_data(world, violations=2, date=ahead),
        )
        errors = response.context["adminform"].form.errors
        assert set(errors) == {"findings", "date"}
        assert not Inspection.objects.exists()

    def test_publish_action(self, world, admin_client_as):
        inspection = InspectionFactory(unit=world.ward, unpublished=True)
        run_action(admin_client_as(world.index_officer), "inspection", "publish", [inspection])
        inspection.refresh_from_db()
        assert inspection.published
