"""The dossier tests' helpers over ``tests.world``: what an applicant brings to the desk, and
``make(status)``, a dossier driven through the services to any status."""

import pytest

from dossiers.services import transitions
from dossiers.services.intake import file_online, intake_at_counter
from tests.world import intake_of


@pytest.fixture
def world(world):
    """``tests.world`` with birth registration as the dossier tests file it: at any desk of
    the citizen's choosing and with no required documents (the tests add theirs)."""
    world.procedure.handling_units.clear()
    world.procedure.documents.all().delete()
    return world


def intake(world, procedure=None, **applicant):
    """Birth registration (or ``procedure``) for An, with ``applicant`` fields changed."""
    return intake_of(procedure or world.procedure, **applicant)


@pytest.fixture
def make(world, clock):
    """make(status) drives a dossier through the services to ``status`` at the town desk."""

    def build(status):
        admin = world.admin
        if status in {"submitted", "refused"}:
            dossier = file_online(world.citizen, intake(world), world.town)
            if status == "refused":
                dossier = transitions.refuse(dossier, admin, "Sai thủ tục")
            return dossier
        dossier = intake_at_counter(world.desk_officer, intake(world), applicant_user=world.citizen)
        if status == "received":
            return dossier
        dossier = transitions.transfer(dossier, admin, to_unit=world.justice)
        follow_up = {
            "in_progress": lambda d: d,
            "supplement_requested": lambda d: transitions.request_supplement(d, admin, "Thiếu"),
            "awaiting_payment": lambda d: transitions.request_payment(d, admin),
            "withdrawal_requested": lambda d: transitions.request_withdrawal(d, admin, "Rút"),
            "stopped": lambda d: transitions.stop(d, admin, "Dừng"),
            "resolved": lambda d: transitions.resolve(d, admin),
            "returned": lambda d: transitions.return_result(transitions.resolve(d, admin), admin),
        }
        return follow_up[status](dossier)

    return build
