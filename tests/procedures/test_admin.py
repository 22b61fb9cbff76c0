"""The catalogue's back office."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from procedures.models import Procedure
from procedures.services.versions import current_version
from tests.factories import UserFactory
from tests.procedures.factories import (
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
    WorkflowStepFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:procedures_procedure_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_url(procedure):
    return reverse("admin:procedures_procedure_change", args=[procedure.pk])


def test_the_changelist_searches_without_diacritics(admin_client):
    birth = ProcedureFactory(name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(name="Thủ tục đăng ký kết hôn")
    response = admin_client.get(CHANGELIST, {"q": "DANG KY KHAI SINH"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [birth]


def test_the_changelist_filters(admin_client):
    online = ProcedureFactory(online=True, field=FieldFactory())
    ProcedureFactory(unpublished=True)
    response = admin_client.get(CHANGELIST, {"online_level__exact": "full"})
    assert list(response.context["cl"].result_list) == [online]
    for parameter in (
        "field__id__exact",
        "level__exact",
        "published__exact",
        "inter_agency__exact",
    ):
        assert parameter in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_changelist_queries_do_not_grow(admin_client, django_assert_max_num_queries, count):
    ProcedureFactory.create_batch(count)
    with django_assert_max_num_queries(12):
        assert admin_client.get(CHANGELIST).status_code == 200


def test_the_change_page_shows_inlines_and_read_only_versions(admin_client):
    procedure = ProcedureFactory()
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký")
    WorkflowStepFactory(procedure=procedure, name="Thẩm định hồ sơ", share=Decimal(100))
    current_version(procedure)

    response = admin_client.get(change_url(procedure))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tờ khai đăng ký" in page
    assert "Thẩm định hồ sơ" in page
    versions = reverse(
        "admin:procedures_procedureversion_change", args=[procedure.versions.get().pk]
    )
    assert versions in page
    version_page = admin_client.get(versions).content.decode()
    assert 'name="_save"' not in version_page


def post_data(procedure, shares):
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.pk,
        "level": procedure.level,
        "kind": "",
        "published": "on",
        "handling_agency": "",
        "applicant_type": "any",
        "applicants": "[]",
        "conditions": "",
        "time_limit_amount": "5",
        "time_limit_unit": "working_days",
        "same_day_cutoff": "",
        "time_limit_note": "",
        "channel_terms": "[]",
        "fee_amount": "0",
        "fee_description": "",
        "steps": "[]",
        "result": "",
        "legal_basis": "[]",
        "related": "[]",
        "online_level": "none",
        "publication_decision": "",
        "effective_date": "",
    }
    for prefix, total in (("documents", 0), ("workflow", len(shares)), ("versions", 0)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(total),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    for number, share in enumerate(shares):
        data.update(
            {
                f"workflow-{number}-order": str(number),
                f"workflow-{number}-name": f"Bước {number}",
                f"workflow-{number}-role": "specialist",
                f"workflow-{number}-share": str(share),
            }
        )
    return data


def test_workflow_shares_must_add_up_to_100(admin_client):
    procedure = ProcedureFactory()
    response = admin_client.post(change_url(procedure), post_data(procedure, [70, 20]))
    assert response.status_code == 200
    assert "100" in str(response.context["inline_admin_formsets"][1].formset.non_form_errors())
    assert not procedure.workflow.exists()

    response = admin_client.post(change_url(procedure), post_data(procedure, [5, 70, 20, 5]))
    assert response.status_code == 302
    assert procedure.workflow.count() == 4


def test_publish_and_withdraw_actions(admin_client):
    hidden = ProcedureFactory(unpublished=True)
    shown = ProcedureFactory()
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [hidden.pk, shown.pk]})
    assert Procedure.objects.filter(published=True).count() == 2

    response = admin_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [shown.pk]}, follow=True
    )
    assert not Procedure.objects.get(pk=shown.pk).published
    *_earlier, last = response.context["messages"]
    assert last.level_tag == "success"
    assert "1" in str(last)


def test_renaming_a_field_keeps_search_working(admin_client):
    field = FieldFactory(name="Hộ tịch")
    procedure = ProcedureFactory(field=field, name="Đăng ký khai tử")
    admin_client.post(
        reverse("admin:procedures_field_change", args=[field.pk]),
        {"code": field.code, "name": "Tư pháp - Hộ tịch", "order": "1"},
    )
    assert Procedure.objects.search("tu phap").get() == procedure


def test_roles_read_the_catalogue_and_only_the_leader_edits_it():
    permissions = {
        group.name: {perm.codename for perm in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions")
    }
    for role in ("desk_officer", "specialist", "unit_leader", "leader", "index_officer"):
        assert {"view_procedure", "view_field", "view_procedureversion"} <= permissions[role]
        assert "add_procedure" not in permissions[role]
    assert "change_procedure" in permissions["leader"]
    assert "change_procedure" not in permissions["desk_officer"]
    assert not {p for p in permissions["citizen"] if p.endswith("procedure")}


def test_a_leader_edits_and_a_desk_officer_only_views(client):
    procedure = ProcedureFactory()
    client.force_login(UserFactory(role="leader"))
    assert client.post(change_url(procedure), post_data(procedure, [])).status_code == 302

    client.force_login(UserFactory(role="desk_officer"))
    page = client.get(change_url(procedure))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:procedures_procedure_add")).status_code == 403
