"""Shared fixtures: a migrated database per test, on SQLite and (when configured) PostgreSQL.

Set TANDEM_TEST_DATABASE_URL=postgresql+psycopg://... to run every database test on PostgreSQL
too. Each test run gets its own PostgreSQL schema, so concurrent runs never see each other.
"""

from __future__ import annotations

import dataclasses
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from mail_server import Inbox, smtp_server
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed
from tandem.config import Settings
from tandem.security.identity import signature
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime, Understands, assemble
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade
from tandem.storage.schema import metadata
from tandem.web.app import create_app

POSTGRES_URL = os.environ.get("TANDEM_TEST_DATABASE_URL", "")
DEMO_PASSWORD = "demo-password-for-tests"
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
#: The shop's shared secret in tests (TANDEM_IDENTITY_SECRET): 32 bytes, the least accepted.
IDENTITY_SECRET = "tests-identity-secret-32-bytes!!"
#: The understanding models every test shares (the understanding tests train their own).
MODEL_DIR = Path(__file__).resolve().parents[1] / "var" / "test-models"


def sign(email: str) -> str:
    """The signature the shop's server makes for its signed-in customer's address."""
    return signature(IDENTITY_SECRET.encode(), email)


def signed(email: str) -> dict[str, str]:
    """A start body (POST /api/v1/conversations) for the shop's signed-in customer."""
    return {"customer_email": email, "customer_signature": sign(email)}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating once per run)."""
    path = tmp_path_factory.mktemp("template") / "tandem.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("TANDEM_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "tandem.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_schema_url")
    yield url
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder of this test run, shared by its parallel workers (pytest -n)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on this file: parallel test workers (pytest -n) take turns."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def understander() -> Understands:
    """The real understanding models, trained once (and cached in var/ between runs); parallel
    workers wait for the one that trains, then load what it stored."""
    from tandem.understanding.pipeline import load_or_train

    with exclusive(MODEL_DIR.parent / "test-models.lock"):
        return load_or_train(MODEL_DIR)


@pytest.fixture
def shop_engine(engine: Engine, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """The demo shop's database: its own SQLite file, or the same PostgreSQL schema."""
    if engine.dialect.name != "sqlite":
        seed(engine)
        yield engine
        return
    path = tmp_path / "shop.db"
    shutil.copy(sqlite_template, path)
    shop = make_engine(f"sqlite:///{path}")
    seed(shop)
    yield shop
    shop.dispose()


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture
def runtime(
    engine: Engine, shop_engine: Engine, understander: Understands, knowledge: KnowledgeBase
) -> Runtime:
    """The real runtime on a migrated database with the demo shop seeded."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        shop_database_url=shop_engine.url.render_as_string(hide_password=False),
        identity_secret=IDENTITY_SECRET,
    )
    return assemble(settings, engine, DemoShop(shop_engine), understander, knowledge)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A real SMTP server on a free local port; `inbox.received` holds what it was sent."""
    with smtp_server() as running:
        yield running


@pytest.fixture
def mail_runtime(runtime: Runtime, inbox: Inbox) -> Runtime:
    """The runtime with email on: ticket answers are due at once and go to `inbox` when the
    test runs the outbox (services/outbox.send_due)."""
    mailing = dataclasses.replace(runtime)
    mailing.settings = runtime.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_security": "none",
            "smtp_from": "Tandem Shop <help@shop.example>",
            "email_after_minutes": 0.0,
            "email_interval_seconds": 3600.0,  # the server's job runs at start only: tests send
        }
    )
    return mailing


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime.settings, runtime)) as test_client:
        yield test_client


@pytest.fixture
def agent_token(runtime: Runtime, client: TestClient) -> str:
    """A logged-in (so: online) demo agent."""
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    response = client.post(
        "/api/v1/agent/login", json={"email": "anna@tandem.example", "password": DEMO_PASSWORD}
    )
    token: str = response.json()["token"]
    return token


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, nothing migrated: a new SQLite file or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    schema = f"f_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
