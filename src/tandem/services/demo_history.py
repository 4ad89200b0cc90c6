"""Eight weeks of past conversations for the demo, so a new user sees a full dashboard.

Played with a fixed seed through the same storage functions as live traffic
(:func:`create_conversation`, :meth:`ConversationUnit.say` / ``move`` / ``record_event``,
the ratings table), each step stamped in the past with :func:`written_at`; the figures are
then summarised by the metrics' own refresh code, never written directly. Generated once: a
second run finds the first conversation of the seed and does nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, insert, select

from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.decided import Decided
from tandem.domain.decision import Reason
from tandem.services.closing import ENDED_BY_CUSTOMER, GOODBYE, IDLE
from tandem.storage import metrics as metrics_store
from tandem.storage.conversations import (
    ConversationUnit,
    create_conversation,
    find_conversation,
    written_at,
)
from tandem.storage.db import transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents, ratings
from tandem.types import SUPPORTED_LANGUAGES, AgentId, ConversationId, Language
from tandem.understanding.result import Understanding

SEED = 20261202
DAYS = 56
#: Every reason a hand-over can carry (ROUTINE is the AI's own, never a hand-over's).
HANDOFF_REASONS = tuple(r.value for r in Reason if r is not Reason.ROUTINE)
#: topic -> (intent, weight); what customers say about it is data (demo_history.yaml)
TOPICS: dict[str, tuple[str, int]] = {
    "order_status": ("where_is_my_order", 22),
    "delivery": ("delivery_time", 12),
    "returns": ("return_item", 14),
    "refunds": ("refund_status", 10),
    "cancellations": ("cancel_order", 7),
    "address_changes": ("change_address", 4),
    "exchanges": ("exchange_item", 4),
    "payments": ("payment_problem", 8),
    "invoices": ("invoice", 5),
    "general": ("warranty", 6),
    "complaints": ("complaint", 4),
}
SCRIPTS_FILE = Path(__file__).with_name("demo_history.yaml")


@functools.cache
def scripts() -> dict[Language, dict[str, Any]]:
    """What each language's customers, assistant and agents say: the languages of the file
    that Tandem speaks, in the file's order."""
    data: dict[str, dict[str, Any]] = yaml.safe_load(SCRIPTS_FILE.read_text(encoding="utf-8"))
    return {code: texts for code, texts in data.items() if code in SUPPORTED_LANGUAGES}


@dataclass(frozen=True, slots=True)
class Customer:
    email: str | None  # None: a guest
    language: Language


#: The demo history's conversation ids: name-based (uuid5), so never those of random uuids.
NAMESPACE = uuid.UUID("6f1d2c4e-7a3b-5c9d-8e0f-1a2b3c4d5e6f")


def conversation_id(seed: int, n: int) -> ConversationId:
    return ConversationId(str(uuid.uuid5(NAMESPACE, f"demo-history:{seed}:{n}")))


def first_id(seed: int = SEED) -> ConversationId:
    return conversation_id(seed, 0)


def generate(engine: Engine, today: dt.date, seed: int = SEED, days: int = DAYS) -> int:
    """Play ``days`` days of conversations up to yesterday; the number played (0 when the
    history of this seed is already there)."""
    with transaction(engine) as connection:
        serialise(connection, "demo history")  # two servers starting together play it once
        if find_conversation(connection, first_id(seed)) is not None:
            return 0
        people = _agents(connection)
        if not people:
            return 0
        played = _Player(connection, seed, people).play(today, days)
    _summarise(engine, played)
    return len(played)


def _agents(connection: Connection) -> list[AgentId]:
    query = select(agents.c.id).where(agents.c.role == "agent").order_by(agents.c.email)
    return [AgentId(a) for a in connection.execute(query).scalars()]


def _summarise(engine: Engine, played: Sequence[tuple[str, dt.datetime]]) -> None:
    """The metrics' summaries of the played conversations, by the metrics' own refresh code
    (their change stamps lie in the past, before any summary a live server made)."""
    days: set[dt.date] = set()
    for start in range(0, len(played), metrics_store.CHUNK):
        with transaction(engine) as connection:
            chunk = played[start : start + metrics_store.CHUNK]
            days |= metrics_store.refresh_chunk(connection, chunk, 7)
    with transaction(engine) as connection:
        metrics_store.rebuild_days(connection, days)


