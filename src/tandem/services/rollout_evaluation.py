"""`tandem rollout evaluate`: how many conversations each topic's groups had (the sample sizes
the guardrails need), from the turns' ``decided`` events of the last days.

The guardrails themselves (the sequential comparison with people on CSAT, resolution and
re-contact, the automatic step back) need the per-conversation metrics (branch "metrics"); until
those are merged every topic's verdict is "hold": inconclusive never means "ship".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from tandem.domain.conversation import EventKind
from tandem.domain.rollout import ROLLOUT_TOPICS, Modes
from tandem.services import rollout
from tandem.storage.conversations import now
from tandem.storage.db import reading
from tandem.storage.tables import events

WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class TopicSample:
    topic: str
    mode: str
    ai: int  # conversations the AI answered on this topic
    people: int  # conversations a person got because of the roll-out (off, control, shadow)
    verdict: str


def tally(details: Iterable[Mapping[str, Any]]) -> dict[str, tuple[set[str], set[str]]]:
    """Per topic: the conversations (ids) the AI answered, and those given to a person."""
    found: dict[str, tuple[set[str], set[str]]] = {t: (set(), set()) for t in ROLLOUT_TOPICS}
    for detail in details:
        topic = detail.get("topic")
        if topic not in found or detail.get("rollout_mode") is None:
            continue
        ai, people = found[topic]
        reason = str(detail.get("reason", ""))
        (people if reason.startswith("rollout_") else ai).add(str(detail["conversation"]))
    return found


def evaluate(engine: Engine) -> list[TopicSample]:
    since = now() - WINDOW
    query = select(events.c.conversation_id, events.c.detail).where(
        events.c.kind == EventKind.DECIDED.value, events.c.created_at >= since
    )
    with reading(engine) as connection:
        rows = connection.execute(query).all()
        modes: Modes = rollout.current(connection)
    found = tally({**row.detail, "conversation": row.conversation_id} for row in rows)
    return [
        TopicSample(topic, modes.of(topic).describe(), len(ai), len(people), "hold")
        for topic, (ai, people) in found.items()
    ]


def report(samples: list[TopicSample]) -> str:
    lines = [f"{'topic':<18} {'mode':<12} {'AI':>6} {'people':>7}  verdict (last 7 days)"]
    for s in samples:
        lines.append(f"{s.topic:<18} {s.mode:<12} {s.ai:>6} {s.people:>7}  {s.verdict}")
    counts = Counter(s.verdict for s in samples)
    lines.append(f"{counts['hold']} topic(s) held: no automatic change was made.")
    return "\n".join(lines)
