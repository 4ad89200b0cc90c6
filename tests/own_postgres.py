"""A PostgreSQL cluster of a test's own, to stop and start again without touching the shared
server other tests run on: `initdb` in a temporary folder, listening on 127.0.0.1 only on a
free port, trust authentication, fsync off (safe here: the machine does not crash; commits stay
synchronous, so an immediate stop loses nothing acknowledged). Run as the `postgres` system
user when the tests run as root (initdb refuses root). Always stopped and removed at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import free_port

#: Seconds any one initdb / pg_ctl step may take on a loaded machine.
STEP_TIMEOUT_SECONDS = 60
SYSTEM_USER = "postgres"


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: on the PATH, else the newest Debian version folder."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def unavailable() -> str | None:
    """Why no own cluster can be made here, or None."""
    bindir = find_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        return "initdb and pg_ctl are not installed (the postgresql server package)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"running as root and there is no {SYSTEM_USER!r} user for initdb"
        if shutil.which("runuser") is None:
            return "running as root and runuser is not installed"
    return None


class OwnPostgres:
    """One cluster in its own folder; ``url`` reaches its `postgres` database."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tandem-own-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_root = os.geteuid() == 0
        if self._as_root:  # the folder must belong to the user the server runs as
            account = pwd.getpwnam(SYSTEM_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def _run(self, *command: str) -> None:
        program = [str(self.bindir / command[0]), *command[1:]]
        if self._as_root:
            program = ["runuser", "-u", SYSTEM_USER, "--", *program]
        done = subprocess.run(
            program,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_SECONDS,
            cwd=self.root,
            check=False,
        )
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}\n{log}")

    def create(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",
            "full_page_writes": "off",
            "max_connections": "100",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        """Start and wait until it accepts connections (pg_ctl -w, then pg_isready)."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(STEP_TIMEOUT_SECONDS),
            "start",
        )
        deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
        while True:
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
                timeout=STEP_TIMEOUT_SECONDS,
                check=False,
            )
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not get ready:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        """Stop: `fast` ends every session (their transactions roll back), as a restart by an
        operator or a failover does; `immediate` as a crash would."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "-t",
            str(STEP_TIMEOUT_SECONDS),
            "stop",
        )

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """A started cluster of this test's own; skipped with the reason when none can be made."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    bindir = find_bindir()
    assert bindir is not None
    cluster = OwnPostgres(bindir)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
