"""Assignment integrity: a transfer names as handler only someone who can see and handle
the dossier where it goes (``workflow.may_handle_at``, checked by ``transitions.transfer``),
with or without a destination unit, and the API and the desk form show the same refusal
on the ``handler`` field."""

import pytest

from dossiers.models import Dossier, Status
from dossiers.services import transitions
from dossiers.services.errors import TransitionError
from dossiers.workflow import Action, available_actions
from procedures.models import WorkflowStep
from tests.dossiers.test_api import logged_in
from tests.dossiers.test_desk_actions import post
from tests.factories import UserFactory

REFUSAL = "Cán bộ này không thể thụ lý hồ sơ tại {unit}"


@pytest.fixture
def town_specialist(world):
    """A specialist of the town itself, above its offices and wards."""
    return UserFactory(username="townspec", unit=world.town, role="specialist")


def api_transfer(api_client, officer, dossier, body):
    client = logged_in(api_client, officer)
    return client.post(f"/api/v1/dossiers/{dossier.code}/transfer/", body, format="json")


def form_transfer(client, officer, dossier, to_unit=None, handler=None):
    client.force_login(officer)
    data = {"transfer-to_unit": to_unit.pk if to_unit else "", "transfer-handler": handler.pk}
    return post(client, dossier, "transfer", data)


def form_errors(response):
    bound = next(f for f in response.context["action_forms"] if f.action == "transfer")
    return bound.errors


# --- the service ----------------------------------------------------------------------------


def test_a_handler_is_accepted_exactly_when_they_could_handle_it_there(
    make, world, town_specialist
):
    inactive = UserFactory(username="gone", unit=world.justice, role="specialist", is_active=False)
    candidates = [
        world.specialist,
        world.ward_specialist,
        world.ward_leader,
        world.desk_officer,
        world.leader,
        world.citizen,
        town_specialist,
        inactive,
    ]
    accepted = set()
    for unit in (world.town, world.justice, world.ward, world.other_ward):
        for user in candidates:
            try:
                transitions.transfer(make("received"), world.admin, to_unit=unit, handler=user)
                accepted.add((unit.code, user.username))
            except TransitionError as error:
                assert error.field == "handler"
            there = transitions.transfer(make("received"), world.admin, to_unit=unit)
            could_handle = (
                user.is_active
                and Dossier.objects.visible_to(user).filter(pk=there.pk).exists()
                and Action.RESOLVE in available_actions(there, user)
            )
            assert ((unit.code, user.username) in accepted) == could_handle, (unit, user)
    # The unit's own specialists and leaders, and the specialists of the unit above.
    assert accepted == {
        ("H26.45", "townspec"),
        ("H26.45.TP", "spec"),
        ("H26.45.TP", "townspec"),
        ("H26.45.01", "wardspec"),
        ("H26.45.01", "wardlead"),
        ("H26.45.01", "townspec"),
        ("H26.45.02", "townspec"),
    }


def test_without_a_unit_the_handler_must_fit_the_workflow_steps_unit(make, world):
    WorkflowStep.objects.create(
        procedure=world.procedure, order=1, name="Thụ lý", unit=world.justice, share=100
    )
    with pytest.raises(TransitionError) as refused:
        transitions.transfer(make("received"), world.admin, handler=world.ward_specialist)
    assert refused.value.field == "handler"
    assert REFUSAL.format(unit="Phòng Tư pháp") in refused.value.message
    dossier = transitions.transfer(make("received"), world.admin, handler=world.specialist)
    assert (dossier.handling_unit, dossier.handler) == (world.justice, world.specialist)


def test_a_refused_handler_leaves_the_dossier_as_it_was(make, world):
    dossier = make("received")
    with pytest.raises(TransitionError):
        transitions.transfer(
            dossier, world.admin, to_unit=world.justice, handler=world.ward_specialist
        )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.handling_unit, dossier.handler) == (
        Status.RECEIVED,
        world.town,
        None,
    )
    assert dossier.events.count() == 1


# --- the API and the desk form --------------------------------------------------------------


@pytest.mark.parametrize(
    ("to_unit", "unit_name"), [(None, "Thị xã Sơn Tây"), ("justice", "Phòng Tư pháp")]
)
def test_an_officer_of_another_unit_is_refused_by_both_doors_alike(
    api_client, client, make, world, to_unit, unit_name
):
    unit = getattr(world, to_unit) if to_unit else None
    body = {"handler": "wardspec", **({"to_unit": unit.code} if unit else {})}

    api = api_transfer(api_client, world.desk_officer, make("received"), body)
    assert api.status_code == 400
    assert set(api.json()) == {"handler"}

    dossier = make("received")
    page = form_transfer(client, world.desk_officer, dossier, unit, world.ward_specialist)
    assert page.status_code == 200
    assert list(form_errors(page)) == ["handler"]

    assert api.json()["handler"] == form_errors(page)["handler"]
    assert REFUSAL.format(unit=unit_name) in api.json()["handler"][0]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.handler) == (Status.RECEIVED, None)


def test_an_officer_of_the_right_unit_is_accepted_by_both_doors(api_client, client, make, world):
    body = {"to_unit": world.justice.code, "handler": "spec"}
    api = api_transfer(api_client, world.desk_officer, make("received"), body)
    assert api.status_code == 200
    assert (api.json()["handling_unit"]["code"], api.json()["handler"]["username"]) == (
        "H26.45.TP",
        "spec",
    )

    dossier = make("received")
    page = form_transfer(client, world.desk_officer, dossier, world.justice, world.specialist)
    assert page.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.handling_unit, dossier.handler) == (world.justice, world.specialist)


def test_an_officer_of_a_unit_above_is_accepted(api_client, make, world, town_specialist):
    body = {"to_unit": world.ward.code, "handler": "townspec"}
    api = api_transfer(api_client, world.desk_officer, make("received"), body)
    assert api.status_code == 200
    assert api.json()["handler"]["username"] == "townspec"


@pytest.mark.parametrize("username", ["citizen", "desk", "leader"])
def test_someone_who_does_not_handle_dossiers_is_refused(api_client, make, world, username):
    body = {"to_unit": world.justice.code, "handler": username}
    api = api_transfer(api_client, world.desk_officer, make("received"), body)
    assert api.status_code == 400
    assert REFUSAL.format(unit="Phòng Tư pháp") in api.json()["handler"][0]


def test_an_inactive_officer_is_refused(api_client, make, world):
    UserFactory(username="gone", unit=world.justice, role="specialist", is_active=False)
    body = {"to_unit": world.justice.code, "handler": "gone"}
    api = api_transfer(api_client, world.desk_officer, make("received"), body)
    assert api.status_code == 400
    assert set(api.json()) == {"handler"}
