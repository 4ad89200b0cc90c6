"""`tandem serve` as a real process on a free port: for the browser test, and for tests of what
only real processes show (kill -9, two servers starting at once)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT_SECONDS = 180.0  # first start may train the understanding models


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(
    process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = START_TIMEOUT_SECONDS
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tandem serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"tandem serve did not answer within {timeout}s:\n{log.read_text()}")


@dataclass
class Served:
    """One `tandem serve` process."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def wait_until_up(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        wait_until_up(self.process, f"{self.base_url}/console", self.log, timeout)

    def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, connections cut mid-request."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def serve(
    workdir: Path, env: Mapping[str, str], name: str = "server", *arguments: str
) -> Served:
    """Start `tandem serve [arguments]` in ``workdir`` with these TANDEM_ settings on a free
    port."""
    port = free_port()
    settings = {**os.environ, "TANDEM_HOST": "127.0.0.1", "TANDEM_PORT": str(port), **env}
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "serve", *arguments],
            env=settings,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Served(process, f"http://127.0.0.1:{port}", log)
