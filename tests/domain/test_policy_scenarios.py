"""Scenario files: parsing, running with an understanding stand-in, and the shipped set."""

from __future__ import annotations

import textwrap

import pytest

from tandem.domain.decision import Action, Reason
from tandem.domain.policy import DEFAULT_POLICY, SCENARIOS, Engine, load_policy
from tandem.domain.policy.scenario_runner import (
    InvalidScenario,
    Scenario,
    parse_scenarios,
    run_scenario,
)
from tandem.understanding.result import Context, Slots, Understanding

ENGINE = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))


class KeywordUnderstander:
    """A stand-in for the understanding port: a few keywords, and what it was given."""

    KEYWORDS = (
        ("person", "talk_to_person"),
        ("twice", "double_charge"),
        ("not what", "reject_answer"),
        ("order", "where_is_my_order"),
        ("cancel", "cancel_order"),
    )

    def __init__(self) -> None:
        self.contexts: list[Context] = []

    def understand(self, text: str, context: Context) -> Understanding:
        self.contexts.append(context)
        intent = next((i for word, i in self.KEYWORDS if word in text.lower()), "oos")
        orders = tuple(w for w in text.split() if w.startswith("TD-"))
        frustration = 0.9 if text.isupper() else 0.1
        return Understanding(
            text, "en", intent, 0.9, "oos", 0.05, intent == "oos", frustration, Slots(orders)
        )


def scenarios(text: str) -> tuple[Scenario, ...]:
    return parse_scenarios(textwrap.dedent(text))


SCRIPT = """\
scenarios:
  - name: a muddled customer
    language: en
    given: {customer_tier: gold}
    turns:
      - customer: "hmm"
        expect: {action: clarify, reason: not_understood}
      - customer: "my order TD-1001"
        expect: {action: answer, reason: routine}
      - customer: "that is not what I asked"
        given: {agents_online: 0}
        expect: {action: ticket, reason: no_agent_available, priority: high}
"""


def test_that_a_scenario_runs_turn_by_turn_with_memory_and_outside_facts() -> None:
    understander = KeywordUnderstander()
    checks = run_scenario(ENGINE, understander, scenarios(SCRIPT)[0])
    assert [c.passed for c in checks] == [True, True, True]
    assert checks[2].actual.rule == "failed_twice/no_agent_online"
    assert understander.contexts[2].previous_customer_texts == ("hmm", "my order TD-1001")
    assert understander.contexts[1].language == "en"


def test_that_a_failing_turn_reports_what_was_expected_and_what_happened() -> None:
    script = SCRIPT.replace("reason: routine", "reason: complaint")
    checks = run_scenario(ENGINE, KeywordUnderstander(), scenarios(script)[0])
    failed = [c for c in checks if not c.passed]
    assert [(c.number, c.scripted.line, str(c.scripted.expect)) for c in failed] == [
        (2, 8, "answer/complaint")
    ]
    assert (failed[0].actual.action, failed[0].actual.reason) == (Action.ANSWER, Reason.ROUTINE)


def test_that_the_attempt_facts_of_a_turn_reach_the_policy() -> None:
    script = """\
    scenarios:
      - name: slow and broken
        language: en
        turns:
          - customer: "cancel TD-1"
            given: {action_failed: true}
            expect: {action: handoff, reason: action_failed}
          - customer: "cancel TD-2"
            given: {answer_ms: 9001, answer_budget_ms: 9000, state: queued}
            expect: {action: handoff, reason: too_slow}
    """
    checks = run_scenario(ENGINE, KeywordUnderstander(), scenarios(script)[0])
    assert [c.passed for c in checks] == [True, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: [", "invalid YAML"),
        ("scenarios: []", "line 1: a scenario file needs a scenarios list"),
        ("scenarios:\n  - {name: x, language: xx, turns: []}", "needs a name and a language"),
        ("scenarios:\n  - {name: x, language: en, turns: []}", "scenario 'x' has no turns"),
        (
            "scenarios:\n  - name: x\n    language: en\n    turns:\n      - customer: hi\n"
            "        expect: {action: answer, reason: routine}\n        mood: happy\n",
            "line 5: unknown field(s) ['mood']",
        ),
        (
            "scenarios:\n  - name: x\n    language: en\n    turns:\n      - customer: hi\n"
            "        given: {agents_online: many}\n        expect: {action: answer, reason: x}\n",
            "line 6: given agents_online has the wrong type",
        ),
        (
            "scenarios:\n  - name: x\n    language: en\n    turns:\n      - customer: hi\n"
            "        given: {office_hours: 1}\n        expect: {action: answer, reason: x}\n",
            "line 6: given office_hours has the wrong type",
        ),
        (
            "scenarios:\n  - name: x\n    language: en\n    turns:\n      - customer: hi\n"
            "        expect: {action: answer, reason: because}\n",
            "line 6: expect: 'because' is not a valid Reason",
        ),
        (
            "scenarios:\n  - name: x\n    language: en\n    turns:\n      - customer: hi\n"
            "        given: {state: asleep}\n        expect: {action: answer, reason: routine}\n",
            "line 5: 'asleep' is not a valid State",
        ),
    ],
)
def test_that_a_malformed_scenario_file_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(InvalidScenario) as raised:
        parse_scenarios(text)
    assert message in raised.value.message


def test_that_the_project_ships_at_least_sixty_scenarios_in_dutch_and_english() -> None:
    shipped = [
        scenario
        for file in SCENARIOS.iterdir()
        if file.name.endswith(".yaml")
        for scenario in parse_scenarios(file.read_text("utf-8"))
    ]
    assert len(shipped) >= 60
    assert {s.language for s in shipped} == {"nl", "en"}
    assert min(sum(s.language == lang for s in shipped) for lang in ("nl", "en")) >= 25
