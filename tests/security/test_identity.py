"""Only the shop can say who its customer is: an e-mail address counts only with its signature."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from conftest import IDENTITY_SECRET, sign, signed
from scenarios.chat import Chat
from tandem import cli
from tandem.commerce.model import OrderStatus
from tandem.config import Settings, get_settings
from tandem.domain.conversation import EventKind
from tandem.security.identity import IdentityCheck, Vouch, identity_check, signature
from tandem.services.runtime import Runtime, assemble
from tandem.storage.conversations import events_of, find_conversation
from tandem.storage.db import reading
from tandem.types import OrderId
from tandem.web.app import create_app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "widget.md"
EMMA = "emma@example.nl"
#: The worked example in docs/widget.md: this secret and address give this signature.
DOCS_SECRET = "0123456789abcdef0123456789abcdef"
DOCS_SIGNATURE = "eb0161dfb5d25f64873eab32edbc7f3422bee2bd7be8429f49b12db5a7773f31"


def _opened(engine: Engine, conversation_id: str) -> tuple[str | None, str | None, dict[str, str]]:
    """The stored customer e-mail and id, and the detail of the `opened` event."""
    with reading(engine) as connection:
        record = find_conversation(connection, conversation_id)
        events = events_of(connection, conversation_id)
    assert record is not None
    opened = next(e for e in events if e.kind is EventKind.OPENED)
    return record.customer_email, record.customer_id, opened.detail


def _tries_to_cancel_emmas_order(chat: Chat) -> str:
    texts = ("I want to cancel order TD-1003", "yes", "show me my orders")
    return "\n".join(chat.replies(text) for text in texts if chat.state == "ai")


@pytest.mark.parametrize(
    "claim",
    [{"customer_email": EMMA}, {"customer_email": EMMA, "customer_signature": "0" * 64}],
    ids=["unsigned", "wrongly signed"],
)
def test_that_someone_elses_email_without_a_valid_signature_sees_no_orders_and_cancels_nothing(
    client: TestClient, runtime: Runtime, engine: Engine, claim: dict[str, str]
) -> None:
    chat = Chat(client, language="en", **claim)
    assert "Emma" not in chat.greeting
    said = _tries_to_cancel_emmas_order(chat)
    print("SAID>>", repr(said))
    assert "postcode or email address" in said  # asked to verify, as any guest
    assert "TD-1001" not in said and "Emma" not in said and "1012" not in said
    assert "cancelled" not in said
    order = runtime.shop.order(OrderId("TD-1003"))
    assert order is not None and order.status is OrderStatus.PENDING
    email, customer_id, detail = _opened(engine, chat.id)
    assert (email, customer_id) == (None, None)
    expected = Vouch.UNSIGNED if "customer_signature" not in claim else Vouch.WRONG_SIGNATURE
    assert detail == {"identity": expected.value}


def test_that_a_wrong_signature_is_logged_for_the_operator_without_the_address(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tandem.services.conversations"):
        Chat(client, customer_email=EMMA, customer_signature=sign("james@example.com"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "wrong_signature" in logged and "TANDEM_IDENTITY_SECRET" in logged
    assert EMMA not in logged and IDENTITY_SECRET not in logged


def test_that_a_correctly_signed_customer_is_identified_and_sees_their_orders(
    client: TestClient, engine: Engine
) -> None:
    chat = Chat(client, **signed(EMMA))
    assert "Emma" in chat.greeting
    assert "TD-1003" in chat.replies("waar is mijn bestelling TD-1003?")
    email, customer_id, detail = _opened(engine, chat.id)
    assert email == EMMA and customer_id is not None
    assert detail == {"identity": "signed"}


def test_that_a_signature_in_upper_case_hex_is_accepted_too(client: TestClient) -> None:
    chat = Chat(client, customer_email=EMMA, customer_signature=sign(EMMA).upper())
    assert "Emma" in chat.greeting


def test_that_the_signature_covers_the_address_exactly_as_sent(client: TestClient) -> None:
    """No trimming or case folding: the shop signs the very string it puts in the page."""
    chat = Chat(client, customer_email="Emma@Example.nl", customer_signature=sign(EMMA))
    assert "Emma" not in chat.greeting
    assert "Emma" in Chat(client, **signed(" Emma@Example.nl")).greeting  # the shop's own lookup


def test_that_a_signature_without_an_address_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/conversations", json={"customer_signature": sign(EMMA)})
    assert response.status_code == 422
    assert "customer_email" in response.json()["error"]["message"]


def test_that_without_a_secret_a_signed_address_is_ignored_and_the_customer_is_a_guest(
    runtime: Runtime, engine: Engine
) -> None:
    settings = runtime.settings.model_copy(update={"identity_secret": None, "demo": False})
    bare = assemble(settings, engine, runtime.shop, runtime.understander, runtime.knowledge)
    assert bare.identity == IdentityCheck()
    with TestClient(create_app(settings, bare)) as client:
        chat = Chat(client, **signed(EMMA))
        assert "Emma" not in chat.greeting
        assert "postcode or email address" in chat.replies("where is my order TD-1001?")
    assert _opened(engine, chat.id)[:2] == (None, None)
    assert _opened(engine, chat.id)[2] == {"identity": "no_secret"}


@pytest.mark.parametrize("secret", ["x" * 31, "é" * 15 + "x"])  # 31 and 31 bytes
def test_that_a_secret_shorter_than_32_bytes_is_refused_at_start(secret: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(identity_secret=secret)


def test_that_the_server_refuses_to_start_with_a_short_secret_and_never_prints_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TANDEM_IDENTITY_SECRET", "too-short-a-secret")
    get_settings.cache_clear()
    try:
        assert cli.main(["serve"]) == 2
    finally:
        get_settings.cache_clear()
    errors = capsys.readouterr().err
    assert "TANDEM_IDENTITY_SECRET" in errors and "at least 32 bytes" in errors
    assert "too-short-a-secret" not in errors


def test_that_an_empty_secret_counts_as_none() -> None:
    assert Settings(identity_secret="").identity_secret is None


def test_that_the_secret_is_never_shown_in_the_settings() -> None:
    settings = Settings(identity_secret=IDENTITY_SECRET)
    assert IDENTITY_SECRET not in repr(settings) and IDENTITY_SECRET not in str(settings)
    assert IDENTITY_SECRET not in repr(identity_check(settings))


def test_that_the_demo_without_a_secret_signs_with_a_random_one_per_process() -> None:
    first, second = identity_check(Settings(demo=True)), identity_check(Settings(demo=True))
    assert first.secret is not None and len(first.secret) >= 32
    assert first.secret != second.secret
    assert identity_check(Settings(demo=False)).secret is None


def test_that_the_demo_shop_page_signs_its_customer_so_the_widget_is_believed(
    client: TestClient,
) -> None:
    page = client.get("/", params={"as": "emma", "lang": "nl"}).text
    found = re.search(r'data-tandem-signature="([0-9a-f]{64})"', page)
    assert found is not None and found.group(1) == sign(EMMA)
    assert "data-tandem-signature" not in client.get("/", params={"as": "guest"}).text


def _code_block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert found is not None, f"no {language} example in docs/widget.md"
    return found.group(1)


def test_that_the_worked_example_in_the_widget_docs_is_right() -> None:
    assert signature(DOCS_SECRET.encode(), EMMA) == DOCS_SIGNATURE
    docs = DOCS.read_text(encoding="utf-8")
    assert DOCS_SECRET in docs and DOCS_SIGNATURE in docs


def test_that_the_python_example_in_the_widget_docs_signs_as_tandem_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TANDEM_IDENTITY_SECRET", DOCS_SECRET)
    namespace: dict[str, Any] = {}
    exec(_code_block("python"), namespace)
    assert namespace["tandem_signature"](EMMA) == DOCS_SIGNATURE


def test_that_the_node_example_in_the_widget_docs_signs_as_tandem_checks() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = _code_block("javascript") + f"\nprocess.stdout.write(tandemSignature({EMMA!r}));"
    env = {"TANDEM_IDENTITY_SECRET": DOCS_SECRET, "PATH": os.environ.get("PATH", "")}
    result = subprocess.run([node, "-e", script], env=env, capture_output=True, check=True)
    assert result.stdout.decode() == DOCS_SIGNATURE
