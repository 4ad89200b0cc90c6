"""Intents and the topic each belongs to: the one list, read from ``catalogue/intents.yaml``.

Code refers to intents and topics through this module. :func:`check_names` is how a part that
names intents (a flow, a summary wording, a policy) is checked at start: an unknown name is an
error that says where it was written, file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

INTENTS_FILE = Path(__file__).parent / "catalogue" / "intents.yaml"


class UnknownIntent(ValueError):
    """A name that is not an intent (or topic) of the catalogue; the message says where."""


@dataclass(frozen=True, slots=True)
class IntentCatalogue:
    topics: Mapping[str, str]  # topic -> how an agent reads it
    topic_of: Mapping[str, str]  # intent -> topic
    lines: Mapping[str, int]  # intent -> its line in the file

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(self.topic_of)

    def label(self, intent: str) -> str:
        """How an agent reads the topic of `intent` ("cancellation"); unknown: the name."""
        topic = self.topic_of.get(intent)
        return self.topics[topic] if topic else intent.replace("_", " ")


def load_intents(path: Path = INTENTS_FILE) -> IntentCatalogue:
    """Read and check the file: every intent's topic must be declared under `topics`."""
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text)
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not {"topics", "intents"} <= set(data):
        raise UnknownIntent(f"{path}: needs 'topics' and 'intents'")
    topics = {str(name): str(label) for name, label in data["topics"].items()}
    topic_of = {str(name): str(topic) for name, topic in data["intents"].items()}
    lines = _lines(root, "intents")
    for intent, topic in topic_of.items():
        if topic not in topics:
            where = f"{path}:{lines[intent]}"
            raise UnknownIntent(f"{where}: intent {intent!r}: unknown topic {topic!r}")
    return IntentCatalogue(topics, topic_of, lines)


def _lines(root: yaml.Node | None, section: str) -> dict[str, int]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == section and isinstance(value, yaml.MappingNode):
            return {name.value: name.start_mark.line + 1 for name, _ in value.value}
    return {}


CATALOGUE = load_intents()
#: The intent names, in the file's order; "oos" means out of scope.
INTENTS: tuple[str, ...] = CATALOGUE.intents
TOPICS: tuple[str, ...] = tuple(CATALOGUE.topics)
OUT_OF_SCOPE = "oos"


def topic_of(intent: str) -> str:
    return CATALOGUE.topic_of.get(intent, CATALOGUE.topic_of[OUT_OF_SCOPE])


def check_names(names: Iterable[str], where: str) -> None:
    """Refuse any name that is not an intent; `where` is "file:line" of whoever wrote it."""
    unknown = sorted(set(names) - set(INTENTS))
    if unknown:
        raise UnknownIntent(f"{where}: unknown intent(s) {', '.join(map(repr, unknown))}")
