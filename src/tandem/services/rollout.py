"""The roll-out modes as stored: read at every turn, changed by leads, the kill switch and the
evaluation, each change kept in the history (who, when, why, automatic or not).

One owner: only this module writes ``rollout_modes`` and ``rollout_changes``. A turn reads the
modes in its first phase (one small query, no cache), so every server process applies a
change at its next turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, select, update

from tandem.domain.errors import InvalidInput
from tandem.domain.rollout import DEFAULTS, ROLLOUT_TOPICS, Mode, Modes, Setting, check_topic
from tandem.domain.rollout_guard import Finding
from tandem.services.rollout_impact import Impact
from tandem.storage.conversations import now
from tandem.storage.db import reading, transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents, rollout_changes, rollout_evaluations, rollout_modes
from tandem.types import AgentId

MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class Evidence:
    """One metric's finding behind an automatic step back, and what it meant for the queue."""

    metric: str
    ai_n: int
    ai_mean: float
    baseline_n: int
    baseline_mean: float
    low: float | None  # the always-valid interval of AI minus people
    high: float | None
    statistic: float
    threshold: float
    drop: bool
    extra_per_hour: float
    agents_online: int
    extra_agents: int | None

    @classmethod
    def of(cls, finding: Finding, effect: Impact) -> Evidence:
        f = finding
        return cls(
            f.metric, f.ai.n, f.ai.mean, f.baseline.n, f.baseline.mean, f.low, f.high,
            min(f.statistic, 1e12), f.threshold, f.drop, effect.extra_per_hour,
            effect.agents_online, effect.extra_agents,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Change:
    id: int
    topic: str
    setting: Setting
    previous: Setting
    changed_by: str | None  # an agent id; None: the system (the CLI, the evaluation, the demo)
    automatic: bool
    note: str
    changed_at: dt.datetime
    evidence: tuple[Evidence, ...] = field(default=())  # an automatic change: why
    changed_by_name: str | None = None  # the lead's name, as the history shows it


def current(connection: Connection) -> Modes:
    """Every topic's setting now: the stored ones over the shipped defaults."""
    settings = dict(DEFAULTS.shipped)
    for row in connection.execute(select(rollout_modes)).mappings():
        if row["topic"] in settings:
            settings[row["topic"]] = Setting(Mode(row["mode"]), row["percent"])
    return Modes(settings)


def modes(engine: Engine) -> Modes:
    with reading(engine) as connection:
        return current(connection)


def check_note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note: say why the mode changes")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"note: at most {MAX_NOTE} characters")
    return text


def change(
    engine: Engine,
    topics: Iterable[str],
    setting: Setting,
    note: str | None,
    by: AgentId | None,
    automatic: bool = False,
    evidence: Sequence[Evidence] = (),
    expected: Setting | None = None,
) -> list[Change]:
    """Put `topics` in `setting`, as one transaction (all or nothing); a topic already in it is
    left alone and not recorded. `evidence` (the guardrail's findings) is kept beside each
    change made. With `expected` (the guardrail's step back), a topic no longer in that setting
    is left alone: a lead or another process changed it meanwhile. Changes from every process
    run one at a time. Returns the changes made."""
    chosen = [check_topic(topic) for topic in topics]
    why = check_note(note)
    made: list[Change] = []
    with transaction(engine) as connection:
        serialise(connection, "rollout-change")
        before = current(connection)
        stored = set(connection.execute(select(rollout_modes.c.topic)).scalars())
        moment = now()
        for topic in chosen:
            previous = before.of(topic)
            if previous == setting or (expected is not None and previous != expected):
                continue
            values = {"mode": setting.mode.value, "percent": setting.percent, "changed_at": moment}
            if topic in stored:
                where = rollout_modes.c.topic == topic
                connection.execute(update(rollout_modes).where(where).values(**values))
            else:
                connection.execute(insert(rollout_modes).values(topic=topic, **values))
            row = {
                "topic": topic,
                "mode": setting.mode.value,
                "percent": setting.percent,
                "previous_mode": previous.mode.value,
                "previous_percent": previous.percent,
                "changed_by": by,
                "automatic": automatic,
                "note": why,
                "changed_at": moment,
            }
            result = connection.execute(insert(rollout_changes).values(**row))
            key = result.inserted_primary_key
            identity = int(key[0]) if key is not None else 0
            if evidence:
                rows = [{"change_id": identity, **fields(e)} for e in evidence]
                connection.execute(insert(rollout_evaluations), rows)
            kept = tuple(evidence)
            made.append(
                Change(identity, topic, setting, previous, by, automatic, why, moment, kept)
            )
    return made


def kill(engine: Engine, topic: str | None, note: str | None, by: AgentId | None) -> list[Change]:
    """The kill switch: one topic, or every topic, to `off` at once."""
    topics = ROLLOUT_TOPICS if topic is None else (topic,)
    return change(engine, topics, Setting(Mode.OFF), note, by)


def history(connection: Connection, limit: int = 200) -> list[Change]:
    """Newest first."""
    query = (
        select(rollout_changes, agents.c.name.label("changed_by_name"))
        .outerjoin(agents, agents.c.id == rollout_changes.c.changed_by)
        .order_by(rollout_changes.c.id.desc())
        .limit(limit)
    )
    rows = connection.execute(query).mappings().all()
    found = _evidence(connection, [row["id"] for row in rows if row["automatic"]])
    return [
        Change(
            row["id"],
            row["topic"],
            Setting(Mode(row["mode"]), row["percent"]),
            Setting(Mode(row["previous_mode"]), row["previous_percent"]),
            row["changed_by"],
            bool(row["automatic"]),
            row["note"],
            row["changed_at"],
            tuple(found.get(row["id"], ())),
            row["changed_by_name"],
        )
        for row in rows
    ]


def fields(evidence: Evidence) -> dict[str, object]:
    return {name: getattr(evidence, name) for name in Evidence.__dataclass_fields__}


def _evidence(connection: Connection, ids: list[int]) -> dict[int, list[Evidence]]:
    """The findings kept beside these changes, in the metrics' order."""
    if not ids:
        return {}
    e = rollout_evaluations.c
    query = select(rollout_evaluations).where(e.change_id.in_(ids)).order_by(e.id)
    found: dict[int, list[Evidence]] = {}
    for row in connection.execute(query).mappings():
        values = {name: row[name] for name in Evidence.__dataclass_fields__}
        found.setdefault(row["change_id"], []).append(Evidence(**values))
    return found


def ensure_demo_rollout(engine: Engine) -> list[Change]:
    """The demo's modes (every mode shown), once: only while no mode was ever changed."""
    with reading(engine) as connection:
        if connection.execute(select(rollout_changes.c.id).limit(1)).first() is not None:
            return []
    made: list[Change] = []
    for topic, setting in DEFAULTS.demo.items():
        made += change(engine, [topic], setting, "demo defaults", None)
    return made
