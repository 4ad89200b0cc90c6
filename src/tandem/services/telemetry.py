"""Operational metrics for the people who run Tandem, in the Prometheus text format.

Counts (messages by author, hand-overs by reason, the queue, agents online) are read from the
database when Prometheus scrapes, so every process answers the same; the turn latency
histogram is this process's own (each process is a scrape target of its own). Labels are
authors, reason codes and states only: never a customer's words, name, address or id.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from tandem.domain.conversation import EventKind, State
from tandem.services.agents import agents_online
from tandem.services.runtime import Runtime
from tandem.storage.db import reading
from tandem.storage.tables import conversations, events, messages

_PROCESS = CollectorRegistry(auto_describe=True)
#: How long the AI's turns take (this process), from the stored message to its replies.
TURN_SECONDS = Histogram(
    "tandem_turn_seconds",
    "Seconds an AI turn took, from the customer's stored message to the stored replies.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0),
    registry=_PROCESS,
)


class _Stored(Collector):
    """The figures read from the database at each scrape."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        said = CounterMetricFamily(
            "tandem_messages", "Messages stored, by author.", labels=["author"]
        )
        handed = CounterMetricFamily(
            "tandem_handoffs", "Hand-overs to a person, by reason code.", labels=["reason"]
        )
        states = GaugeMetricFamily(
            "tandem_conversations", "Conversations now, by owner state.", labels=["state"]
        )
        with reading(self.runtime.engine) as connection:
            by_author = connection.execute(
                select(messages.c.author, func.count()).group_by(messages.c.author)
            ).all()
            by_reason = connection.execute(
                select(events.c.reason, func.count())
                .where(events.c.kind == EventKind.HANDED_OFF.value)
                .group_by(events.c.reason)
            ).all()
            open_states = [s.value for s in State if s is not State.CLOSED]
            by_state: dict[str, int] = dict(
                connection.execute(
                    select(conversations.c.state, func.count())
                    .where(conversations.c.state.in_(open_states))
                    .group_by(conversations.c.state)
                ).all()
            )
            online = agents_online(connection)
        for author, count in by_author:
            said.add_metric([author], count)
        for reason, count in by_reason:
            handed.add_metric([reason or "unknown"], count)
        for state in open_states:
            states.add_metric([state], by_state.get(state, 0))
        yield said
        yield handed
        yield states
        yield GaugeMetricFamily(
            "tandem_queue_length",
            "Conversations waiting for a person.",
            value=by_state.get("queued", 0),
        )
        yield GaugeMetricFamily(
            "tandem_agents_online", "Agents seen in the last minutes.", value=online
        )


def exposition(runtime: Runtime) -> bytes:
    """Everything in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Stored(runtime))
    return generate_latest(registry) + generate_latest(_PROCESS)