class _Player:
    def __init__(self, connection: Connection, seed: int, people: list[AgentId]) -> None:
        self.connection, self.people = connection, people
        self.seed, self.count = seed, 0
        self.rng = random.Random(seed)
        self.clock = dt.datetime.now(dt.UTC)
        self.languages = list(scripts())
        self.shares = [int(scripts()[code]["share"]) for code in self.languages]
        spoken = random.Random(seed + 1).choices(self.languages, self.shares, k=320)
        self.customers = [
            Customer(str(scripts()[code]["email"]).format(n=n), code)
            for n, code in enumerate(spoken, start=1)
        ]
        self.last_topic: dict[str, tuple[str, dt.datetime]] = {}
        self.reasons = list(HANDOFF_REASONS)  # each once first, then drawn
        self.played: list[tuple[str, dt.datetime]] = []

    def play(self, today: dt.date, days: int) -> list[tuple[str, dt.datetime]]:
        for back in range(days, 0, -1):
            day = today - dt.timedelta(days=back)
            weekend = day.weekday() >= 5
            progress = 1 - back / days  # the AI gets better over the eight weeks
            count = self.rng.randint(6, 9) if weekend else self.rng.randint(11, 16)
            opens = sorted(self.rng.uniform(7.5, 22.5) for _ in range(count))
            for hour in opens:
                at = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(hours=hour)
                self._conversation(at, progress)
        return self.played

    def _new_id(self) -> ConversationId:
        self.count += 1
        return conversation_id(self.seed, self.count - 1)

    def _customer(self, at: dt.datetime) -> tuple[Customer, str]:
        rng = self.rng
        if rng.random() < 0.2:
            customer = Customer(None, rng.choices(self.languages, self.shares)[0])
        else:
            customer = rng.choice(self.customers)
        topics = list(TOPICS)
        topic = rng.choices(topics, weights=[TOPICS[t][1] for t in topics])[0]
        earlier = self.last_topic.get(customer.email or "")
        if earlier and at - earlier[1] < dt.timedelta(days=6) and rng.random() < 0.6:
            topic = earlier[0]  # back about the same thing: a re-contact
        if customer.email:
            self.last_topic[customer.email] = (topic, at)
        return customer, topic

    def _conversation(self, at: dt.datetime, progress: float) -> None:
        rng = self.rng
        customer, topic = self._customer(at)
        cid = self._new_id()
        with written_at(at):
            create_conversation(
                self.connection, cid, uuid.UUID(int=rng.getrandbits(128)).hex, customer.language,
                customer.email, {"channel": "widget"},
            )  # fmt: skip
        self.clock = at
        unit = ConversationUnit.load(self.connection, cid)
        with unit.batched():
            band = rng.random()
            human_only = band < 0.08
            handed = not human_only and band < 0.08 + 0.36 - 0.14 * progress
            if topic == "complaints" and rng.random() < 0.7:
                handed = not human_only
            if human_only:
                self._ask(unit, topic, "handoff", self._reason(preferred="customer_request"))
                self._person(unit, topic)
            else:
                for _ in range(rng.randint(1, 3)):
                    self._ask(unit, topic, "answer", None)
                if handed:
                    self._ask(unit, topic, "handoff", self._reason())
                    self._person(unit, topic)
                else:
                    self._ai_ends(unit, progress)
        self.played.append((cid, self.clock))

    def _at(self, seconds: float) -> AbstractContextManager[None]:
        self.clock += dt.timedelta(seconds=seconds)
        return written_at(self.clock)

    def _reason(self, preferred: str | None = None) -> str:
        if self.reasons:
            return self.reasons.pop(0)
        if preferred and self.rng.random() < 0.5:
            return preferred
        weights = [5 if r in ("customer_request", "frustration", "complaint") else 1
                   for r in HANDOFF_REASONS]  # fmt: skip
        return self.rng.choices(HANDOFF_REASONS, weights=weights)[0]

    def _ask(self, unit: ConversationUnit, topic: str, action: str, reason: str | None) -> None:
        rng, language = self.rng, unit.conversation.language
        intent, _ = TOPICS[topic]
        calm = 0.7 if reason in ("frustration", "complaint") else 0.25
        text = scripts()[language]["questions"][topic]
        understood = Understanding(
            text, language, intent, 0.9, "oos", 0.05, False, round(rng.uniform(0, calm), 2)
        )
        with self._at(rng.uniform(8, 60)):
            said = unit.say(Actor.CUSTOMER, text, understanding=understood)
        handoff = action == "handoff"
        decided = Decided(
            message=said.offset,
            topic=topic,
            intent=intent,
            confidence=round(rng.uniform(0.6, 0.99), 2),
            action=action,
            reason=reason or "routine",
            rule=reason or "answer",
            policy_version=1,
            outcome=None if handoff else "answered",
            turn_outcome="handoff" if handoff else "answered",
            order_id=None,
        )
        with self._at(rng.uniform(0.6, 2.4)):
            unit.record_event(EventKind.DECIDED, Actor.AI, reason=decided.reason,
                              detail=decided.to_detail())  # fmt: skip
            said_by_ai = scripts()[language]["handing" if handoff else "answer"]
            unit.say(Actor.AI, said_by_ai, answer=not handoff)
            if handoff:
                unit.move(State.QUEUED, Actor.AI, reason or "customer_request")

    def _person(self, unit: ConversationUnit, topic: str) -> None:
        rng, language = self.rng, unit.conversation.language
        if rng.random() < 0.07:  # gave up waiting
            with self._at(rng.uniform(180, 900)):
                unit.move(State.CLOSED, Actor.CUSTOMER, ENDED_BY_CUSTOMER)
            return
        agent = rng.choice(self.people)
        with self._at(rng.uniform(20, 420)):
            unit.move(State.HUMAN, Actor.AGENT, "taken", agent_id=agent)
        for _ in range(rng.randint(1, 3)):
            with self._at(rng.uniform(40, 240)):
                unit.say(Actor.AGENT, scripts()[language]["agent"], agent_id=agent)
        with self._at(rng.uniform(60, 300)):
            unit.move(State.CLOSED, Actor.AGENT, "closed_by_agent", agent_id=agent)
        happy = 0.75 if topic != "complaints" else 0.4
        self._feedback(unit, happy)

    def _ai_ends(self, unit: ConversationUnit, progress: float) -> None:
        rng = self.rng
        pleased = 0.72 + 0.16 * progress
        if rng.random() < 0.45:
            with self._at(rng.uniform(5, 40)):
                offset = unit.conversation.message_count
                up = rng.random() < pleased
                unit.record_event(EventKind.THUMBS, Actor.CUSTOMER,
                                  detail={"message": offset, "up": up})  # fmt: skip
        ending = rng.random()
        if ending < 0.4:
            with self._at(rng.uniform(10, 60)):
                unit.say(Actor.CUSTOMER, scripts()[unit.conversation.language]["thanks"])
                unit.move(State.CLOSED, Actor.CUSTOMER, GOODBYE)
        else:
            reason = ENDED_BY_CUSTOMER if ending < 0.7 else IDLE
            actor = Actor.CUSTOMER if reason == ENDED_BY_CUSTOMER else Actor.SYSTEM
            with self._at(rng.uniform(60, 1800)):
                unit.move(State.CLOSED, actor, reason)
        self._feedback(unit, pleased)

    def _feedback(self, unit: ConversationUnit, happy: float) -> None:
        rng = self.rng
        if rng.random() >= 0.4:
            return
        score = rng.choice((4, 5, 5)) if rng.random() < happy else rng.choice((1, 2, 3))
        with self._at(rng.uniform(5, 30)):
            self.connection.execute(
                insert(ratings).values(conversation_id=unit.conversation.id, score=score,
                                       comment=None, created_at=self.clock)
            )  # fmt: skip
            unit.record_event(EventKind.RATED, Actor.CUSTOMER, detail={"score": score})
        if rng.random() < 0.5:
            nps = min(10, max(0, score * 2 + rng.randint(-1, 1)))
            with self._at(rng.uniform(3, 20)):
                unit.record_event(EventKind.NPS, Actor.CUSTOMER, detail={"score": nps})
