"""What a reply a customer reads may not contain: words of the other language, or machine text.

The word lists are small and curated (words that exist in only one of the two languages), plus
every name the demo shop gives per language (products, variants, colours) and the order
statuses in words, minus whatever the two languages share ("hoodie", "canvas", "M").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tandem.answering.replies import replies
from tandem.commerce.demo.catalogue import VARIANTS
from tandem.commerce.model import OrderStatus

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
#: Words both languages use (in the demo shop's names too), never a sign of either; "artikel"
#: is German too (a German reply with the shop's English product names is no mix).
_SHARED = {
    "in", "is", "we", "de", "van", "hoodie", "powerbank", "bank", "sneakers", "canvas", "artikel"
}  # fmt: skip

_NL = {
    "bestelling", "bestellingen", "je", "jouw", "jij", "niet", "ook", "al", "wordt", "hebben",
    "mailen", "graag", "bedankt", "verzonden", "geannuleerd", "bezorgd", "geretourneerd",
    "retour", "terugbetaling", "werkdag", "werkdagen", "medewerker", "collega", "bezorging",
    "kun", "kan", "wil", "waar", "welke", "nog", "maar", "zodra", "artikel", "artikelen",
    "verwacht", "morgen", "vandaag", "gisteren", "maandag", "dinsdag", "woensdag",
    "donderdag", "vrijdag", "zaterdag", "zondag", "januari", "februari", "maart", "mei",
    "juni", "juli", "augustus", "oktober", "het", "een", "dat", "geen", "niets", "hoi",
}
_EN = {
    "the", "your", "order", "you", "and", "with", "will", "shipped", "cancelled", "delivered",
    "returned", "already", "please", "thanks", "thank", "we'll", "you'll", "i'm", "i'll",
    "order's", "colleague", "person", "business", "days", "refund", "return", "which",
    "would", "could", "should", "there", "their", "where", "when", "what", "today",
    "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "may", "june", "july", "august", "october", "nothing",
    "hi", "hello", "email",
}


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _shop_words(language: str) -> set[str]:
    found: set[str] = set()
    for variant in VARIANTS.values():
        product = variant.product
        found |= _words(product.names[language]) | _words(variant.names[language])
    found |= _words(" ".join(replies(language).status(s) for s in OrderStatus))  # type: ignore[arg-type]
    return found


_SHOP_NL, _SHOP_EN = _shop_words("nl"), _shop_words("en")
ONLY: dict[str, frozenset[str]] = {
    "nl": frozenset((_NL | _SHOP_NL) - _SHOP_EN - _EN - _SHARED),
    "en": frozenset((_EN | _SHOP_EN) - _SHOP_NL - _NL - _SHARED),
}


def foreign_words(text: str, language: str) -> set[str]:
    """Words of the other language in a text meant to be in `language`."""
    other = "en" if language == "nl" else "nl"
    return _words(text) & ONLY[other]


def other_language_words(text: str, language: str) -> set[str]:
    """Dutch or English words in a reply meant to be in `language`: for Dutch and English the
    other one's words; for another language (German, French) the words of either, less the
    shop's product names, which the demo shop has in Dutch and English only, and less the words
    the language's own reply templates use (French "retour" is Dutch too)."""
    if language in ONLY:
        return foreign_words(text, language) | (
            set() if reply_language(text) in (None, language) else {f"<{reply_language(text)}>"}
        )
    own = _template_words(language)
    return (_words(text) & (_NL | _EN)) - _SHARED - _SHOP_EN - _SHOP_NL - own - {"hi"}


def _template_words(language: str) -> set[str]:
    return {word for _, text in template_texts(language) for word in _words(text)}


def reply_language(text: str) -> str | None:
    """The language a reply is in, by its words of only one language (None: cannot tell)."""
    words = _words(text)
    nl, en = len(words & ONLY["nl"]), len(words & ONLY["en"])
    return None if nl == en else "nl" if nl > en else "en"


_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_CHOICE = re.compile(r"\(\s*(yes|no|ja|nee)\s*/\s*(yes|no|ja|nee)\s*\)", re.IGNORECASE)
_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")


def machine_text(text: str) -> list[str]:
    """Pieces of a reply no person would write: a clause in parentheses ("(nobody is available
    at the moment)"), parentheses in parentheses, "(yes/no)", internal names ("double_charge")."""
    found = [m.group(0) for m in _CHOICE.finditer(text)]
    found += [m.group(0) for m in _IDENTIFIER.finditer(text)]
    if re.search(r"\([^()]*\(", text):
        found.append("nested parentheses")
    for match in _PARENTHESIS.finditer(text):
        inner = match.group(1).strip()
        clause = len(inner.split()) >= 4 and inner[:1].islower()
        if clause and not re.search(r"[\d€£]", inner):
            found.append(match.group(0))
    return found


def template_texts(language: str) -> Iterator[tuple[str, str]]:
    """(key, text) of every reply template of a language, with its {fields} blanked."""
    data: dict[str, Any] = replies(language)._data

    def walk(key: str, value: Any) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield key, re.sub(r"\{[a-z_]+\}", " ", value)
        elif isinstance(value, list):
            for item in value:
                yield from walk(key, item)
        elif isinstance(value, dict):
            for name, item in value.items():
                yield from walk(f"{key}.{name}", item)

    for key, value in data.items():
        yield from walk(key, value)


def check_reply(text: str) -> None:
    """Fail on a reply that mixes the two languages or holds machine text."""
    nl, en = foreign_words(text, "en"), foreign_words(text, "nl")
    assert not (nl and en), f"mixes Dutch {sorted(nl)} and English {sorted(en)}: {text!r}"
    assert not machine_text(text), f"machine text {machine_text(text)} in {text!r}"
