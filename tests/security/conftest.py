import pytest

from tests.security.matrix import add_reform_index
from tests.security.world import build_world


@pytest.fixture
def world(db):
    """The two towns, their people and the citizen's dossiers (tests.security.world), with
    scorecards and inspections."""
    world = build_world()
    add_reform_index(world)
    return world
