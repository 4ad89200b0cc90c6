"""The guardrail's data: per topic and group (the AI, or people by the roll-out), the sample of
each metric since the topic's current step began, from the per-conversation summaries
(``conversation_metrics``, docs/metrics.md) in one query.

The five metrics, defined alike for both groups so they can be compared:

- CSAT: the score (1-5) of rated conversations;
- honest resolution: a closed conversation that was not abandoned in the queue, not unresolved
  (a complaint, a thumbs down or CSAT <= 2 on an AI-closed conversation), not rated <= 2 and
  not followed by a re-contact within 7 days; a hand-over to a person is *not* a failure here
  (people are the baseline);
- re-contact: a closed conversation followed by another on the same topic within 7 days;
- thumbs down: a closed conversation with a thumbs down (only the AI's messages can get one);
- complaints: a closed conversation in which a customer message was understood as a
  complaint (intent ``complaint``), whoever answered it (the summary's ``complained``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select

from tandem.domain.rollout_guard import COMPLAINTS, CSAT, HONEST, RECONTACT, THUMBS_DOWN, Sample
from tandem.storage.tables import conversation_metrics


@dataclass(frozen=True, slots=True)
class GroupSamples:
    conversations: int  # every conversation of the group in the step (open ones too)
    metrics: Mapping[str, Sample]


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def read(
    connection: Connection, since: Mapping[str, dt.datetime], window: dt.datetime
) -> dict[tuple[str, bool], GroupSamples]:
    """Per (topic, baseline?) the samples: the AI group's conversations opened since the
    topic's `since` (its current step), the people's since `window` (people's quality does not
    depend on the AI's step, so a topic `on` is judged against the people who answered it
    while it was `off`, in `shadow` or a pilot's control group)."""
    if not since:
        return {}
    m = conversation_metrics.c
    baseline = m.handoff_reason.like("rollout\\_%", escape="\\")
    closed = m.resolution != "open"
    honest = and_(
        closed,
        m.resolution.not_in(("abandoned", "unresolved")),
        ~m.recontacted,
        or_(m.csat.is_(None), m.csat > 2),
    )
    binary = {
        HONEST.name: _flag(honest),
        RECONTACT.name: _flag(and_(closed, m.recontacted)),
        THUMBS_DOWN.name: _flag(and_(closed, m.thumbs_down > 0)),
        COMPLAINTS.name: _flag(and_(closed, m.complained)),
    }
    columns = [
        func.count(),
        func.coalesce(func.sum(_flag(closed)), 0),
        func.count(m.csat),
        func.coalesce(func.sum(m.csat), 0),
        func.coalesce(func.sum(m.csat * m.csat), 0),
        *(func.coalesce(func.sum(flag), 0) for flag in binary.values()),
    ]
    in_step = or_(
        *(
            and_(m.topic == t, or_(m.created_at >= start, and_(baseline, m.created_at >= window)))
            for t, start in since.items()
        )
    )
    query = (
        select(m.topic, baseline.label("baseline"), *columns)
        .where(in_step)
        .group_by(m.topic, baseline)
    )
    found: dict[tuple[str, bool], GroupSamples] = {}
    for row in connection.execute(query).all():
        topic, base, count, ended, rated, total, squares, *flags = row
        samples = {CSAT.name: Sample(int(rated), float(total), float(squares))}
        for name, hits in zip(binary, flags, strict=True):
            samples[name] = Sample(int(ended), float(hits), float(hits))
        found[(str(topic), bool(base))] = GroupSamples(int(count), samples)
    return found


def queue_per_hour(connection: Connection, since: dt.datetime, until: dt.datetime) -> float:
    """Conversations handed to a person per hour (any topic, any reason) over the period."""
    m = conversation_metrics.c
    query = select(func.count()).where(m.handoff_reason.is_not(None), m.created_at >= since)
    count = connection.execute(query).scalar() or 0
    return int(count) / max((until - since).total_seconds() / 3600, 1.0)
