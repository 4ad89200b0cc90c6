"""`tandem policy check|test`: exit codes and FILE:LINE messages for leads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.cli import main
from tandem.domain.policy import DEFAULT_POLICY

BROKEN = """\
version: 1
rules:
  - name: typo
    when: intent == "complain"
    action: handoff
    reason: complaint
default: {action: answer, reason: routin}
"""


def test_that_checking_the_default_policy_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", str(DEFAULT_POLICY)]) == 0
    assert capsys.readouterr().out == f"{DEFAULT_POLICY}: ok (version 1, 19 rules)\n"


def test_that_checking_a_broken_policy_prints_each_problem_as_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(BROKEN)
    assert main(["policy", "check", str(policy)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{policy}:4: in condition 'intent == \"complain\"': intent is never 'complain'; "
        "did you mean 'complaint'?",
        f"{policy}:7: unknown reason 'routin'; known: action_failed, business_rule, complaint, "
        "customer_request, double_charge, frustration, no_agent_available, not_understood, "
        "out_of_hours, payment_problem, repeated_failure, routine, system_error, too_slow",
    ]


def test_that_a_missing_policy_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().out


def test_that_testing_with_a_malformed_scenario_file_fails_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios = tmp_path / "bad.yaml"
    scenarios.write_text("scenarios: []\n")
    assert main(["policy", "test", str(DEFAULT_POLICY), str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"{scenarios}: line 1: a scenario file needs a scenarios list\n"
    )
