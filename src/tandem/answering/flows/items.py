"""Which of an order's items a message names, how many of each, and which variant it wants.

The understanding's product slots only know products it was told about, so the flows match the
message against the order itself: a line is named when a word of the message is close to its
product id ("hoodie", "socks") or a word of its product name ("sokken"); a number just before
that word ("2 pairs of socks", "twee sokken") is the quantity.

A line can also be named to leave it out: after a negation in the same clause ("not the socks",
"niet de sokken", "everything except the socks", "behalve de sokken", "zonder de sokken"), or
directly followed by one ("de sokken niet"); so can an item the customer keeps ("I'll keep the
hoodie", "de hoodie houd ik"). :func:`selected` turns what was named into a
selection: the lines named to keep ("only the hoodie" = just the hoodie), else everything left
but the lines left out; "all"/"alles"/"both"/"allebei" asks for everything left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process, utils

from tandem.answering.flows.base import FlowTurn
from tandem.answering.flows.item_words import item_words
from tandem.commerce.model import Order, OrderLine
from tandem.domain.flow_records import FlowRecord

#: rapidfuzz ratio (0..100) for a message word to count as a product word.
SIMILARITY = 80
#: How many words before the product word a quantity may stand.
QUANTITY_REACH = 3
#: A message this short that names an item is a pick, whatever verb it lacks.
SHORT_PICK = 4


@dataclass(frozen=True, slots=True)
class Wanted:
    line: OrderLine
    quantity: int | None  # None: not said
    excluded: bool = False  # named to be left out ("not the socks")


def left(line: OrderLine) -> int:
    return line.quantity - line.returned_quantity


def named_lines(text: str, order: Order) -> list[Wanted]:
    """The order's lines the message names, in the order's order, with a quantity if given and
    whether it was named to be left out."""
    clauses = [
        _words(clause) for clause in item_words().clause.split(text) if clause and clause.strip()
    ]
    items = {word for line in order.lines for word in _product_words(line)}
    found: dict[str, Wanted] = {}
    for line in order.lines:
        for words in clauses:
            position = _position(words, _product_words(line))
            if position is None:
                continue
            before = _quantity_words(words[:position])
            excluded = _negated(words[:position], items) or (
                position + 1 < len(words) and words[position + 1] in item_words().not_after
            )
            kept = found.get(line.variant_id)
            if kept is None or (kept.excluded and not excluded):  # kept once named to keep
                found[line.variant_id] = Wanted(line, _quantity(before), excluded)
    return [found[line.variant_id] for line in order.lines if line.variant_id in found]


def _negated(before: list[str], items: set[str]) -> bool:
    """Is a negation followed only by a list of items up to here ("zonder de mok en de")?"""
    vocabulary = item_words()
    for word in reversed(before):
        if word in vocabulary.not_before:
            return True
        listed = word in vocabulary.listing or word in vocabulary.numbers or word.isdigit()
        if not listed and not process.extractOne(
            word, list(items), scorer=fuzz.ratio, score_cutoff=SIMILARITY
        ):
            return False
    return False


def asks_all(text: str) -> bool:
    """Does the message ask for every item ("all of it", "alles", "both")?"""
    return bool(item_words().all & set(_words(text)))


def selected(text: str, order: Order) -> list[Wanted]:
    """The lines the message selects, each with the quantity said (None: all that is left).

    The lines named to keep; when none is (only some left out, or "all"), every line with
    something left except those left out. Nothing named and no "all": an empty list.
    """
    named = named_lines(text, order)
    kept = [wanted for wanted in named if not wanted.excluded]
    if kept:
        return kept
    if not named and not asks_all(text):
        return []
    out = {wanted.line.variant_id for wanted in named}
    return [Wanted(line, None) for line in order.lines if left(line) and line.variant_id not in out]


def picks_items(text: str, order: Order) -> bool:
    """Does the message pick items of `order` rather than ask for something new? It names an
    item and picks ("only", "not", "all", a quantity), or is short ("de hoodie"); "no, I want my
    money back for the hoodie" is a new request."""
    named = named_lines(text, order)
    if not named:
        return False
    if any(wanted.quantity for wanted in named):  # "then 2 pairs of socks": how many of it
        return True
    words = _words(text)
    vocabulary = item_words()
    cues = vocabulary.picking | vocabulary.not_before | vocabulary.not_after | vocabulary.all
    return bool(cues & set(words)) or len(words) <= SHORT_PICK


def _words(text: str) -> list[str]:
    return utils.default_process(text.replace("'", "")).split()


def wanted_variant(text: str, variants: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """The variants whose every option the message mentions ("size L" -> "L / grey" if grey is
    the only colour said, or all L variants when no colour is)."""
    said = utils.default_process(text).split()
    options = item_words().options
    words = {*said, *(options[w] for w in said if w in options)}  # "grijs" and "grey"
    scored = [(_options_said(name, words), (vid, name, stock)) for vid, name, stock in variants]
    best = max((score for score, _ in scored), default=0)
    return [variant for score, variant in scored if score == best] if best else []


def _options_said(variant_name: str, words: set[str]) -> int:
    options = [utils.default_process(part) for part in variant_name.split("/")]
    return sum(option in words for option in options)


def _product_words(line: OrderLine) -> list[str]:
    words = [*line.product_id.split("-"), *utils.default_process(line.product_name).split()]
    filler = item_words().filler
    return [w for w in words if len(w) >= 3 and w not in filler and not w.isdigit()]


def _position(words: list[str], product_words: list[str]) -> int | None:
    for index, word in enumerate(words):
        if (
            len(word) >= 3
            and word not in item_words().filler
            and process.extractOne(word, product_words, scorer=fuzz.ratio, score_cutoff=SIMILARITY)
        ):
            return index
    return None


def _quantity_words(before: list[str]) -> list[str]:
    """The words a quantity may stand in: the last few, or those before "of"/"van" when the
    item is one "of the two jackets" ("één van de twee overhemden")."""
    near = before[-(QUANTITY_REACH + 2) :]
    parts = [i for i, word in enumerate(near) if word in item_words().of]
    if parts and _quantity(near[: parts[-1]]) is not None:
        return near[: parts[-1]]
    return before[-QUANTITY_REACH:]



def _quantity(before: list[str]) -> int | None:
    for word in reversed(before):
        if re.fullmatch(r"\d{1,3}", word):
            return int(word)
        if word in item_words().numbers:
            return item_words().numbers[word]
    return None


def with_order_of_items(
    turn: FlowTurn, kind: type[FlowRecord], statuses: frozenset[str]
) -> FlowTurn:
    """The turn with the order it is about remembered, when no order is named but the message
    names items that only one of the customer's orders (in `statuses`) has."""
    kept = turn.record.order_id if turn.record else None
    if turn.customer is None or turn.understanding.slots.order_ids or kept:
        return turn
    text = turn.understanding.text
    orders = [
        order
        for order in turn.shop.orders_of(turn.customer.id)
        if order.status.value in statuses and named_lines(text, order)
    ]
    if len(orders) != 1:
        return turn
    return turn.with_record(replace(turn.state(kind), order_id=orders[0].id))
