"""Verification in the chat cannot be brute-forced: failures count per order and per address,
across conversations, and a locked order reveals nothing, not even to the right answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scenarios.chat import Chat
from tandem.security.verification import (
    Checked,
    VerificationGuard,
    VerificationLimits,
    address_key,
    locked_until,
)
from tandem.services.runtime import Runtime
from tandem.storage.conversations import find_conversation
from tandem.storage.db import reading, transaction
from tandem.storage.tables import verification_failures
from tandem.storage.verification import FailureRecords
from tandem.types import ClientAddress
from tandem.web.app import create_app

T0 = dt.datetime(2025, 3, 12, 12, 0, tzinfo=dt.UTC)
LIMITS = VerificationLimits()  # the defaults: 5 failures in 15 minutes lock for 15 minutes
WRONG_POSTCODES = ("1013 AB", "1014 AB", "1015 AB", "1016 AB", "1017 AB")
ASK = {"en": "where is my order {order}?", "nl": "waar is mijn bestelling {order}?"}
FAILED = {"en": "couldn't match", "nl": "niet aan een bestelling koppelen"}
LOCKED = {"en": "too many attempts", "nl": "te veel pogingen"}


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def guess(client: TestClient, order: str, proof: str, language: str = "en") -> tuple[Chat, str]:
    """A new conversation that names an order and offers a postcode for it."""
    chat = Chat(client, language=language)
    asked = chat.replies(ASK[language].format(order=order))
    assert "postcode" in asked, asked
    return chat, chat.replies(proof)


def customer_of(runtime: Runtime, chat: Chat) -> str | None:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, chat.id)
    assert record is not None
    return record.customer_id


# --- the rule --------------------------------------------------------------------------------


def test_that_four_failures_in_the_window_lock_nothing() -> None:
    assert locked_until([T0 + minutes(i) for i in range(4)], LIMITS) is None


def test_that_five_failures_within_the_window_lock_for_the_lock_time_from_the_fifth() -> None:
    failures = [T0 + minutes(3 * i) for i in range(5)]  # the fifth 12 minutes after the first
    assert locked_until(failures, LIMITS) == T0 + minutes(12 + 15)


def test_that_five_failures_spread_wider_than_the_window_lock_nothing() -> None:
    assert locked_until([T0 + minutes(4 * i) for i in range(5)], LIMITS) is None  # 16 minutes


# --- the guard on the database, with its clock in hand ---------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def attempt(
    engine: Engine, clock: Clock, order: str, right: bool, address: str = "203.0.113.7"
) -> tuple[Checked[str], bool]:
    """One attempt in its own transaction; `checked` says whether the shop was asked at all."""
    checked: list[bool] = []

    def check() -> str | None:
        checked.append(True)
        return "the customer" if right else None

    with transaction(engine) as connection:
        guard = VerificationGuard(FailureRecords(connection), LIMITS, ClientAddress(address), clock)
        return guard.attempt(order, check), bool(checked)


def test_that_a_locked_order_is_not_even_checked_and_the_lock_ends_after_its_time(
    engine: Engine,
) -> None:
    clock = Clock()
    for _ in range(5):
        result, checked = attempt(engine, clock, "TD-1002", right=False)
        assert checked and result.found is None
    assert result.locked_for == minutes(15)  # the fifth failure locks at once
    clock.now = T0 + minutes(14)
    result, checked = attempt(engine, clock, "TD-1002", right=True)
    assert not checked and result.found is None and result.locked_for == minutes(1)
    clock.now = T0 + minutes(15) + dt.timedelta(seconds=1)
    result, checked = attempt(engine, clock, "TD-1002", right=True)
    assert checked and result.found == "the customer" and result.locked_for is None


def test_that_attempts_during_the_lock_do_not_extend_it(engine: Engine) -> None:
    clock = Clock()
    for _ in range(5):
        attempt(engine, clock, "TD-1002", right=False)
    for minute in (1, 5, 10, 14):
        clock.now = T0 + minutes(minute)
        assert attempt(engine, clock, "TD-1002", right=False)[0].locked_for is not None
    clock.now = T0 + minutes(16)
    assert attempt(engine, clock, "TD-1002", right=False)[0].locked_for is None


def test_that_failures_are_kept_by_a_digest_of_the_address_never_the_address(
    engine: Engine,
) -> None:
    attempt(engine, Clock(), "TD-1002", right=False, address="198.51.100.23")
    with reading(engine) as connection:
        row = connection.execute(select(verification_failures)).one()
    assert row.order_key == "TD-1002"
    assert row.address_key == address_key(ClientAddress("198.51.100.23"))
    assert "198.51.100.23" not in str(tuple(row))


def test_that_parallel_guesses_on_one_order_get_no_more_than_five_checks(engine: Engine) -> None:
    clock, checks = Clock(), []
    gate = threading.Barrier(12)

    def guesser(n: int) -> None:
        gate.wait()
        _, checked = attempt(engine, clock, "TD-1002", right=False, address=f"192.0.2.{n}")
        checks.append(checked)

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 12 and sum(checks) == 5


# --- whole conversations over HTTP -----------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_that_the_sixth_guess_from_a_new_conversation_is_refused_even_when_right(
    client: TestClient, runtime: Runtime, language: str
) -> None:
    for postcode in WRONG_POSTCODES[:4]:
        assert FAILED[language] in guess(client, "TD-1002", postcode, language)[1]
    fifth = guess(client, "TD-1002", WRONG_POSTCODES[4], language)[1]
    assert LOCKED[language] in fifth
    chat, sixth = guess(client, "TD-1002", "1012 AB", language)  # Emma's postcode: right
    assert LOCKED[language] in sixth
    assert "Emma" not in sixth and "TD-1002 (" not in sixth
    assert customer_of(runtime, chat) is None
    rest = chat.replies("what did I order?")
    assert "Emma" not in rest and "1012" not in rest


def test_that_an_address_that_failed_on_five_orders_cannot_verify_any_order(
    client: TestClient, runtime: Runtime
) -> None:
    for order in ("TD-1001", "TD-1003", "TD-1004", "TD-2001", "TD-2003"):
        guess(client, order, "9999 ZZ")
    chat, reply = guess(client, "TD-2002", "SW1A 1AA")  # James's order and postcode
    assert LOCKED["en"] in reply and "James" not in reply
    assert customer_of(runtime, chat) is None
    with TestClient(create_app(runtime.settings, runtime), client=("192.0.2.50", 1)) as elsewhere:
        chat, reply = guess(elsewhere, "TD-2002", "SW1A 1AA")  # another address: the order is free
    assert "James" in reply and customer_of(runtime, chat) is not None


def test_that_a_customer_who_gets_it_right_before_the_limit_is_identified(
    client: TestClient, runtime: Runtime
) -> None:
    for postcode in WRONG_POSTCODES[:4]:
        guess(client, "TD-2002", postcode)
    chat, reply = guess(client, "TD-2002", "SW1A 1AA")
    assert "James" in reply and "TD-2002" in reply
    assert customer_of(runtime, chat) is not None


@pytest.fixture
def behind_proxy(runtime: Runtime) -> Iterator[TestClient]:
    """The app behind a reverse proxy at 10.0.0.1 that Tandem is told to trust."""
    settings = runtime.settings.model_copy(update={"trusted_proxies": "10.0.0.1"})
    proxied = dataclasses.replace(runtime, settings=settings)
    with TestClient(create_app(settings, proxied), client=("10.0.0.1", 1)) as client:
        yield client


def test_that_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(
    client: TestClient,
) -> None:
    for n, postcode in enumerate(WRONG_POSTCODES):
        client.headers["X-Forwarded-For"] = f"198.51.100.{n}"
        guess(client, f"TD-100{n % 4 + 1}" if n < 4 else "TD-2001", postcode)
    client.headers["X-Forwarded-For"] = "198.51.100.99"
    assert LOCKED["en"] in guess(client, "TD-2002", "SW1A 1AA")[1]


def test_that_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(
    behind_proxy: TestClient,
) -> None:
    behind_proxy.headers["X-Forwarded-For"] = "198.51.100.1"
    for order in ("TD-1001", "TD-1003", "TD-1004", "TD-2001", "TD-2003"):
        guess(behind_proxy, order, "9999 ZZ")
    assert LOCKED["en"] in guess(behind_proxy, "TD-2002", "SW1A 1AA")[1]
    behind_proxy.headers["X-Forwarded-For"] = "198.51.100.2"
    assert "James" in guess(behind_proxy, "TD-2002", "SW1A 1AA")[1]
