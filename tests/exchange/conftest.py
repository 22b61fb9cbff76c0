import pytest
from django.core.cache import cache

from tests.dossiers.conftest import make, world  # noqa: F401  (fixtures)
from tests.exchange.contract_server import Adapter, start


@pytest.fixture
def adapter(settings):
    """The national adapter's contract, served locally; the portal configured for it."""
    national = Adapter()
    server, url = start(national)
    settings.NATIONAL_ADAPTER_URL = url
    settings.NATIONAL_USERNAME, settings.NATIONAL_PASSWORD, settings.NATIONAL_AGENCY_CODE = (
        national.credentials
    )
    settings.NATIONAL_TIMEOUT_SECONDS = 1
    cache.clear()  # no session from another test's server
    yield national
    server.shutdown()
    server.server_close()
