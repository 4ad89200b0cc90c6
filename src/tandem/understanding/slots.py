"""Details in a message: order numbers, emails, postcodes, amounts, dates and products.

Order numbers are normalised to the shop's ``TD-1001`` form from "TD-1001", "td1001",
"TD 1001", "#1001" or a bare number after an order word ("order 1002", "bestelling 1002").
Postcodes are NL ("1012 AB", "1012AB", "1012ab"; lower-case letters only without a space, so
"2024 is" is not a postcode) and UK ("SW1A 1AA"), normalised to upper case with one space, and
numeric ones (Belgium, Germany, France, Switzerland: 4 or 5 digits) only where a number cannot be
anything else: named by a catalogue detail word ("code postal 4000", "PLZ 4700") or given right
next to an order number or e-mail address ("TD-4001, 75011"; "claire@example.fr 4000"). A bare
number with as many digits as the order number before it, listed after it ("TD-1001 and 1002",
"TD-1001, 1002", "Bestellungen 1001 und 1002": a catalogue `order_list_words` word, a comma,
slash, "&" or a space between), is a second order number; of 4 or 5 digits it may also be a
postcode (``Slots.order_or_postcode``, as is a message that is only such a number: "4000"),
read as one only while the identity check awaits one.
Amounts need a currency sign or word; a comma or dot followed by one or two final digits is the
decimal separator ("€ 49,95", "£1,250.00", "49.95 euro"). Products are the customer's own,
matched fuzzily by name or exactly by id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

from tandem.security.redaction import MASKS
from tandem.understanding.catalogue import Catalogue
from tandem.understanding.dates import DateFinder
from tandem.understanding.result import Context, Slots

_T = TypeVar("_T")

#: Order-id prefix of the shop; "td1001" and "#1001" both become "TD-1001".
ORDER_PREFIX = "TD"
#: rapidfuzz ratio (0..100) a word needs to match a word of a product name.
PRODUCT_SIMILARITY = 80
#: Share of a product name's words (of 3+ letters) a message must mention.
PRODUCT_NAME_SHARE = 0.5
#: A name word this long that no other known product has names the product alone ("sokken").
DISTINCT_WORD = 5

#: An order number written as one: "TD-1001", "td1001", "TD 1001", "#1001".
_ORDER_ID = re.compile(rf"\b{ORDER_PREFIX}[\s-]?\d{{3,8}}\b|#\d{{3,8}}\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_NL_POSTCODE = re.compile(
    r"\b([1-9]\d{3}) ?((?!SA|SD|SS)[A-Z]{2})\b|\b([1-9]\d{3})((?!sa|sd|ss)[a-z]{2})\b"
)
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b", re.IGNORECASE)
#: What may follow a catalogue's `detail_words` ("postcode 1012 AB", "my email is a@b.nl"): the
#: identifier they name, which they are masked with.
_NAMED = (
    rf"(?=(?:{_EMAIL.pattern}|\b[1-9]\d{{3}} ?[A-Za-z]{{2}}\b|{_UK_POSTCODE.pattern}"
    rf"|\b[1-9]\d{{3,4}}\b(?![.,:/-]\d)))"
)
_NUMBER = r"(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_CURRENCY = r"(?:€|£|\$|eur|euro|euros|gbp|usd|pounds?|dollars?)"
_AMOUNT = re.compile(rf"(?:{_CURRENCY}\s?{_NUMBER}|{_NUMBER}\s?{_CURRENCY})(?![\w])", re.IGNORECASE)
#: A 4- or 5-digit postcode right after an order number or e-mail address, or right before one
#: ("TD-4001, 4000", "4000 / TD-4001"); never part of a longer number, an amount, date or time.
_ID = rf"(?:{ORDER_PREFIX}[\s-]?\d{{3,8}}|#\d{{3,8}}|{_EMAIL.pattern})"
_JOIN = r"\s*[,;/]?\s*"
_DIGITS = rf"\b([1-9]\d{{3,4}})\b(?![.,:/-]?\d)(?!\s*{_CURRENCY})(?! ?[A-Za-z]{{2}}\b)"
_NUMERIC_POSTCODE = re.compile(
    rf"{_ID}{_JOIN}{_DIGITS}|(?<![\d.,:/-]){_DIGITS}{_JOIN}(?={_ID})", re.IGNORECASE
)
#: A message that is only a 4- or 5-digit number ("4000"): the postcode, when one was asked for.
_LONE = re.compile(r"^\s*([1-9]\d{3,4})\s*[.!]?\s*$")
#: What stands between listed order numbers besides a catalogue `order_list_words` word:
#: "," "/" "&" "+" or a space.
_LIST_MARK = r"\s*[,/&+]\s*|\s+"
#: A listed number: never part of a longer number, an amount, a date, a time or a Dutch postcode
#: (as _NL_POSTCODE reads one: "1012 AB", "1012ab"; "1002 en" is a number and a word).
_LISTED = rf"(\d{{3,8}})\b(?![.,:/-]?\d)(?!\s*{_CURRENCY})(?-i:(?! ?[A-Z]{{2}}\b)(?![a-z]{{2}}\b))"


class SlotExtractor:
    def __init__(self, catalogue: Catalogue) -> None:
        words = {w for lang in catalogue.languages.values() for w in lang.order_words}
        alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        self._order = re.compile(
            rf"\b{ORDER_PREFIX}[\s-]?(\d{{3,8}})\b|#(\d{{3,8}})\b"
            rf"|\b(?:{alternatives})(?:\s*(?:is|:))?\s*(?:#|nr\.?|no\.?)?\s*(\d{{3,8}})\b",
            re.IGNORECASE,
        )
        joins = {w for lang in catalogue.languages.values() for w in lang.order_list_words}
        joined = "|".join(sorted(map(re.escape, joins), key=len, reverse=True))
        separator = rf"(?:\s+(?:{joined})\s+|{_LIST_MARK})" if joins else rf"(?:{_LIST_MARK})"
        self._next = re.compile(separator + _LISTED, re.IGNORECASE)
        self._dates = DateFinder(lang.dates for lang in catalogue.languages.values())
        # The words naming an identifier just before it are part of the identifier, not of the
        # request: "cancel it, postcode 1012 AB" asks no address change.
        named = {w for lang in catalogue.languages.values() for w in lang.detail_words}
        labels = "|".join(sorted(map(re.escape, named), key=len, reverse=True))
        self._label = re.compile(rf"\b(?:{labels})(?:\s*:)?\s*{_NAMED}", re.IGNORECASE)
        # A number a detail word names is a postcode ("code postal 4000", "PLZ 4700").
        self._named_postcode = re.compile(rf"\b(?:{labels})(?:\s*:)?\s*{_DIGITS}", re.IGNORECASE)

    def mask(self, text: str) -> str:
        """The message without its identifiers (order numbers, emails, postcodes) and the masks
        of payment details (``[card •••• 4242]``, see :mod:`tandem.security.redaction`).

        Intent is read from the words around them: "SW1A 1AA" alone asks for nothing, and
        "cancel TD-1003" asks the same as "cancel my order".
        """
        patterns = (MASKS, _NUMERIC_POSTCODE, self._named_postcode, _ORDER_ID, self._label,
                    _EMAIL, _NL_POSTCODE, _UK_POSTCODE)
        for pattern in patterns:
            text = pattern.sub(" ", text)
        return " ".join(text.split())

    def extract(self, text: str, context: Context) -> Slots:
        numbers = self._order_numbers(text)
        listed = {start: number for start, number, bare in numbers if bare}
        named = (m[1] for m in self._named_postcode.finditer(text))
        return Slots(
            order_ids=_unique(f"{ORDER_PREFIX}-{number}" for _, number, _ in numbers),
            emails=_unique(m[0].lower() for m in _EMAIL.finditer(text)),
            postcodes=postcodes(text, named, frozenset(listed)),
            order_or_postcode=_unique(
                [*(n for n in listed.values() if 4 <= len(n) <= 5), *_LONE.findall(text)]
            ),
            amounts=_unique(a for m in _AMOUNT.finditer(text) if (a := _amount(m)) is not None),
            dates=self._dates.find(text, context.today or dt.date.today()),
            product_refs=products(text, context.known_products),
        )

    def _order_numbers(self, text: str) -> list[tuple[int, str, bool]]:
        """(where, number, bare) of every order number in the text, in order: those written as
        one ("TD-1001", "order 1001") and the bare numbers listed after one ("TD-1001, 1002"),
        as long as each has as many digits as the order number it follows."""
        found: list[tuple[int, str, bool]] = []
        for match in self._order.finditer(text):
            number = next(g for g in match.groups() if g)
            found.append((match.start(), number, False))
            end = match.end()
            while (more := self._next.match(text, end)) and len(more[1]) == len(number):
                found.append((more.start(1), more[1], True))
                end = more.end()
        return found


def postcodes(
    text: str, named: Iterable[str] = (), listed: frozenset[int] = frozenset()
) -> tuple[str, ...]:
    """NL and UK postcodes anywhere; numeric ones where nothing else can be meant (`named`: the
    numbers a catalogue detail word names, "code postal 4000"; `listed`: where bare numbers
    listed after an order number start, which are order numbers, not postcodes)."""
    dutch = [f"{m[1] or m[3]} {(m[2] or m[4]).upper()}" for m in _NL_POSTCODE.finditer(text)]
    british = [f"{m[1]} {m[2]}".upper() for m in _UK_POSTCODE.finditer(text)]
    beside = [
        m[1] or m[2]
        for m in _NUMERIC_POSTCODE.finditer(text)
        if m.start(1 if m[1] else 2) not in listed
    ]
    return _unique([*dutch, *british, *named, *beside])


def products(text: str, known: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Ids of the known products whose id the text has, at least half of their name's words
    (each fuzzily, so "rain jaket" finds "Blue Rain Jacket"), or a long word of their name that
    no other known product's name has ("de sokken" finds "Merinowollen sokken (3 paar)")."""
    words = utils.default_process(text).split()
    found = [
        product_id
        for product_id, name in known
        if re.search(rf"(?<!\w){re.escape(product_id)}(?!\w)", text, re.IGNORECASE)
        or _name_share(name, words) >= PRODUCT_NAME_SHARE
        or _distinct_word(name, [other for pid, other in known if pid != product_id], words)
    ]
    return _unique(found)


def _distinct_word(name: str, others: list[str], words: list[str]) -> bool:
    shared = {w for other in others for w in utils.default_process(other).split()}
    own = [w for w in utils.default_process(name).split() if len(w) >= DISTINCT_WORD]
    own = [w for w in own if w not in shared]
    return any(
        process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=PRODUCT_SIMILARITY) is not None
        for w in own
    )


def _name_share(name: str, words: list[str]) -> float:
    name_words = [w for w in utils.default_process(name).split() if len(w) >= 3]
    if not name_words or not words:
        return 0.0
    hits = sum(
        process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=PRODUCT_SIMILARITY) is not None
        for w in name_words
    )
    return hits / len(name_words)


def _amount(match: re.Match[str]) -> Decimal | None:
    number = next(g for g in match.groups() if g)
    whole, separator, fraction = number, "", ""
    last = max(number.rfind("."), number.rfind(","))
    if last >= 0 and len(number) - last - 1 <= 2:
        whole, separator, fraction = number[:last], ".", number[last + 1 :]
    try:
        return Decimal(re.sub(r"[.,]", "", whole) + separator + fraction)
    except InvalidOperation:
        return None


def _unique(values: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(values))
