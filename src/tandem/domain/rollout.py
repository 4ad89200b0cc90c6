"""How far the AI may go on each topic: off, shadow, pilot (a share of customers) or on.

Pure: the modes, their validation, the sticky pilot assignment and the one decision a turn asks
("may the AI answer this topic for this customer?"). Storage and changes: services/rollout.py;
the shipped defaults: ``rollout_defaults.yaml`` next to this file; docs/rollout.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from tandem.domain.decision import Reason
from tandem.domain.errors import InvalidInput
from tandem.understanding.topics import TOPICS

DEFAULTS_FILE = Path(__file__).parent / "rollout_defaults.yaml"

#: Topics that are never rolled out: greeting, identifying, asking for a person, out of scope.
ALWAYS_ON = frozenset({"conversation", "out_of_scope"})
#: The topics a lead can put in a mode, in the catalogue's order.
ROLLOUT_TOPICS: tuple[str, ...] = tuple(t for t in TOPICS if t not in ALWAYS_ON)


class Mode(StrEnum):
    OFF = "off"  # a person handles the topic; the AI greets, identifies and hands over
    SHADOW = "shadow"  # a person answers; the AI drafts the answer (and action) for them
    PILOT = "pilot"  # `percent` of customers get the AI, the rest (the control group) a person
    ON = "on"  # the AI handles the topic


class Group(StrEnum):
    PILOT = "pilot"
    CONTROL = "control"


@dataclass(frozen=True, slots=True)
class Setting:
    """One topic's mode; `percent` only (and always) for a pilot."""

    mode: Mode
    percent: int | None = None

    @classmethod
    def of(cls, mode: str, percent: object = None) -> Setting:
        """Validate a mode as given by a person or a file (the error names the field)."""
        try:
            chosen = Mode(mode)
        except ValueError:
            allowed = ", ".join(m.value for m in Mode)
            raise InvalidInput(f"mode: {mode!r} is not one of {allowed}") from None
        if chosen is not Mode.PILOT:
            if percent is not None:
                raise InvalidInput("percent: only a pilot has a percentage")
            return cls(chosen)
        if percent is None:
            raise InvalidInput("percent: a pilot needs a percentage (0-100)")
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise InvalidInput("percent: must be a whole number from 0 to 100")
        return cls(chosen, percent)

    def describe(self) -> str:
        return f"pilot {self.percent}%" if self.mode is Mode.PILOT else self.mode.value


ON = Setting(Mode.ON)


def check_topic(topic: str) -> str:
    if topic not in ROLLOUT_TOPICS:
        raise InvalidInput(f"topic: {topic!r} is not one of {', '.join(ROLLOUT_TOPICS)}")
    return topic


def share(topic: str, subject: str) -> float:
    """Where `subject` (a customer, or a guest's conversation) falls in [0, 100) for `topic`:
    fixed, so a customer never flips group while the percentage stays, and a higher percentage
    only adds customers to the pilot."""
    digest = hashlib.sha256(f"{topic}\x00{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100


@dataclass(frozen=True, slots=True)
class Gate:
    """What the AI may do on this turn's topic, for this customer."""

    topic: str
    mode: Mode
    group: Group | None  # only in a pilot
    reason: Reason | None  # why a person answers instead; None: the AI answers

    @property
    def ai_answers(self) -> bool:
        return self.reason is None

    @property
    def drafts(self) -> bool:
        """The AI prepares its answer for the agent instead of sending it."""
        return self.mode is Mode.SHADOW


def gate(topic: str, setting: Setting, subject: str) -> Gate:
    if topic in ALWAYS_ON:
        return Gate(topic, Mode.ON, None, None)
    if setting.mode is Mode.ON:
        return Gate(topic, Mode.ON, None, None)
    if setting.mode is Mode.OFF:
        return Gate(topic, Mode.OFF, None, Reason.ROLLOUT_OFF)
    if setting.mode is Mode.SHADOW:
        return Gate(topic, Mode.SHADOW, None, Reason.ROLLOUT_SHADOW)
    if share(topic, subject) < (setting.percent or 0):
        return Gate(topic, Mode.PILOT, Group.PILOT, None)
    return Gate(topic, Mode.PILOT, Group.CONTROL, Reason.ROLLOUT_PILOT_CONTROL)


@dataclass(frozen=True, slots=True)
class Draft:
    """In shadow mode, what the AI would have said and done, on the card for the agent."""

    message: int  # the customer message it answers
    topic: str
    texts: list[str]
    action: dict[str, Any] | None  # the shop change it proposes; performed only on a click
    flow: str | None
    outcome: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        return cls(
            int(data["message"]), str(data["topic"]), [str(t) for t in data["texts"]],
            data.get("action"), data.get("flow"), str(data.get("outcome", "")),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Modes:
    """Every topic's setting as it stands: stored changes over the defaults."""

    settings: Mapping[str, Setting]

    def of(self, topic: str) -> Setting:
        return self.settings.get(topic, ON)

    def gate(self, topic: str, subject: str) -> Gate:
        return gate(topic, self.of(topic), subject)


@dataclass(frozen=True, slots=True)
class Defaults:
    shipped: Mapping[str, Setting]  # a new installation
    demo: Mapping[str, Setting]  # the demo: every mode shown


def load_defaults(path: Path = DEFAULTS_FILE) -> Defaults:
    data = yaml.safe_load(path.read_text("utf-8"))
    return Defaults(_section(data, "shipped", path), _section(data, "demo", path))


def _section(data: object, name: str, path: Path) -> dict[str, Setting]:
    if not isinstance(data, dict) or not isinstance(data.get(name), dict):
        raise InvalidInput(f"{path}: needs a '{name}' mapping")
    section: dict[str, object] = data[name]
    fallback = section.get("*")
    settings: dict[str, Setting] = {}
    for topic in ROLLOUT_TOPICS:
        value = section.get(topic, fallback)
        if not isinstance(value, dict):
            raise InvalidInput(f"{path}: {name}.{topic}: needs a mode")
        settings[topic] = Setting.of(str(value.get("mode")), value.get("percent"))
    unknown = set(section) - {*ROLLOUT_TOPICS, "*"}
    if unknown:
        raise InvalidInput(f"{path}: {name}: unknown topic(s) {', '.join(sorted(unknown))}")
    return settings


DEFAULTS = load_defaults()
