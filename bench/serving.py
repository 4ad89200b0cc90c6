"""One `tandem serve` process for the HTTP benchmarks: on SQLite in a folder, pinned to core 0;
and a throwaway PostgreSQL schema for the benchmarks that run there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

MODELS = Path(__file__).resolve().parent.parent / "var" / "models"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    folder: str,
    port: int,
    settings: dict[str, str],
    unset: tuple[str, ...] = (),
    cores: str = "0",
    arguments: tuple[str, ...] = (),
) -> subprocess.Popen[bytes]:
    """The server on its own SQLite files, with `settings` (TANDEM_* names) on top and the
    variables in `unset` removed, pinned to `cores` (taskset's list), with `arguments` for
    `tandem serve`; it returns once the console answers."""
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env |= {
        "TANDEM_DATABASE_URL": f"sqlite:///{folder}/t.db",
        "TANDEM_SHOP_DATABASE_URL": f"sqlite:///{folder}/s.db",
        "TANDEM_PORT": str(port),
        "TANDEM_MODEL_DIR": str(MODELS),
        "TANDEM_LOG_LEVEL": "warning",
        "OMP_NUM_THREADS": "1",
        "TANDEM_DEMO_HISTORY": "false",  # measure the bench's own data only
        **settings,
    }
    command = ["taskset", "-c", cores, sys.executable, "-m", "tandem.cli", "serve", *arguments]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/console", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants
    (the worker processes of ``tandem serve --workers N``); Linux only."""
    processes: dict[int, tuple[int, float]] = {}  # pid -> (parent, CPU seconds)
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        processes[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    used, family = 0.0, {pid}
    while family:
        used += sum(processes[member][1] for member in family if member in processes)
        family = {child for child, (parent, _) in processes.items() if parent in family}
    return used


@contextmanager
def postgres_schema(url: str, prefix: str) -> Iterator[str]:
    """A URL on a new schema of the PostgreSQL database at ``url``, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
