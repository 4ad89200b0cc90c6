"""`tandem policy replay`: stored conversations replayed under another policy, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import MODEL_DIR, signed
from tandem.cli import main
from tandem.config import get_settings
from tandem.domain.policy import DEFAULT_POLICY
from tandem.services.conversations import post_customer_message, start_conversation
from tandem.services.runtime import Runtime

MODELS = str(MODEL_DIR)
#: The default policy, but a question about an order goes to a person.
ORDERS_TO_PEOPLE = DEFAULT_POLICY.read_text("utf-8").replace(
    "rules:\n",
    "rules:\n  - {name: orders_to_people, when: 'intent == \"where_is_my_order\"', "
    "action: handoff, reason: business_rule}\n",
    1,
)


@pytest.fixture
def stored(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """Three stored conversations: two the AI answered, one handed over (as a ticket)."""
    for text in ("Where is my order?", "What are your opening hours?", "I was charged twice"):
        started = start_conversation(runtime, "en", None)
        post_customer_message(runtime, started.conversation.id, started.token, text)
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.settings.database_url)
    get_settings.cache_clear()
    yield runtime
    get_settings.cache_clear()


def replay(policy: Path, *extra: str) -> int:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return main(["policy", "replay", str(policy), "--since", today, "--model-dir", MODELS, *extra])


def report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_that_replaying_the_policy_of_the_day_routes_nothing_differently(
    stored: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    assert replay(Path(str(DEFAULT_POLICY)), "--json") == 0
    found = report(capsys)
    assert (found["conversations"], found["turns"]) == (3, 3)
    assert (found["rerouted_conversations"], found["moves"], found["extra_hours"]) == (0, [], 0)
    assert found["to_people_before"] == found["to_people_after"] == 1


def test_that_a_stricter_policy_reports_the_moves_and_the_extra_workload(
    stored: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text(ORDERS_TO_PEOPLE)
    assert replay(policy, "--json", "--minutes-per-conversation", "12") == 0
    found = report(capsys)
    # Nobody was online when they were stored (recorded with each decision): a person means a
    # ticket, as the policy's own guarantee says.
    assert found["moves"] == [{"from": "ai", "to": "ticket: no_agent_available", "turns": 1}]
    assert (found["rerouted_conversations"], found["rerouted_turns"]) == (1, 1)
    assert (found["to_people_before"], found["to_people_after"]) == (1, 2)
    assert found["extra_hours"] == 0.2


def test_that_the_text_report_names_each_move(
    stored: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "strict.yaml"
    policy.write_text(ORDERS_TO_PEOPLE)
    assert replay(policy) == 0
    assert capsys.readouterr().out.splitlines() == [
        "replayed 3 conversations, 3 turns",
        "routed differently: 1 conversations, 1 turns",
        "  ai -> ticket: no_agent_available: 1",
        "to a person: 1 -> 2 conversations; extra human workload +0.1 h at 6 min per conversation",
    ]


def test_that_only_conversations_in_the_period_are_replayed(
    stored: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    args = ["policy", "replay", str(DEFAULT_POLICY), "--since", tomorrow, "--json"]
    assert main([*args, "--until", tomorrow, "--model-dir", MODELS]) == 0
    assert report(capsys)["conversations"] == 0


def test_that_an_invalid_or_unreadable_policy_exits_2_with_the_problems(
    stored: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(ORDERS_TO_PEOPLE.replace("reason: complaint", "reason: complain"))
    assert replay(broken) == 2
    assert f"{broken}:" in capsys.readouterr().out
    assert replay(tmp_path / "missing.yaml") == 2
    assert "cannot read" in capsys.readouterr().out


def test_that_a_bad_date_exits_2_and_says_what_a_date_looks_like(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["policy", "replay", str(DEFAULT_POLICY), "--since", "31-03-2025"])
    assert exited.value.code == 2
    assert "is not a date like 2025-03-31" in capsys.readouterr().err


#: Conversations whose decisions hung on facts outside the text: who the customer is, their
#: order, a shop action, a request to rephrase, a rejected answer, an agent online or not.
HISTORY = (
    (
        "emma@example.nl",
        "nl",
        (
            "Waar is mijn bestelling TD-1001?",
            "nee dat bedoel ik niet",
            "nee, echt niet",
            "ik wil een mens",
        ),
    ),
    ("emma@example.nl", "nl", ("Annuleer TD-1003 alsjeblieft", "ja")),
    ("emma@example.nl", "nl", ("Ik ben twee keer betaald voor TD-1004",)),
    ("james@example.com", "en", ("I want to return TD-2001", "it is broken, I want my money")),
    (None, "en", ("asdf qwerty zxcv", "blorp flibber", "what??", "where is my order")),
    (None, "en", ("THIS IS RIDICULOUS, WHERE IS MY PARCEL", "still nothing, useless bot")),
)


def test_that_the_active_policy_replayed_on_a_varied_history_changes_nothing(
    stored: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    for email, language, texts in HISTORY:
        who = signed(email) if email else {}
        started = start_conversation(stored, language, **who)
        for text in texts:
            post_customer_message(stored, started.conversation.id, started.token, text)
    assert replay(Path(str(DEFAULT_POLICY)), "--json") == 0
    found = report(capsys)
    assert found["conversations"] == 3 + len(HISTORY)
    assert (found["rerouted_conversations"], found["moves"], found["extra_hours"]) == (0, [], 0)
    assert found["to_people_before"] == found["to_people_after"] >= 3
