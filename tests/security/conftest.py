import pytest

from tests.security.matrix import add_reform_index
from tests.world import add_citizen_dossiers


@pytest.fixture
def world(world):
    """``tests.world`` with the citizen's dossiers at every step, scorecards in three states
    and two inspections of the citizen's town."""
    add_citizen_dossiers(world)
    add_reform_index(world)
    return world
