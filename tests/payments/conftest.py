"""The payment tests stand on the dossier tests' world and ``make(status)``."""

from tests.dossiers.conftest import make, world  # noqa: F401  (fixtures)
