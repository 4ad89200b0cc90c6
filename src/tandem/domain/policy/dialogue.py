"""Whole conversations through understanding and the policy, without a database: what the
scenario runner scripts and what replay feeds from stored conversations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from tandem.domain.policy.engine import Engine
from tandem.domain.policy.facts import Facts
from tandem.domain.turns import (
    Attempt,
    Surroundings,
    Turn,
    TurnMemory,
    decide_turn,
    outcome_of,
    remember,
)
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Language
from tandem.understanding.result import Context, Understanding

#: How long the AI takes when a script does not say.
DEFAULT_ANSWER_MS = 400


class Understands(Protocol):
    """The understanding port (``tandem.understanding.pipeline.Understander`` implements it)."""

    def understand(self, text: str, context: Context) -> Understanding: ...


@dataclass(frozen=True, slots=True)
class CustomerTurn:
    """One customer message and what was true around it."""

    text: str
    around: Surroundings = field(default_factory=Surroundings)
    answer_key: str | None = None  # None: the intent and the order ids mentioned
    action_failed: bool = False
    answer_ms: int = DEFAULT_ANSWER_MS
    repeats_question: bool = False  # the AI would ask what it asked last, word for word
    #: The facts recorded when this message was decided (replay of stored conversations): the
    #: policy decides on them as they were, understanding and surroundings are not rebuilt.
    facts: Facts | None = None


@dataclass(frozen=True, slots=True)
class Exchange:
    understanding: Understanding
    turn: Turn


def _attempt(scripted: CustomerTurn, understanding: Understanding) -> Callable[[], Attempt]:
    """By default the same intent about the same orders gets the same answer."""
    key = scripted.answer_key or f"{understanding.intent}:{','.join(understanding.slots.order_ids)}"
    attempt = Attempt(
        key,
        scripted.action_failed,
        scripted.answer_ms,
        asks=scripted.repeats_question,
        repeats_question=scripted.repeats_question,
    )
    return lambda: attempt


def converse(
    engine: Engine, understander: Understands, turns: Iterable[CustomerTurn]
) -> Iterator[Exchange]:
    """Decide on each message in order, carrying the turn memory as the service does."""
    memory = TurnMemory()
    texts: tuple[str, ...] = ()
    language: Language | None = None
    for scripted in turns:
        if scripted.facts is not None:
            exchange = _as_recorded(engine, memory, scripted.text, scripted.facts)
            yield exchange
            memory, texts = exchange.turn.memory, (*texts, scripted.text)
            language = exchange.understanding.language
            continue
        context = Context(language, texts, memory.frustration)
        understanding = understander.understand(scripted.text, context)
        attempt = _attempt(scripted, understanding)
        turn = decide_turn(engine, memory, understanding, scripted.around, attempt)
        yield Exchange(understanding, turn)
        memory, texts, language = turn.memory, (*texts, scripted.text), understanding.language


def _as_recorded(engine: Engine, memory: TurnMemory, text: str, facts: Facts) -> Exchange:
    """Decide on recorded facts; the memory carries on from what they say."""
    decision = engine.decide(facts)
    spoken = facts.language in SUPPORTED_LANGUAGES
    language: Language = facts.language if spoken else DEFAULT_LANGUAGE
    understanding = Understanding(
        text, language, facts.intent, facts.confidence, facts.runner_up,
        facts.runner_up_confidence, facts.out_of_scope, facts.frustration,
    )  # fmt: skip
    turn = Turn(decision, facts, remember(memory, facts, outcome_of(decision, None), None))
    return Exchange(understanding, turn)
