"""The roll-out modes as stored: read at every turn, changed by leads, the kill switch and the
evaluation, each change kept in the history (who, when, why, automatic or not).

One owner: only this module writes ``rollout_modes`` and ``rollout_changes``. A turn reads the
modes in its first phase (one small query, no cache), so every server process applies a
change at its next turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from tandem.domain.errors import InvalidInput
from tandem.domain.rollout import DEFAULTS, ROLLOUT_TOPICS, Mode, Modes, Setting, check_topic
from tandem.storage.conversations import now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import rollout_changes, rollout_modes
from tandem.types import AgentId

MAX_NOTE = 500


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
) -> list[Change]:
    """Put `topics` in `setting`, as one transaction (all or nothing); a topic already in it is
    left alone and not recorded. Returns the changes made."""
    chosen = [check_topic(topic) for topic in topics]
    why = check_note(note)
    made: list[Change] = []
    with transaction(engine) as connection:
        before = current(connection)
        stored = set(connection.execute(select(rollout_modes.c.topic)).scalars())
        moment = now()
        for topic in chosen:
            previous = before.of(topic)
            if previous == setting:
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
            made.append(Change(identity, topic, setting, previous, by, automatic, why, moment))
    return made


def kill(engine: Engine, topic: str | None, note: str | None, by: AgentId | None) -> list[Change]:
    """The kill switch: one topic, or every topic, to `off` at once."""
    topics = ROLLOUT_TOPICS if topic is None else (topic,)
    return change(engine, topics, Setting(Mode.OFF), note, by)


def history(connection: Connection, limit: int = 200) -> list[Change]:
    """Newest first."""
    query = select(rollout_changes).order_by(rollout_changes.c.id.desc()).limit(limit)
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
        )
        for row in connection.execute(query).mappings()
    ]


def ensure_demo_rollout(engine: Engine) -> list[Change]:
    """The demo's modes (every mode shown), once: only while no mode was ever changed."""
    with reading(engine) as connection:
        if connection.execute(select(rollout_changes.c.id).limit(1)).first() is not None:
            return []
    made: list[Change] = []
    for topic, setting in DEFAULTS.demo.items():
        made += change(engine, [topic], setting, "demo defaults", None)
    return made
