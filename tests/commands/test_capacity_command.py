"""`tandem capacity erlang`: answers in text and JSON, bad input and impossible targets."""

from __future__ import annotations

import json

import pytest

from tandem.cli import main

BASE = [
    "capacity",
    "erlang",
    "--arrivals-per-hour",
    "120",
    "--handle-minutes",
    "4.5",
    "--answer-within",
    "20s",
    "--service-level",
    "0.8",
]


def run_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert main([*BASE, *extra, "--json"]) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_that_the_json_answer_is_one_object_with_the_agents_needed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys)
    assert report["agents"] == 13 and isinstance(report["agents"], int)
    assert report["model"] == "erlang_c" and report["target_met"] is True
    assert report["service_level"] == pytest.approx(0.8829, abs=1e-4)
    assert report["average_speed_of_answer_seconds"] == pytest.approx(10.63, abs=0.01)
    assert report["occupancy"] == pytest.approx(9 / 13)
    assert report["abandonment"] is None


def test_that_a_patience_gives_erlang_a_with_abandonment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, "--patience-minutes", "2")
    assert report["model"] == "erlang_a" and report["agents"] == 11
    assert report["abandonment"] == pytest.approx(0.0706, abs=1e-4)


def test_that_concurrency_needs_fewer_agents(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "--concurrency", "3", "--slowdown", "0.25")
    assert report["agents"] == 6 and report["concurrency"] == 3


def test_that_a_given_staffing_is_evaluated_and_a_simulation_can_check_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, "--agents", "12", "--simulate", "3000", "--seed", "1")
    assert report["agents"] == 12 and report["target_met"] is False
    simulated = report["simulation"]
    assert isinstance(simulated, dict) and simulated["customers"] > 2500
    assert 0.5 < simulated["service_level"] < 1.0


def test_that_too_few_agents_report_a_queue_that_never_ends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, "--agents", "9")
    assert report["stable"] is False and report["average_speed_of_answer_seconds"] is None


def test_that_the_text_answer_reads_as_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE[:-2], "--service-level", "80%", "--answer-within", "0.5m"]) == 0
    out = capsys.readouterr().out
    assert "Erlang C: 120 chats/hour of 4.5 min = 9.00" in out
    assert "80% answered within 30 s — met with 12 agents" in out
    assert "occupancy" in out and "abandonment" not in out


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--arrivals-per-hour", "0", "arrivals per hour must be more than 0"),
        ("--arrivals-per-hour", "-5", "arrivals per hour must be more than 0"),
        ("--arrivals-per-hour", "nan", "arrivals per hour"),
        ("--handle-minutes", "0", "handle time"),
        ("--handle-minutes", "-1", "handle time"),
        ("--patience-minutes", "0", "patience"),
        ("--concurrency", "0", "chats at once"),
        ("--max-agents", "0", "most agents"),
        ("--agents", "-1", "agents"),
        ("--simulate", "0", "customers"),
    ],
)
def test_that_bad_numbers_get_a_clear_message_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    assert main([*BASE, flag, value]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--answer-within", "20x", "is not a duration"),
        ("--answer-within", "-20s", "is not a duration"),
        ("--service-level", "1", "between 0 and 1"),
        ("--service-level", "0", "between 0 and 1"),
        ("--service-level", "120%", "between 0 and 1"),
        ("--service-level", "most", "is not a share"),
        ("--arrivals-per-hour", "many", "invalid float value"),
    ],
)
def test_that_unparseable_input_gets_a_clear_message_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*BASE, f"{flag}={value}"])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_that_an_impossible_target_says_so_with_the_best_achievable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [*BASE, "--service-level", "0.99", "--answer-within", "5s", "--max-agents", "12"]
    assert main([*args, "--json"]) == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["target_met"] is False and report["agents"] == 12
    assert "cannot be met" in captured.err
    assert f"the best achievable is {report['service_level']:.2%}, with 12 agents" in captured.err


def test_that_a_load_beyond_the_most_agents_says_the_queue_would_grow(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [*BASE, "--arrivals-per-hour", "2000", "--handle-minutes", "30", "--max-agents", "900"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "NOT met with 900 agents" in captured.out
    assert "1000.0 agents' worth of work" in captured.err
