"""Every shipped scenario passes on the default policy with the real understanding."""

from __future__ import annotations

import pytest

from tandem.domain.policy import DEFAULT_POLICY, SCENARIOS, Engine, load_policy
from tandem.domain.policy.dialogue import Understands
from tandem.domain.policy.scenario_runner import Scenario, parse_scenarios, run_scenario

ENGINE = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))
SHIPPED = [
    scenario
    for file in sorted(SCENARIOS.iterdir(), key=lambda f: f.name)
    if file.name.endswith(".yaml")
    for scenario in parse_scenarios(file.read_text("utf-8"))
]


@pytest.mark.parametrize("scenario", [pytest.param(s, id=s.name) for s in SHIPPED])
def test_that_the_default_policy_passes_the_shipped_scenario(
    scenario: Scenario, understander: Understands
) -> None:
    failed = [
        f"turn {c.number} {c.scripted.turn.text!r}: expected {c.scripted.expect}, got "
        f"{c.actual.action}/{c.actual.reason} {c.actual.priority} by {c.actual.rule} "
        f"(understood {c.understanding.intent} {c.understanding.confidence:.2f}, "
        f"frustration {c.understanding.frustration:.2f})"
        for c in run_scenario(ENGINE, understander, scenario)
        if not c.passed
    ]
    assert not failed, "\n".join(failed)
