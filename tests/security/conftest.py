import pytest

from tests.security.matrix import add_document_store, add_reform_index
from tests.world import add_citizen_dossiers, install_signing_keys


@pytest.fixture
def world(world, settings, tmp_path):
    """``tests.world`` with the citizen's dossiers at every step, scorecards in three states
    and two inspections of the citizen's town, a paper in the citizen's store, and signing
    keys for its agencies."""
    install_signing_keys(settings, tmp_path / "keys", world)
    add_citizen_dossiers(world)
    add_reform_index(world)
    add_document_store(world)
    return world
