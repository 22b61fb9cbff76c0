import pytest

from tests.security.matrix import add_document_store, add_reform_index
from tests.world import add_citizen_dossiers


@pytest.fixture
def world(world):
    """``tests.world`` with the citizen's dossiers at every step, scorecards in three states
    and two inspections of the citizen's town, and a paper in the citizen's store."""
    add_citizen_dossiers(world)
    add_reform_index(world)
    add_document_store(world)
    return world
