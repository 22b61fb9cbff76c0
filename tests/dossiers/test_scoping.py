"""visible_to: the one scoping rule every list, export and report starts from."""

from dossiers.models import Dossier
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake


def codes(user):
    return set(Dossier.objects.visible_to(user).values_list("code", flat=True))


def test_each_role_sees_only_what_it_may(make, world, clock):
    town = make("in_progress")  # town desk, now with the justice office
    ward = intake_at_counter(world.ward_desk, intake(world), applicant_user=world.citizen)
    other = intake_at_counter(
        world.other_ward_desk, intake(world), applicant_user=world.other_citizen
    )

    assert codes(world.desk_officer) == {town.code}
    assert codes(world.specialist) == {town.code}
    assert codes(world.ward_desk) == {ward.code}
    assert codes(world.ward_specialist) == {ward.code}
    assert codes(world.ward_leader) == {ward.code}
    assert codes(world.leader) == {town.code, ward.code, other.code}
    assert codes(world.citizen) == {town.code, ward.code}
    assert codes(world.other_citizen) == {other.code}
    assert codes(world.admin) == {town.code, ward.code, other.code}


def test_anonymous_and_roleless_users_see_nothing(make, world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    make("received")
    assert codes(AnonymousUser()) == set()
    nobody = django_user_model.objects.create_user("nobody", unit=world.town)
    assert codes(nobody) == set()
