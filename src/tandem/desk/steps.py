"""One thing the AI tried, as the handoff card and its suggested next step read it."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.commerce.model import CommerceErrorCode
from tandem.domain.decision import Outcome
from tandem.understanding.topics import CATALOGUE


@dataclass(frozen=True, slots=True)
class AiStep:
    """A flow turn's topic (the intent it served) and outcome, from the recorded events."""

    intent: str
    outcome: Outcome
    order_id: str | None = None
    error: CommerceErrorCode | None = None  # why the shop refused or failed
    topic: str | None = None  # the turn's topic (catalogue/intents.yaml); else the intent's
    said: tuple[str, ...] = ()  # the keys of the replies the AI showed (templates/*.yaml)

    @property
    def subject(self) -> str:
        return label(self.topic, self.intent) + (f" of {self.order_id}" if self.order_id else "")


def label(topic: str | None, intent: str) -> str:
    """What the AI was doing, as an agent reads it: the topic's label (catalogue/intents.yaml)."""
    if topic is not None and topic in CATALOGUE.topics:
        return CATALOGUE.topics[topic]
    return CATALOGUE.label(intent)
