"""The engine: the first matching rule decides, then the guarantees, availability, priority."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.policy import DEFAULT_POLICY, Engine, Facts, load_policy
from tandem.domain.policy.engine import PERSON_ON_REQUEST, REPHRASE_ONCE
from tandem.domain.turns import Surroundings, TurnMemory, turn_facts
from tandem.understanding.result import Understanding

POLICY = """\
version: 7
rules:
  - name: money
    when: intent == "double_charge"
    action: handoff
    reason: double_charge
    team: payments
  - name: lost
    when: out_of_scope
    action: clarify
    reason: not_understood
  - name: broken_maths
    when: 10 / failed_turns > 1
    action: offer_human
    reason: routine
default: {action: answer, reason: routine}
unavailable:
  - name: closed
    when: "!office_hours"
    reason: out_of_hours
raise_priority:
  - name: gold
    when: customer_tier == "gold"
    priority: high
  - name: huge
    when: order_amount > 5000.0
    priority: urgent
"""


def facts(intent: str = "where_is_my_order", **changes: object) -> Facts:
    understanding = Understanding("text", "en", intent, 0.9, "delivery_time", 0.05, False, 0.1)
    around = Surroundings(agents_online=2, expected_wait_minutes=3)
    neutral = turn_facts(TurnMemory(), understanding, around)
    return replace(neutral, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_policy(POLICY))


def test_that_the_first_matching_rule_decides_and_records_its_name_and_version(
    engine: Engine,
) -> None:
    assert engine.decide(facts("double_charge", out_of_scope=True)) == Decision(
        Action.HANDOFF, Reason.DOUBLE_CHARGE, "money", Priority.NORMAL, "payments", None, 7
    )


def test_that_the_default_decides_when_no_rule_matches(engine: Engine) -> None:
    decision = engine.decide(facts())
    assert (decision.action, decision.reason, decision.rule) == (
        Action.ANSWER,
        Reason.ROUTINE,
        "default",
    )


def test_that_a_condition_failing_at_run_time_does_not_match(engine: Engine) -> None:
    assert engine.decide(facts(failed_turns=0)).rule == "default"
    assert engine.decide(facts(failed_turns=5)).rule == "broken_maths"


def test_that_a_hand_over_nobody_can_take_becomes_a_ticket_naming_both_rules(
    engine: Engine,
) -> None:
    decision = engine.decide(facts("double_charge", office_hours=False))
    assert (decision.action, decision.reason, decision.rule, decision.team) == (
        Action.TICKET,
        Reason.OUT_OF_HOURS,
        "money/closed",
        "payments",
    )


def test_that_availability_rules_leave_answers_alone(engine: Engine) -> None:
    assert engine.decide(facts(office_hours=False)).action is Action.ANSWER


def test_that_priority_rules_raise_a_hand_over_to_the_highest_that_holds(engine: Engine) -> None:
    gold = engine.decide(facts("double_charge", customer_tier="gold"))
    both = engine.decide(facts("double_charge", customer_tier="gold", order_amount=9000.0))
    answered = engine.decide(facts(customer_tier="gold"))
    assert (gold.priority, both.priority, answered.priority) == (
        Priority.HIGH,
        Priority.URGENT,
        Priority.NORMAL,
    )


def test_that_an_explicit_request_for_a_person_overrides_any_policy(engine: Engine) -> None:
    decision = engine.decide(facts(asked_for_human=True))
    assert (decision.action, decision.reason, decision.rule) == (
        Action.HANDOFF,
        Reason.CUSTOMER_REQUEST,
        PERSON_ON_REQUEST,
    )


def test_that_a_second_clarify_becomes_a_hand_over(engine: Engine) -> None:
    first = engine.decide(facts("oos", out_of_scope=True, rephrases_so_far=0))
    second = engine.decide(facts("oos", out_of_scope=True, rephrases_so_far=1))
    assert first.action is Action.CLARIFY
    assert (second.action, second.reason, second.rule) == (
        Action.HANDOFF,
        Reason.NOT_UNDERSTOOD,
        REPHRASE_ONCE,
    )


def test_that_the_default_policy_never_needs_the_engine_guarantees() -> None:
    engine = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))
    decisions = [
        engine.decide(facts(asked_for_human=True, state=state))
        for state in ("ai", "queued", "human")
    ] + [engine.decide(facts("oos", out_of_scope=True, rephrases_so_far=1))]
    assert [d.rule for d in decisions] == [
        "customer_asks_for_person",
        "customer_asks_for_person",
        "customer_asks_for_person",
        "not_understood_again",
    ]
