"""Turn memory: the facts each message yields, and what a conversation remembers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.conversation import State
from tandem.domain.decision import Action
from tandem.domain.errors import InvalidInput
from tandem.domain.policy import DEFAULT_POLICY, Engine, load_policy
from tandem.domain.turns import (
    Attempt,
    Surroundings,
    TurnMemory,
    TurnOutcome,
    decide_turn,
    remember,
    turn_facts,
)
from tandem.understanding.result import Slots, Understanding

AROUND = Surroundings(agents_online=1, expected_wait_minutes=2)
ENGINE = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))


def said(intent: str, confidence: float = 0.9, frustration: float = 0.1) -> Understanding:
    return Understanding("...", "nl", intent, confidence, "oos", 0.05, intent == "oos", frustration)


def after(
    memory: TurnMemory, intent: str, outcome: TurnOutcome, key: str | None = None
) -> TurnMemory:
    return remember(memory, turn_facts(memory, said(intent), AROUND), outcome, key)


def test_that_a_rejected_answer_counts_as_a_failed_turn_not_a_new_question() -> None:
    answered = after(TurnMemory(), "refund_status", TurnOutcome.ANSWERED, "refund")
    assert turn_facts(answered, said("reject_answer"), AROUND).failed_turns == 1
    assert turn_facts(answered, said("thanks"), AROUND).failed_turns == 0


def test_that_asking_to_rephrase_counts_once_per_message_and_is_remembered() -> None:
    rejected = after(TurnMemory(), "reject_answer", TurnOutcome.CLARIFIED)
    not_understood = after(TurnMemory(), "oos", TurnOutcome.CLARIFIED)
    assert (rejected.failed_turns, rejected.rephrases) == (1, 1)
    assert (not_understood.failed_turns, not_understood.rephrases) == (1, 1)


def test_that_an_answer_the_customer_accepts_ends_the_failure_streak() -> None:
    clarified = after(TurnMemory(), "oos", TurnOutcome.CLARIFIED)
    answered = after(clarified, "refund_status", TurnOutcome.ANSWERED, "refund")
    assert turn_facts(answered, said("reject_answer"), AROUND).failed_turns == 2
    assert turn_facts(answered, said("invoice"), AROUND).failed_turns == 0
    assert after(answered, "invoice", TurnOutcome.ANSWERED).rephrases == 1


def test_that_a_hand_over_resets_the_streak_but_not_the_rephrase_count() -> None:
    clarified = after(TurnMemory(), "oos", TurnOutcome.CLARIFIED)
    handed = after(clarified, "oos", TurnOutcome.HANDED_OVER)
    assert (handed.failed_turns, handed.rephrases, handed.last_answer_key) == (0, 1, None)


def test_that_the_same_drafted_answer_as_last_turn_is_noticed() -> None:
    answered = after(TurnMemory(), "refund_status", TurnOutcome.ANSWERED, "refund:1001")
    again = turn_facts(answered, said("refund_status"), AROUND, Attempt("refund:1001"))
    other = turn_facts(answered, said("refund_status"), AROUND, Attempt("refund:1002"))
    assert (again.same_answer_twice, other.same_answer_twice) == (True, False)


def test_that_the_frustration_trend_compares_with_the_previous_three_messages() -> None:
    memory = TurnMemory(frustration=(0.9, 0.1, 0.2, 0.3))
    assert turn_facts(memory, said("invoice", frustration=0.6), AROUND).frustration_trend == (
        pytest.approx(0.4)
    )
    assert turn_facts(TurnMemory(), said("invoice"), AROUND).frustration_trend == 0.0


def test_that_outside_facts_reach_the_policy() -> None:
    around = Surroundings(State.QUEUED, 0, 45, False, True, "gold", 612.5, "shipped", 3000)
    facts = turn_facts(TurnMemory(), said("invoice"), around, Attempt("k", True, 4000))
    assert (facts.state, facts.agents_online, facts.expected_wait_minutes) == ("queued", 0, 45)
    assert (facts.office_hours, facts.asked_for_human, facts.customer_identified) == (
        False,
        True,
        True,
    )
    assert (facts.customer_tier, facts.order_amount, facts.order_status) == (
        "gold",
        612.5,
        "shipped",
    )
    assert (facts.action_failed, facts.answer_ms, facts.answer_budget_ms) == (True, 4000, 3000)
    assert (facts.language, turn_facts(TurnMemory(), said("x"), AROUND).customer_tier) == ("nl", "")


def test_that_details_in_a_message_are_a_fact_for_the_policy() -> None:
    bare = said("oos")
    with_order = replace(bare, slots=Slots(order_ids=("TD-1001",)))
    around = replace(AROUND, awaiting_details=True)
    assert turn_facts(TurnMemory(), with_order, around).details_given
    assert turn_facts(TurnMemory(), with_order, around).awaiting_details
    assert not turn_facts(TurnMemory(), bare, around).details_given


def test_that_the_memory_survives_a_json_round_trip() -> None:
    memory = TurnMemory(2, 1, TurnOutcome.OFFERED, "refund:1", (0.25, 0.5), True)
    assert TurnMemory.from_json(memory.to_json()) == memory
    assert TurnMemory.from_json(TurnMemory().to_json()) == TurnMemory()


def test_that_malformed_stored_memory_is_refused() -> None:
    with pytest.raises(InvalidInput):
        TurnMemory.from_json({"failed_turns": 1})
    with pytest.raises(InvalidInput):
        TurnMemory.from_json({**TurnMemory().to_json(), "last_outcome": "sulked"})


def test_that_the_ai_does_not_attempt_an_answer_when_it_hands_over() -> None:
    def attempt() -> Attempt:
        raise AssertionError("the AI should not draft an answer")

    turn = decide_turn(ENGINE, TurnMemory(), said("talk_to_person"), AROUND, attempt)
    assert (turn.decision.action, turn.memory.last_outcome) == (
        Action.HANDOFF,
        TurnOutcome.HANDED_OVER,
    )


def test_that_an_attempt_whose_action_failed_is_handed_over() -> None:
    turn = decide_turn(
        ENGINE, TurnMemory(), said("cancel_order"), AROUND, lambda: Attempt("c", True, 300)
    )
    assert (turn.decision.reason, turn.facts.action_failed) == ("action_failed", True)


def test_that_an_answer_is_remembered_for_the_next_turn() -> None:
    turn = decide_turn(ENGINE, TurnMemory(), said("invoice"), AROUND, lambda: Attempt("inv"))
    assert turn.decision.action is Action.ANSWER
    assert (turn.memory.last_outcome, turn.memory.last_answer_key) == (TurnOutcome.ANSWERED, "inv")


def test_that_an_answer_asking_a_question_carries_no_offer_of_a_person() -> None:
    unsure = said("cancel_order", confidence=0.5)
    offered = decide_turn(ENGINE, TurnMemory(), unsure, AROUND, lambda: Attempt("c"))
    assert offered.decision.action is Action.OFFER_HUMAN
    assert offered.memory.last_outcome is TurnOutcome.OFFERED
    asking = decide_turn(ENGINE, TurnMemory(), unsure, AROUND, lambda: Attempt("c", asks=True))
    assert asking.memory.last_outcome is TurnOutcome.ANSWERED


def test_that_yes_to_a_confirmation_question_is_not_taken_as_yes_to_a_person() -> None:
    unsure = said("cancel_order", confidence=0.5)
    asked = decide_turn(ENGINE, TurnMemory(), unsure, AROUND, lambda: Attempt("c", asks=True))
    yes = decide_turn(ENGINE, asked.memory, said("affirm"), AROUND, lambda: Attempt("done"))
    assert yes.decision.action is Action.ANSWER


def test_that_ok_to_an_offer_worded_as_a_statement_is_no_request_for_a_person() -> None:
    unsure = said("invoice", confidence=0.5)
    stated = decide_turn(ENGINE, TurnMemory(), unsure, AROUND, lambda: Attempt("inv"))
    assert stated.memory.last_outcome is TurnOutcome.OFFERED  # "…, just say so."
    assert stated.memory.person_asked is False
    ok = decide_turn(ENGINE, stated.memory, said("affirm"), AROUND, lambda: Attempt("ok"))
    assert (ok.facts.human_offered, ok.decision.action) == (False, Action.ANSWER)


def test_that_yes_to_an_offer_asked_as_a_question_is_a_request_for_a_person() -> None:
    unsure, asks = said("invoice", confidence=0.5), replace(AROUND, offer_asks=True)
    asked = decide_turn(ENGINE, TurnMemory(), unsure, asks, lambda: Attempt("inv"))
    assert asked.memory.person_asked is True  # "Praat je liever met een medewerker?"
    yes = decide_turn(ENGINE, asked.memory, said("affirm"), asks, lambda: Attempt("ok"))
    assert (yes.decision.action, yes.decision.reason) == (Action.HANDOFF, "customer_request")
    # the question is answered once: the turn after an answer asks nothing any more
    answered = decide_turn(ENGINE, asked.memory, said("invoice"), asks, lambda: Attempt("i2"))
    assert answered.memory.person_asked is False


def test_that_an_offer_stored_before_offers_were_told_apart_still_counts_as_asked() -> None:
    stored = {**TurnMemory(last_outcome=TurnOutcome.OFFERED).to_json()}
    del stored["person_asked"]
    assert TurnMemory.from_json(stored).person_asked is True


def test_that_a_request_for_a_person_in_a_part_of_the_message_is_a_fact() -> None:
    both = replace(said("where_is_my_order"), person_request=0.97)
    turn = decide_turn(ENGINE, TurnMemory(), both, AROUND, lambda: Attempt("w"))
    assert (turn.facts.person_request, turn.decision.reason) == (0.97, "customer_request")


def test_that_a_complaint_in_a_part_of_the_message_goes_to_a_person_as_a_complaint() -> None:
    both = replace(said("change_address"), complaint_request=0.97)
    turn = decide_turn(ENGINE, TurnMemory(), both, AROUND, lambda: Attempt("w"))
    assert (turn.facts.complaint_request, turn.decision.reason) == (0.97, "complaint")


def test_that_a_payment_problem_in_a_part_of_the_message_goes_to_the_payments_team() -> None:
    both = replace(said("where_is_my_order"), payment_request=0.97)
    turn = decide_turn(ENGINE, TurnMemory(), both, AROUND, lambda: Attempt("w"))
    assert turn.facts.payment_request == 0.97
    assert (turn.decision.reason, turn.decision.team) == ("payment_problem", "payments")


@pytest.mark.parametrize(
    "policy",
    [
        DEFAULT_POLICY.read_text("utf-8"),
        # a lead's policy that hands every return over, after the AI drafted its answer
        "version: 1\nrules:\n  - {name: returns_to_people, when: 'same_answer_twice || "
        'intent == "return_item"\', action: handoff, reason: business_rule}\n'
        "default: {action: answer, reason: routine}\n",
    ],
)
def test_that_one_turn_never_both_asks_a_question_and_hands_over(policy: str) -> None:
    engine = Engine(load_policy(policy))
    for intent in ("return_item", "affirm", "deny", "cancel_order"):
        for asks in (True, False):
            for repeats in (True, False):
                memory = TurnMemory(last_answer_key="return_confirm|TD-1002")
                draft = Attempt("return_confirm|TD-1002", asks=asks, repeats_question=repeats)
                turn = decide_turn(engine, memory, said(intent), AROUND, lambda d=draft: d)
                handing_over = turn.decision.action in (Action.HANDOFF, Action.TICKET)
                if handing_over and asks:
                    assert not turn.shows_answer, (intent, asks, repeats)
                if turn.decision.action is Action.ANSWER:
                    assert turn.shows_answer


def test_that_the_identical_question_twice_goes_to_a_person_even_after_yes() -> None:
    draft = Attempt("exchange_which_item|", asks=True, repeats_question=True)
    turn = decide_turn(ENGINE, TurnMemory(), said("affirm"), AROUND, lambda: draft)
    assert turn.decision.rule == "same_question_twice"
    assert turn.decision.action is Action.HANDOFF and not turn.shows_answer
    reworded = decide_turn(ENGINE, TurnMemory(), said("affirm"), AROUND, lambda: Attempt("x"))
    assert reworded.decision.action is Action.ANSWER and reworded.shows_answer
