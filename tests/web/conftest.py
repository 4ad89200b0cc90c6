"""A running Tandem server for browser tests: `tandem serve` in a subprocess on a free port.

The server gets a fresh SQLite database in the test's tmp_path; `tandem serve` migrates it,
seeds the demo shop and the demo agents (with a known password) exactly as a real start does.
It loads the understanding models the test session trained (var/test-models): never a second
training.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from conftest import MODEL_DIR
from live_server import serve
from tandem.services.runtime import Understands

#: Debian's Chromium (the Makefile installs it); never a downloaded browser.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_AGENT_EMAIL = "anna@tandem.example"
DEMO_PASSWORD = "browser-test-password"


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    agent_email: str
    agent_password: str
    database_url: str = ""


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
        "TANDEM_DEMO_HISTORY": "false",  # seconds per start; the dashboard test plays its own
        "TANDEM_MODEL_DIR": str(MODEL_DIR),
        "TANDEM_LOG_LEVEL": "warning",
    }
    served = serve(tmp_path, env)
    try:
        served.wait_until_up()
        yield LiveServer(
            served.base_url, DEMO_AGENT_EMAIL, DEMO_PASSWORD, env["TANDEM_DATABASE_URL"]
        )
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test opens its own context (cookies, storage)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
