"""The extractive summary of a conversation for the handoff card, when no LLM writes one.

Built from what understanding found per customer message: the first request, anything else
asked, and the latest request, in the conversation's language. "Asked where order TD-1001 is;
then asked for a person." A message the AI did not understand is quoted instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tandem.types import Language

#: Intents that say nothing about what the customer needs.
SMALL_TALK = frozenset({"greeting", "thanks", "goodbye", "affirm", "deny"})
MIN_CONFIDENCE = 0.5  # below it, the message is quoted rather than named by its intent
QUOTE_CHARS = 80

Phrase = tuple[str, str]  # (verb, the rest); "{order}" in the rest names the order


@dataclass(frozen=True, slots=True)
class Wording:
    """One language's words for a summary; a new language is one more instance."""

    intents: dict[str, Phrase]
    quote: Phrase  # "{text}" stands for the quoted message
    order: str  # "{id}" stands for the order id
    some_order: str  # when no order is known for the request: says so, never guesses
    also: str  # joins a further request: "{verb}", "{rest}"
    then: str  # joins the latest request
    nothing: str  # no customer message yet


WORDINGS: dict[Language, Wording] = {
    "en": Wording(
        intents={
            "where_is_my_order": ("asked", "where {order} is"),
            "delivery_time": ("asked", "about delivery times"),
            "return_item": ("wanted", "to return {order}"),
            "refund_status": ("asked", "about the refund for {order}"),
            "cancel_order": ("wanted", "to cancel {order}"),
            "change_address": ("wanted", "to change the address of {order}"),
            "change_payment_method": ("wanted", "to change the payment method of {order}"),
            "exchange_item": ("wanted", "to exchange an item of {order}"),
            "payment_problem": ("reported", "a payment problem with {order}"),
            "double_charge": ("reported", "being charged twice for {order}"),
            "invoice": ("asked", "for the invoice of {order}"),
            "warranty": ("asked", "about the warranty"),
            "opening_hours": ("asked", "about opening hours"),
            "return_policy": ("asked", "about the return policy"),
            "refund_policy": ("asked", "how refunds work"),
            "cancellation_policy": ("asked", "about cancelling orders"),
            "payment_options": ("asked", "which payment methods are accepted"),
            "complaint": ("complained", ""),
            "talk_to_person": ("asked", "for a person"),
            "reject_answer": ("said", "the answer did not help"),
        },
        quote=("wrote", '"{text}"'),
        order="order {id}",
        some_order="an order not known yet",
        also="also {verb} {rest}",
        then="then {verb} {rest}",
        nothing="The customer has not written yet.",
    ),
    "nl": Wording(
        intents={
            "where_is_my_order": ("vroeg", "waar {order} is"),
            "delivery_time": ("vroeg", "naar de levertijd"),
            "return_item": ("wilde", "{order} retourneren"),
            "refund_status": ("vroeg", "naar de terugbetaling van {order}"),
            "cancel_order": ("wilde", "{order} annuleren"),
            "change_address": ("wilde", "het adres van {order} wijzigen"),
            "change_payment_method": ("wilde", "de betaalmethode van {order} wijzigen"),
            "exchange_item": ("wilde", "een artikel van {order} ruilen"),
            "payment_problem": ("meldde", "een betaalprobleem met {order}"),
            "double_charge": ("meldde", "dat {order} twee keer is afgeschreven"),
            "invoice": ("vroeg", "om de factuur van {order}"),
            "warranty": ("vroeg", "naar de garantie"),
            "opening_hours": ("vroeg", "naar de openingstijden"),
            "return_policy": ("vroeg", "naar het retourbeleid"),
            "refund_policy": ("vroeg", "hoe terugbetalen werkt"),
            "cancellation_policy": ("vroeg", "naar annuleren van bestellingen"),
            "payment_options": ("vroeg", "welke betaalmethodes er zijn"),
            "complaint": ("diende", "een klacht in"),
            "talk_to_person": ("vroeg", "om een medewerker"),
            "reject_answer": ("zei", "dat het antwoord niet hielp"),
        },
        quote=("schreef", '"{text}"'),
        order="bestelling {id}",
        some_order="een nog onbekende bestelling",
        also="{verb} ook {rest}",
        then="{verb} daarna {rest}",
        nothing="De klant heeft nog niets geschreven.",
    ),
}


@dataclass(frozen=True, slots=True)
class Request:
    """A customer message as the summary sees it."""

    text: str
    intent: str | None
    confidence: float | None
    order_id: str | None  # named in the message, or the only order in question


def extractive_summary(language: Language, requests: Sequence[Request]) -> str:
    wording = WORDINGS.get(language, WORDINGS["en"])
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
