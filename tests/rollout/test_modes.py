"""The roll-out modes: validation, the sticky pilot split, the stored history."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tandem.domain.decision import Reason
from tandem.domain.errors import InvalidInput
from tandem.domain.rollout import (
    DEFAULTS,
    ROLLOUT_TOPICS,
    Group,
    Mode,
    Setting,
    gate,
    share,
)
from tandem.services import rollout
from tandem.storage.db import reading


@settings(max_examples=40, deadline=None)
@given(percent=st.integers(0, 100), topic=st.sampled_from(ROLLOUT_TOPICS))
def test_that_the_pilot_share_converges_to_its_percentage(percent: int, topic: str) -> None:
    pilot = Setting(Mode.PILOT, percent)
    n = 4000
    inside = sum(gate(topic, pilot, f"customer:{i}").group is Group.PILOT for i in range(n))
    assert abs(inside / n - percent / 100) < 0.03  # ~4 standard deviations at 50%


@settings(max_examples=200, deadline=None)
@given(
    subject=st.text(min_size=1, max_size=40),
    topic=st.sampled_from(ROLLOUT_TOPICS),
    percent=st.integers(0, 100),
    more=st.integers(0, 100),
)
def test_that_a_customer_never_flips_group(
    subject: str, topic: str, percent: int, more: int
) -> None:
    first = gate(topic, Setting(Mode.PILOT, percent), subject)
    assert all(gate(topic, Setting(Mode.PILOT, percent), subject) == first for _ in range(3))
    if first.group is Group.PILOT:  # a larger pilot keeps everyone who was in it
        assert gate(topic, Setting(Mode.PILOT, percent + more), subject).group is Group.PILOT
    assert 0 <= share(topic, subject) < 100


def test_that_each_mode_says_who_answers() -> None:
    assert gate("refunds", Setting(Mode.ON), "x").ai_answers
    assert gate("refunds", Setting(Mode.OFF), "x").reason is Reason.ROLLOUT_OFF
    assert gate("refunds", Setting(Mode.SHADOW), "x").drafts
    assert gate("refunds", Setting(Mode.PILOT, 0), "x").reason is Reason.ROLLOUT_PILOT_CONTROL
    assert gate("refunds", Setting(Mode.PILOT, 100), "x").group is Group.PILOT
    assert gate("conversation", Setting(Mode.OFF), "x").ai_answers  # greeting is never off


@pytest.mark.parametrize(
    ("mode", "percent", "field"),
    [
        ("sometimes", None, "mode"),
        ("pilot", None, "percent"),
        ("pilot", 101, "percent"),
        ("pilot", -1, "percent"),
        ("pilot", True, "percent"),
        ("on", 50, "percent"),
    ],
)
def test_that_a_bad_setting_names_its_field(mode: str, percent: object, field: str) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        Setting.of(mode, percent)


def test_that_the_demo_shows_every_mode_and_a_new_installation_is_on() -> None:
    assert {s.mode for s in DEFAULTS.shipped.values()} == {Mode.ON}
    modes = [s.mode for s in DEFAULTS.demo.values()]
    assert modes.count(Mode.PILOT) == 1 and modes.count(Mode.SHADOW) == 1
    assert modes.count(Mode.ON) == len(ROLLOUT_TOPICS) - 2
    assert Setting(Mode.PILOT, 50) in DEFAULTS.demo.values()


def test_that_changes_are_stored_with_their_history(engine: Engine) -> None:
    assert rollout.modes(engine).of("refunds") == Setting(Mode.ON)
    made = rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 20), "try it", None)
    assert [(c.previous, c.setting) for c in made] == [(Setting(Mode.ON), Setting(Mode.PILOT, 20))]
    assert rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 20), "again", None) == []
    killed = rollout.kill(engine, None, "incident 42", None)
    assert {c.topic for c in killed} == set(ROLLOUT_TOPICS)
    assert {rollout.modes(engine).of(t).mode for t in ROLLOUT_TOPICS} == {Mode.OFF}
    with reading(engine) as connection:
        history = rollout.history(connection)
    assert history[-1].note == "try it" and history[0].note == "incident 42"
    assert len(history) == len(ROLLOUT_TOPICS) + 1


@pytest.mark.parametrize(
    ("topics", "note", "field"),
    [(["weather"], "x", "topic"), (["refunds"], "  ", "note"), (["refunds"], None, "note")],
)
def test_that_a_refused_change_changes_nothing(
    engine: Engine, topics: list[str], note: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        rollout.change(engine, topics, Setting(Mode.OFF), note, None)
    assert rollout.modes(engine).of("refunds") == Setting(Mode.ON)


def test_that_the_demo_modes_are_applied_once(engine: Engine) -> None:
    assert len(rollout.ensure_demo_rollout(engine)) == 2
    assert rollout.modes(engine).of("exchanges") == Setting(Mode.PILOT, 50)
    rollout.change(engine, ["exchanges"], Setting(Mode.ON), "pilot went well", None)
    assert rollout.ensure_demo_rollout(engine) == []
    assert rollout.modes(engine).of("exchanges") == Setting(Mode.ON)
