"""The conversation bench's measures, on hand-made transcripts (no server, no model)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from conversation_metrics import (
    CardExpectation,
    Transcript,
    Turn,
    findings,
    other_language_words,
    summarise,
    table,
)

CARD = {
    "summary": "Charged twice for order TD-1004.",
    "tried": ["Answered order status of TD-1004"],
    "next_step": "Check the payments of TD-1004.",
    "orders": [{"id": "TD-1004", "total": "EUR 114.95",
                "payments": "paid EUR 114.95 (ideal), paid EUR 114.95 (ideal)"}],
}


def transcript(*turns: Turn, language: str = "en", expected: str = "resolved",
               **extra: object) -> Transcript:
    return Transcript("t", language, expected, turns, **extra)  # type: ignore[arg-type]


def test_a_good_routine_conversation_has_no_findings() -> None:
    found = findings(transcript(
        Turn("Where is TD-2002?", (("ai", "Your order TD-2002 is being packed."),), "ai"),
        Turn("thanks", (("ai", "You're welcome!"),), "ai"),
    ))
    assert found.ok and found.problems() == []


def test_outcome_counts_any_turn_that_left_the_ai() -> None:
    queued = Turn("a human please", (("ai", "A colleague will answer soon."),), "queued", True)
    back = Turn("ok", (("ai", "Fine."),), "ai")
    assert findings(transcript(queued, back, expected="person")).outcome_ok
    assert not findings(transcript(queued, back)).outcome_ok


def test_words_of_the_other_language_are_found_but_names_and_ids_are_not() -> None:
    assert other_language_words("nl", "Bestelling TD-1003 is al cancelled") == ["cancelled"]
    assert other_language_words("en", "We mailen je ook op emma@example.nl") == [
        "mailen", "je", "ook", "op"
    ]
    assert other_language_words("en", "Thanks Emma de Vries, see https://x.nl/de/retour") == []
    assert other_language_words("nl", "Hoodie (M / grijs) voor L / grey") == ["grey"]
    found = findings(transcript(
        Turn("hi", (("ai", "Hoi! Waar kan ik je mee helpen?"),), "ai"), labelled="nl"
    ))
    assert len(found.wrong_language) == 2  # the reply and the conversation's label


def test_only_a_question_asked_again_in_a_later_turn_counts() -> None:
    ask = ("ai", "Which order is it about? Your orders: TD-1003, TD-1004.")
    found = findings(transcript(Turn("cancel", (ask,), "ai"), Turn("yes", (ask,), "ai")))
    assert found.repeated_questions == ["which order is it about?"]
    assert findings(transcript(Turn("cancel", (ask,), "ai"))).repeated_questions == []


def test_a_turn_without_reply_is_silent_unless_a_person_owns_the_chat() -> None:
    silent = Turn("where is TD-2002?", (), "queued")
    owned = Turn("hello?", (), "human")
    assert findings(transcript(silent, owned, expected="person")).silent_turns == [1]
    system_only = Turn("hi", (("system", "Anna joined."),), "queued")
    assert findings(transcript(system_only, expected="person")).silent_turns == []


def test_the_card_must_name_exactly_the_expected_orders_and_amounts() -> None:
    turn = Turn("I was charged twice for TD-1004", (("ai", "A colleague checks it."),), "queued",
                True)
    expected = CardExpectation(("TD-1004",), ("114.95",))
    good = findings(transcript(turn, expected="person", card_expected=expected, card=CARD))
    assert good.card_checked and good.card_problems == []
    wrong = {**CARD, "summary": "Charged twice for order TD-1003.",
             "orders": [{"id": "TD-1003", "total": "EUR 69.95"}]}
    bad = findings(transcript(turn, expected="person", card_expected=expected, card=wrong))
    assert bad.card_problems == [
        "orders ['TD-1003'], expected ['TD-1004']",
        "names orders nobody mentioned: ['TD-1003']",
        "amounts missing: ['114.95']",
    ]
    none = findings(transcript(turn, expected="person", card_expected=expected))
    assert none.card_problems == ["no handoff card"]


def test_the_table_reports_each_measure_per_language_and_overall() -> None:
    good = transcript(Turn("hi", (("ai", "Hello!"),), "ai"))
    silent = transcript(Turn("human", (), "queued", True), language="nl", expected="person")
    tallies = summarise([(good, findings(good)), (silent, findings(silent))])
    assert tallies["all"].conversations == 2 and tallies["nl"].silent == 1
    assert tallies["en"].resolved == 1 and tallies["nl"].reached == 1
    text = table(tallies)
    assert "Silent turns" in text and "1 of 1" in text and "1/1 (100%)" in text


def test_dutch_track_and_trace_is_not_english() -> None:
    assert other_language_words("nl", "met PostNL, track-and-trace-code 3SDEMO1001001") == []


def test_a_turn_may_not_ask_for_confirmation_and_hand_over() -> None:
    asks = Turn("nee, geld terug", (
        ("ai", "Zal ik de retour starten? (ja/nee)"),
        ("ai", "Ik heb van dit gesprek een ticket gemaakt."),
    ), "queued", True)
    assert findings(transcript(asks, language="nl", expected="person")).ask_and_hand_over == [1]
    only = Turn("human", (("ai", "Dank je. Een collega neemt het over."),), "queued", True)
    assert findings(transcript(only, expected="person")).ask_and_hand_over == []


def test_the_card_must_give_the_handoff_reason_when_the_script_names_it() -> None:
    turn = Turn("charged twice for TD-1004", (("ai", "A colleague checks it."),), "queued", True)
    expected = CardExpectation(("TD-1004",), ("114.95",), "double_charge")
    card = {**CARD, "reason": "no_agent_available"}
    found = findings(transcript(turn, expected="person", card_expected=expected, card=card))
    assert found.card_problems == [] and found.reason_checked
    assert found.card_reason == "reason no_agent_available, expected double_charge"
    assert summarise([(transcript(turn), found)])["all"].reasons_ok == 0
