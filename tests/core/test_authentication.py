"""Token authentication reads the user's unit with the token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from core.authentication import TokenAuthentication
from core.models import UnitKind
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_unit_and_the_unit_it_serves_come_with_the_token(django_assert_num_queries):
    town = UnitFactory(code="T")
    centre = UnitFactory(code="T.MC", kind=UnitKind.CENTRE, parent=town)
    token = Token.objects.create(user=UserFactory(unit=centre))
    with django_assert_num_queries(1):
        user, found = TokenAuthentication().authenticate_credentials(token.key)
        assert (found, user.unit.parent) == (token, town)


@pytest.mark.parametrize("active", [True, False])
def test_unknown_tokens_and_inactive_users_are_refused(active):
    token = Token.objects.create(user=UserFactory(is_active=active))
    key = "0" * 40 if active else token.key
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(key)
