"""A running Tandem server for browser tests: `tandem serve` in a subprocess on a free port.

The server gets a fresh SQLite database in the test's tmp_path; `tandem serve` migrates it,
seeds the demo shop and the demo agents (with a known password) exactly as a real start does.
Trained understanding models are cached in var/models (or TANDEM_TEST_MODEL_DIR) so they are
trained once, not per run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 180.0  # first start may train the understanding models
DEMO_AGENT_EMAIL = "anna@tandem.example"
DEMO_PASSWORD = "browser-test-password"


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    agent_email: str
    agent_password: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tandem serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    seconds = START_TIMEOUT_SECONDS
    raise RuntimeError(f"tandem serve did not answer within {seconds}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real `tandem serve` per test module (starting it loads the models: seconds)."""
    tmp_path = tmp_path_factory.mktemp("server")
    port = _free_port()
    model_dir = os.environ.get("TANDEM_TEST_MODEL_DIR") or str(ROOT / "var" / "models")
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
        "TANDEM_SHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "TANDEM_HOST": "127.0.0.1",
        "TANDEM_PORT": str(port),
        "TANDEM_DEMO": "true",
        "TANDEM_DEMO_PASSWORD": DEMO_PASSWORD,
        "TANDEM_MODEL_DIR": model_dir,
        "TANDEM_LOG_LEVEL": "warning",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "serve"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, f"{base_url}/console", log)
            yield LiveServer(base_url, DEMO_AGENT_EMAIL, DEMO_PASSWORD)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
