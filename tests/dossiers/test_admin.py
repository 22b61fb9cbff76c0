"""The dossier back office: scoped by visible_to, read-only, actions through services."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import Dossier, Status
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake

CHANGELIST = "/admin/dossiers/dossier/"


def change_url(dossier):
    return f"/admin/dossiers/dossier/{dossier.pk}/change/"


def run_action(client, action, dossiers):
    data = {"action": action, "index": 0, "_selected_action": [d.pk for d in dossiers]}
    return client.post(CHANGELIST, data, follow=True)


def texts(response):
    return [str(message) for message in response.context["messages"]]


class TestScope:
    def test_the_changelist_shows_only_visible_dossiers(self, client, make, world):
        town = make("received")
        intake_at_counter(world.ward_desk, intake(world))
        client.force_login(world.desk_officer)
        response = client.get(CHANGELIST)
        assert response.status_code == 200
        assert [d.code for d in response.context["cl"].result_list] == [town.code]
        client.force_login(world.other_ward_desk)
        assert client.get(CHANGELIST).context["cl"].result_count == 0
        client.force_login(world.leader)
        assert client.get(CHANGELIST).context["cl"].result_count == 2

    def test_a_dossier_outside_the_scope_cannot_be_opened(self, client, make, world):
        dossier = make("received")
        client.force_login(world.other_ward_desk)
        response = client.get(change_url(dossier))
        assert response.status_code == 302  # the admin's "does not exist" redirect
        assert dossier.code not in client.get(response["Location"]).content.decode()

    def test_citizens_do_not_reach_the_back_office(self, client, make, world):
        make("received")
        client.force_login(world.citizen)
        assert client.get(CHANGELIST).status_code == 302

    def test_filters_and_search(self, client, make, world):
        make("received")
        target = make("in_progress")
        client.force_login(world.desk_officer)
        response = client.get(CHANGELIST, {"status__exact": "in_progress"})
        assert [d.code for d in response.context["cl"].result_list] == [target.code]
        response = client.get(CHANGELIST, {"q": target.code})
        assert [d.code for d in response.context["cl"].result_list] == [target.code]
        response = client.get(CHANGELIST, {"handling_unit__id__exact": world.justice.pk})
        assert [d.code for d in response.context["cl"].result_list] == [target.code]
        unit_filter = next(
            f for f in response.context["cl"].filter_specs if f.field_path == "handling_unit"
        )
        assert world.province.pk not in [pk for pk, _name in unit_filter.lookup_choices]

    def test_children_tables_are_scoped_too(self, client, make, world):
        make("supplement_requested")
        client.force_login(world.desk_officer)
        assert client.get("/admin/dossiers/supplementrequest/").context["cl"].result_count == 1
        client.force_login(world.other_ward_desk)
        assert client.get("/admin/dossiers/supplementrequest/").context["cl"].result_count == 0


class TestReadOnly:
    def test_the_dossier_page_is_read_only_with_its_audit_trail(self, client, make, world):
        dossier = make("in_progress")
        client.force_login(world.desk_officer)
        response = client.get(change_url(dossier))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="applicant_name"' not in html
        assert "Nguyễn Văn An" in html
        assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 2
        assert "_save" not in html

    def test_no_add_change_or_delete_even_for_the_superuser(self, client, make, world):
        dossier = make("received")
        client.force_login(world.admin)
        assert client.get("/admin/dossiers/dossier/add/").status_code == 403
        response = client.post(change_url(dossier), {"applicant_name": "Đổi tên"})
        assert response.status_code == 403
        delete = f"/admin/dossiers/dossier/{dossier.pk}/delete/"
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get("/admin/dossiers/dossierevent/").status_code == 404  # not registered
        dossier.refresh_from_db()
        assert dossier.applicant_name == "Nguyễn Văn An"


class TestActions:
    def test_receive_selected_reports_each_failure(self, client, make, world):
        first, second = make("submitted"), make("submitted")
        busy = make("in_progress")
        client.force_login(world.desk_officer)
        response = run_action(client, "receive_selected", [first, second, busy])
        assert Dossier.objects.filter(status=Status.RECEIVED).count() == 2
        messages = texts(response)
        assert "Đã tiếp nhận 2 hồ sơ." in messages
        assert any(text.startswith(f"{busy.code}: ") for text in messages)
        busy.refresh_from_db()
        assert busy.status == Status.IN_PROGRESS

    def test_transfer_and_return_selected(self, client, make, world):
        received, resolved = make("received"), make("resolved")
        client.force_login(world.desk_officer)
        run_action(client, "transfer_selected", [received])
        received.refresh_from_db()
        assert received.status == Status.IN_PROGRESS
        response = run_action(client, "return_selected", [resolved])
        resolved.refresh_from_db()
        assert resolved.status == Status.RETURNED
        assert "Đã trả kết quả 1 hồ sơ." in texts(response)

    def test_an_action_on_a_dossier_out_of_scope_touches_nothing(self, client, make, world):
        dossier = make("submitted")
        client.force_login(world.other_ward_desk)
        run_action(client, "receive_selected", [dossier])
        dossier.refresh_from_db()
        assert dossier.status == Status.SUBMITTED


def test_changelist_query_count_does_not_grow(client, make, world):
    client.force_login(world.desk_officer)
    make("received")
    client.get(CHANGELIST)  # warm the content-type and calendar caches
    with CaptureQueriesContext(connection) as small:
        client.get(CHANGELIST)
    for status in ["in_progress", "supplement_requested", "resolved", "submitted"]:
        make(status)
    with CaptureQueriesContext(connection) as large:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 5
    assert len(small) == len(large)
