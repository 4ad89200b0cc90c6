"""The extractive summary of a conversation for the handoff card, when no LLM writes one.

Built from what understanding found per customer message: the first request, anything else
asked, and the latest request, in the conversation's language. "Asked where order TD-1001 is;
then asked for a person." A message the AI did not understand is quoted instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tandem.languages import locale
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Language

#: Intents that say nothing about what the customer needs.
SMALL_TALK = frozenset({"greeting", "thanks", "goodbye", "affirm", "deny"})
MIN_CONFIDENCE = 0.5  # below it, the message is quoted rather than named by its intent
QUOTE_CHARS = 80

Phrase = tuple[str, str]  # (verb, the rest); "{order}" in the rest names the order


@dataclass(frozen=True, slots=True)
class Wording:
    """One language's words for a summary (the `summary` section of locales/<code>.yaml)."""

    intents: dict[str, Phrase]
    quote: Phrase  # "{text}" stands for the quoted message
    order: str  # "{id}" stands for the order id
    some_order: str  # when no order is known for the request: says so, never guesses
    also: str  # joins a further request: "{verb}", "{rest}"
    then: str  # joins the latest request
    nothing: str  # no customer message yet


@functools.cache
def _wording(language: Language) -> Wording:
    """The language's summary wording (locales/<code>.yaml); the default one for a code we do
    not speak."""
    code = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    data = locale(code).summary
    intents = {name: (str(verb), str(rest)) for name, (verb, rest) in data["intents"].items()}
    verb, rest = data["quote"]
    return Wording(
        intents=intents, quote=(str(verb), str(rest)), order=str(data["order"]),
        some_order=str(data["some_order"]), also=str(data["also"]), then=str(data["then"]),
        nothing=str(data["nothing"]),
    )  # fmt: skip


def wordings() -> Mapping[Language, Wording]:
    """Every language's summary wording."""
    return {language: _wording(language) for language in SUPPORTED_LANGUAGES}


@dataclass(frozen=True, slots=True)
class Request:
    """A customer message as the summary sees it."""

    text: str
    intent: str | None
    confidence: float | None
    order_id: str | None  # named in the message, or the only order in question


def extractive_summary(language: Language, requests: Sequence[Request]) -> str:
    wording = _wording(language)
    topical = [r for r in requests if r.intent not in SMALL_TALK] or list(requests)
    if not topical:
        return wording.nothing
    first, last = topical[0], topical[-1]
    seen = {_key(first), _key(last)}
    middle: list[Request] = []
    for request in topical[1:-1]:
        if _key(request) not in seen:
            seen.add(_key(request))
            middle.append(request)
    verb, rest = _phrase(wording, first)
    parts = [f"{verb} {rest}".strip()]
    parts += [_join(wording.also, _phrase(wording, r)) for r in middle]
    if last is not first and _key(last) != _key(first):
        parts.append(_join(wording.then, _phrase(wording, last)))
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def _key(request: Request) -> tuple[str | None, str | None]:
    return (request.intent, request.order_id) if _named(request) else (None, request.text)


def _named(request: Request) -> bool:
    return request.confidence is None or request.confidence >= MIN_CONFIDENCE


def _phrase(wording: Wording, request: Request) -> Phrase:
    phrase = wording.intents.get(request.intent or "") if _named(request) else None
    if phrase is None:
        text = " ".join(request.text.split())
        if len(text) > QUOTE_CHARS:
            text = text[: QUOTE_CHARS - 1].rstrip() + "…"
        verb, rest = wording.quote
        return verb, rest.format(text=text)
    order = wording.order.format(id=request.order_id) if request.order_id else wording.some_order
    verb, rest = phrase
    return verb, rest.format(order=order)


def _join(template: str, phrase: Phrase) -> str:
    verb, rest = phrase
    return " ".join(template.format(verb=verb, rest=rest).split())
