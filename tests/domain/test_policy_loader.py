"""The loader turns policy text into a Policy, or reports every problem with its line."""

from __future__ import annotations

import textwrap

import pytest

from tandem.domain.decision import Action, Priority, Reason
from tandem.domain.policy import DEFAULT_POLICY, InvalidPolicy, Problem, load_policy

HEADER = "version: 2\ndefault: {action: answer, reason: routine}\nrules:\n"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(InvalidPolicy) as raised:
        load_policy(textwrap.dedent(text))
    return list(raised.value.problems)


def rules_problems(rules: str) -> list[tuple[int, str]]:
    """Problems of a policy made of HEADER and these rules (rules start on line 4)."""
    return [(p.line, p.message) for p in problems_of(HEADER + textwrap.dedent(rules))]


def test_that_the_shipped_default_policy_is_valid() -> None:
    policy = load_policy(DEFAULT_POLICY.read_text("utf-8"))
    assert policy.version >= 1
    assert policy.rules[0].name == "customer_asks_for_person"
    assert policy.default.action is Action.ANSWER


def test_that_a_valid_policy_keeps_every_field_and_the_line_of_each_rule() -> None:
    policy = load_policy(
        HEADER
        + "  - name: money\n"
        + '    when: intent == "double_charge"\n'
        + "    action: handoff\n    reason: double_charge\n    priority: high\n"
        + "    team: payments\n    skill: refunds\n"
    )
    (rule,) = policy.rules
    assert (rule.name, rule.line, rule.outcome.team, rule.outcome.skill) == (
        "money",
        4,
        "payments",
        "refunds",
    )
    assert (rule.outcome.reason, rule.outcome.priority) == (Reason.DOUBLE_CHARGE, Priority.HIGH)


def test_that_invalid_yaml_is_reported_with_its_line() -> None:
    [(line, message)] = rules_problems("  - name: x\n    when: [unclosed\n")
    assert line in (5, 6) and message.startswith("invalid YAML")


def test_that_an_unknown_field_is_reported_on_its_own_line() -> None:
    found = rules_problems(
        "  - name: x\n    when: out_of_scope\n    action: clarify\n"
        "    reason: not_understood\n    colour: red\n"
    )
    assert found == [
        (
            8,
            "unknown field 'colour' in a rule; known: action, description, "
            "name, priority, reason, skill, team, when",
        )
    ]


def test_that_a_missing_field_is_reported_at_its_rule() -> None:
    assert rules_problems("  - name: x\n    when: out_of_scope\n    action: clarify\n") == [
        (4, "a rule is missing the field 'reason'")
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("action", "handof", "unknown action 'handof'"),
        ("reason", "bored", "unknown reason 'bored'"),
        ("priority", "asap", "unknown priority 'asap'"),
    ],
)
def test_that_unknown_actions_reasons_and_priorities_are_reported(
    field: str, value: str, expected: str
) -> None:
    fields = {"action": "handoff", "reason": "complaint", "priority": "high", field: value}
    rule = "  - name: x\n    when: out_of_scope\n" + "".join(
        f"    {k}: {v}\n" for k, v in fields.items()
    )
    [(line, message)] = rules_problems(rule)
    assert line == 4 + 1 + list(fields).index(field) + 1
    assert message.startswith(expected)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("intent == 3", "== does not apply to string and int"),
        ("confidence > '0.5'", "> does not apply to double and string"),
        ("failed_turns + 1.5 > 2.0", "+ does not apply to int and double"),
        ("confidence", "a condition must be true or false, this one is double"),
        ("confidense > 0.5", "unknown fact 'confidense'; did you mean confidence?"),
        ("intent.size() > 2 && lower(intent) == 'x'", "unsupported function lower()"),
        ("customer.tier == 'gold'", "field access .tier is not supported"),
        ("intent in ['complaint', 3]", "a list mixes int and string"),
        ('intent == "complain"', "intent is never 'complain'; did you mean 'complaint'?"),
        ("confidence >", "invalid condition 'confidence >': at column 13: Syntax error"),
    ],
)
def test_that_a_condition_that_does_not_check_is_reported_on_its_line(
    condition: str, expected: str
) -> None:
    [(line, message)] = rules_problems(
        f"  - name: x\n    when: {condition!r}\n    action: clarify\n    reason: not_understood\n"
    )
    assert line == 5
    assert expected in message


def test_that_a_rule_that_is_always_false_is_reported() -> None:
    assert rules_problems(
        "  - name: never\n    when: 1 > 2\n    action: clarify\n    reason: not_understood\n"
    ) == [(4, "rule 'never' can never fire: its condition is always false")]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("true", "out_of_scope"),
        ("1 < 2", "out_of_scope"),
        ("out_of_scope", "out_of_scope"),
        ("out_of_scope", "out_of_scope && confidence < 0.5"),
        ("out_of_scope || asked_for_human", "asked_for_human && frustration > 0.5"),
        ("out_of_scope", "out_of_scope && (failed_turns > 1 || confidence < 0.2)"),
        ("confidence < 0.4 || out_of_scope", "out_of_scope || confidence < 0.4"),
    ],
)
def test_that_a_rule_shadowed_by_an_earlier_rule_is_reported(earlier: str, later: str) -> None:
    rule = "  - name: {}\n    when: {!r}\n    action: clarify\n    reason: not_understood\n"
    found = rules_problems(rule.format("first", earlier) + rule.format("second", later))
    assert found == [
        (
            8,
            "rule 'second' can never fire: rule 'first' (line 4) comes first and matches "
            "whenever it does",
        )
    ]


def test_that_a_narrower_rule_before_a_broader_one_is_fine() -> None:
    rule = "  - name: {}\n    when: {!r}\n    action: clarify\n    reason: not_understood\n"
    text = HEADER + rule.format("narrow", "out_of_scope && confidence < 0.5")
    assert load_policy(text + rule.format("broad", "out_of_scope")).rules[1].name == "broad"


def test_that_every_problem_is_reported_not_only_the_first() -> None:
    found = problems_of(
        """\
        version: one
        rules:
          - name: Bad-Name
            when: intent == 3
            action: handoff
            reason: complaint
          - name: x
            when: out_of_scope
            action: handoff
            reason: complaint
          - name: x
            when: asked_for_human
            action: handoff
            reason: complaint
        default: {action: answer, reason: routine, sound: loud}
        unavailable:
          - name: closed
            when: "!office_hours"
            reason: complaint
        """
    )
    assert [p.line for p in found] == [1, 3, 4, 11, 15, 19]


def test_that_an_empty_or_non_mapping_policy_is_reported() -> None:
    assert problems_of("") == [Problem(1, "the policy is empty")]
    assert problems_of("- a\n- b\n") == [Problem(1, "a policy must be a mapping of fields")]
