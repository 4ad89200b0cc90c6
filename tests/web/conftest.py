"""A running Tandem server for browser tests: `tandem serve` in a subprocess on a free port.

The server gets a fresh SQLite database in the test's tmp_path; `tandem serve` migrates it,
seeds the demo shop and the demo agents (with a known password) exactly as a real start does.
It loads the understanding models the test session trained (var/test-models): never a second
training.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from conftest import MODEL_DIR
from live_server import serve
from tandem.services.runtime import Understands

DEMO_AGENT_EMAIL = "anna@tandem.example"
DEMO_PASSWORD = "browser-test-password"


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    agent_email: str
    agent_password: str


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, understander: Understands
) -> Iterator[LiveServer]:
    """One real `tandem serve` per test module (starting it loads the models: seconds)."""
    tmp_path = tmp_path_factory.mktemp("server")
    env = {
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
        "TANDEM_SHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "TANDEM_DEMO": "true",
        "TANDEM_DEMO_PASSWORD": DEMO_PASSWORD,
        "TANDEM_MODEL_DIR": str(MODEL_DIR),
        "TANDEM_LOG_LEVEL": "warning",
    }
    served = serve(tmp_path, env)
    try:
        served.wait_until_up()
        yield LiveServer(served.base_url, DEMO_AGENT_EMAIL, DEMO_PASSWORD)
    finally:
        served.stop()
