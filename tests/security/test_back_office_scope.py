"""The back office shows each staff member only their part of the records: the dossier
list follows ``visible_to`` (see the matrix), and the accounts list the staff under the
reader's unit — never citizens' accounts or another town's staff."""

import pytest
from django.test import Client

ACCOUNTS = "/admin/core/user/"


def shown_accounts(world, reader):
    client = Client()
    client.force_login(world.roles[reader])
    response = client.get(ACCOUNTS)
    assert response.status_code == 200
    return {user.pk for user in response.context["cl"].result_list}


def listed_accounts(world, reader):
    """The matrix's people (by role) among the accounts the reader is shown."""
    shown = shown_accounts(world, reader)
    return {key for key, user in world.roles.items() if user.pk in shown}


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("uleader", {"desk", "spec", "uleader"}),
        ("uleader2", {"desk2", "spec2", "uleader2"}),
        ("leader", {"desk", "spec", "uleader", "desk2", "spec2", "uleader2", "leader", "index"}),
    ],
)
def test_leaders_list_the_staff_under_them(world, reader, expected):
    assert listed_accounts(world, reader) == expected


def test_an_account_outside_ones_unit_cannot_be_opened(world):
    client = Client()
    client.force_login(world.roles["uleader2"])
    response = client.get(f"{ACCOUNTS}{world.roles['citizen'].pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "0912345678" not in client.get(response["Location"]).content.decode()


def test_the_superuser_lists_everyone(world):
    assert shown_accounts(world, "admin") == {user.pk for user in world.users.values()}
