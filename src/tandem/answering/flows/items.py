"""Which of an order's items a message names, how many of each, and which variant it wants.

The understanding's product slots only know products it was told about, so the flows match the
message against the order itself: a line is named when a word of the message is close to its
product id ("hoodie", "socks") or a word of its product name ("sokken"); a number just before
that word ("2 pairs of socks", "twee sokken") is the quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process, utils

from tandem.answering.flows.base import FlowTurn
from tandem.commerce.model import Order, OrderLine
from tandem.domain.flow_records import FlowRecord

#: rapidfuzz ratio (0..100) for a message word to count as a product word.
SIMILARITY = 80
#: How many words before the product word a quantity may stand.
QUANTITY_REACH = 3
_NUMBER_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
}
_FILLER = frozenset({"pairs", "pair", "paar", "set", "cm", "and", "the", "van", "met"})
#: Size words customers use for the one-letter sizes of the shop's variants.
_SIZE_WORDS = {
    "small": "s",
    "medium": "m",
    "large": "l",
    "extra": "xl",
    "xlarge": "xl",
    "grijs": "grey",
    "gray": "grey",
    "groen": "green",
    "zwart": "black",
    "wit": "white",
    "blauw": "blue",
    "bruin": "brown",
    "marine": "navy",
    "roze": "pink",
    "oker": "ochre",
}


@dataclass(frozen=True, slots=True)
class Wanted:
    line: OrderLine
    quantity: int | None  # None: not said


def left(line: OrderLine) -> int:
    return line.quantity - line.returned_quantity


def named_lines(text: str, order: Order) -> list[Wanted]:
    """The order's lines the message names, in the order's order, with a quantity if given."""
    words = utils.default_process(text).split()
    found: list[Wanted] = []
    for line in order.lines:
        position = _position(words, _product_words(line))
        if position is not None:
            before = words[max(0, position - QUANTITY_REACH) : position]
            found.append(Wanted(line, _quantity(before)))
    return found


def wanted_variant(text: str, variants: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """The variants whose every option the message mentions ("size L" -> "L / grey" if grey is
    the only colour said, or all L variants when no colour is)."""
    words = {_SIZE_WORDS.get(w, w) for w in utils.default_process(text).split()}
    scored = [(_options_said(name, words), (vid, name, stock)) for vid, name, stock in variants]
    best = max((score for score, _ in scored), default=0)
    return [variant for score, variant in scored if score == best] if best else []


def _options_said(variant_name: str, words: set[str]) -> int:
    options = [utils.default_process(part) for part in variant_name.split("/")]
    return sum(option in words for option in options)


def _product_words(line: OrderLine) -> list[str]:
    words = [*line.product_id.split("-"), *utils.default_process(line.product_name).split()]
    return [w for w in words if len(w) >= 3 and w not in _FILLER and not w.isdigit()]


def _position(words: list[str], product_words: list[str]) -> int | None:
    for index, word in enumerate(words):
        if (
            len(word) >= 3
            and word not in _FILLER
            and process.extractOne(word, product_words, scorer=fuzz.ratio, score_cutoff=SIMILARITY)
        ):
            return index
    return None


def _quantity(before: list[str]) -> int | None:
    for word in reversed(before):
        if re.fullmatch(r"\d{1,3}", word):
            return int(word)
        if word in _NUMBER_WORDS:
            return _NUMBER_WORDS[word]
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
