"""visible_to: the one scoping rule every list, export and report starts from."""

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.conftest import intake


def codes(user):
    return set(Dossier.objects.visible_to(user).values_list("code", flat=True))


def test_each_role_sees_only_what_it_may(make, org, clock):
    town = make("in_progress")  # town desk, now with the justice office
    ward = services.intake_at_counter(org.ward_desk, intake(org), applicant_user=org.citizen)
    other = services.intake_at_counter(
        org.other_ward_desk, intake(org), applicant_user=org.other_citizen
    )

    assert codes(org.desk_officer) == {town.code}
    assert codes(org.specialist) == {town.code}
    assert codes(org.ward_desk) == {ward.code}
    assert codes(org.ward_specialist) == {ward.code}
    assert codes(org.ward_leader) == {ward.code}
    assert codes(org.leader) == {town.code, ward.code, other.code}
    assert codes(org.citizen) == {town.code, ward.code}
    assert codes(org.other_citizen) == {other.code}
    assert codes(org.admin) == {town.code, ward.code, other.code}


def test_anonymous_and_roleless_users_see_nothing(make, org, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    make("received")
    assert codes(AnonymousUser()) == set()
    nobody = django_user_model.objects.create_user("nobody", unit=org.town)
    assert codes(nobody) == set()
