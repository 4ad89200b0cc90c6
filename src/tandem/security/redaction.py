"""Card numbers, CVV codes and IBANs found in free text and masked before it is stored.

What counts:

* a **card number** is 13 to 19 digits, written in one block or in groups of at least 3 digits
  (or groups of four and a shorter last one) separated by single spaces or dashes, whose first
  digit is not 0 and that passes the Luhn check. Any other group of 1 or 2 digits, a number
  glued to letters, a ``+`` (phone numbers), ``#``, ``/`` or a dash ("TD-1003"), or a decimal
  point ("1.234,56") is not part of one, so order numbers, phone numbers, postcodes, amounts and
  dates stay as they are. In a longer run of groups the longest valid stretch is masked, so a
  card typed with its expiry or CVV right after it ("4242 4242 4242 4242 12/27") is found;
* a **CVV** is 3 or 4 digits only where it is named: "cvv 123", "CVC: 1234", "cvv2 is 123",
  "security code 123", "card verification code 123", "beveiligingscode 123",
  "veiligheidscode: 123";
* an **IBAN** is a country code, 2 check digits and the rest of the account number, with or
  without spaces, exactly as long as that country's IBANs are, that passes the mod-97 check.

Masks keep just enough for a person to recognise what was meant, never enough to use it:
``[card •••• 4242]`` (the last four digits, as on a receipt), ``[IBAN NL•• •••• 4300]``
(country and last four characters) and ``cvv [•••]`` (the words around it stay). The masks hold
no number an order id, postcode, amount or date could be read from, and masking twice changes
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Sensitive(StrEnum):
    """A kind of payment detail that is never stored in clear."""

    CARD = "card"
    CVV = "cvv"
    IBAN = "iban"


@dataclass(frozen=True, slots=True)
class Redacted:
    """The text with every payment detail masked, and which kinds were found (in enum order)."""

    text: str
    found: tuple[Sensitive, ...]


HIDDEN = "•"
#: The masks this module writes (so understanding can read around them).
MASKS = re.compile(r"\[(?:card|IBAN [A-Z]{2})[^\]\n]*\]|\[•••\]")

#: Card numbers are 13 to 19 digits long; a group shorter than 3 digits is never part of one.
CARD_DIGITS = range(13, 20)
_MIN_GROUP = 3
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its digits summed (Luhn)
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*")

_CVV_WORDS = (
    r"cvv2?|cvc2?|cvn|csc|security\s+code|card\s+verification\s+(?:code|value|number)"
    r"|beveiligingscode|veiligheidscode"
)
_CVV = re.compile(
    rf"\b((?:{_CVV_WORDS})(?:[ -]?(?:code|nummer|number|nr\.?|no\.?))?"
    r"(?:\s{1,3}(?:is|was))?[\s:=#-]{0,4})([0-9]{3,4})(?![0-9A-Za-z])",
    re.IGNORECASE,
)

#: IBAN length per country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{2})([0-9]{2})")


def redact(text: str) -> Redacted:
    """Mask every IBAN, card number and named CVV in ``text``.

    IBANs go first: their account digits could otherwise be read as a card number.
    """
    found: set[Sensitive] = set()
    text = _mask_ibans(text, found)
    text = _mask_cards(text, found)
    text, cvvs = _CVV.subn(lambda m: f"{m[1]}[{HIDDEN * 3}]", text)
    if cvvs:
        found.add(Sensitive.CVV)
    return Redacted(text, tuple(kind for kind in Sensitive if kind in found))


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of ASCII digits."""
    odd = sum(map(int, digits[-1::-2]))
    even = sum(_DOUBLED[int(digit)] for digit in digits[-2::-2])
    return (odd + even) % 10 == 0


def iban_valid(iban: str) -> bool:
    """Whether ``iban`` (spaces allowed) has its country's length and passes mod-97."""
    compact = iban.replace(" ", "").upper()
    if not compact.isascii() or not compact.isalnum() or len(compact) < 5:
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(character, 36)) for character in rearranged)) % 97 == 1


def _mask_cards(text: str, found: set[Sensitive]) -> str:
    pieces: list[str] = []
    done = 0
    for run in _DIGIT_RUN.finditer(text):
        if len(run[0]) - run[0].count(" ") - run[0].count("-") < CARD_DIGITS[0]:
            continue  # too few digits for a card: most numbers in a message stop here
        for start, end, last_four in _card_spans(text, run):
            pieces += [text[done:start], f"[card {HIDDEN * 4} {last_four}]"]
            done = end
            found.add(Sensitive.CARD)
    return "".join(pieces) + text[done:]


def _card_spans(text: str, run: re.Match[str]) -> list[tuple[int, int, str]]:
    """Card numbers in one run of digit groups (start, end, last four digits), taking the
    longest valid stretch from each group on."""
    offset = run.start()
    groups = [run[0][m.start() : m.end()] for m in re.finditer("[0-9]+", run[0])]
    starts = [m.start() + offset for m in re.finditer("[0-9]+", run[0])]
    clear = [True] * len(groups)
    clear[0] = _clear_before(text, run.start())
    clear[-1] = clear[-1] and _clear_after(text, run.end())
    spans: list[tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        if len(groups[first]) < _MIN_GROUP or not clear[first]:
            first += 1  # no card number starts here
            continue
        for last in reversed(_reachable(groups, first)):
            window = groups[first : last + 1]
            if not all(clear[first : last + 1]) or not _grouped_like_a_card(window):
                continue
            digits = "".join(window)
            if len(digits) in CARD_DIGITS and digits[0] != "0" and luhn_valid(digits):
                spans.append((starts[first], starts[last] + len(groups[last]), digits[-4:]))
                first = last
                break
        first += 1
    return spans


def _reachable(groups: list[str], first: int) -> list[int]:
    """The groups a card number starting at ``first`` could end at (13 to 19 digits), so a long
    run of groups costs no more than a short one."""
    lasts, digits = [], 0
    for last in range(first, len(groups)):
        digits += len(groups[last])
        if digits > CARD_DIGITS[-1]:
            break
        if digits in CARD_DIGITS:
            lasts.append(last)
    return lasts


def _grouped_like_a_card(groups: list[str]) -> bool:
    """Groups of 3 or more digits; a shorter last group only after groups of exactly four
    ("3056 9309 0259 04"), so "+31 6 1234 5678" or "2024 05 01" never joins up."""
    if all(len(group) >= _MIN_GROUP for group in groups):
        return True
    *full, tail = groups
    return len(full) >= 3 and all(len(group) == 4 for group in full) and len(tail) < _MIN_GROUP


def _clear_before(text: str, start: int) -> bool:
    """No letter, "+", "#", "/" or dash glued to the number, and no decimal point after digits."""
    before = text[start - 1] if start else " "
    if before.isalnum() or before in "_+#/-":
        return False
    return not (before in ".," and start >= 2 and text[start - 2].isdigit())


def _clear_after(text: str, end: int) -> bool:
    after = text[end] if end < len(text) else " "
    if after.isalnum() or after in "_/":
        return False
    return not (after in ".," and end + 1 < len(text) and text[end + 1].isdigit())


def _mask_ibans(text: str, found: set[Sensitive]) -> str:
    pieces: list[str] = []
    done = 0
    for start in _IBAN_START.finditer(text):
        if start.start() < done:
            continue
        end = _iban_end(text, start)
        if end is None or not iban_valid(text[start.start() : end]):
            continue
        compact = text[start.start() : end].replace(" ", "").upper()
        masked = f"[IBAN {compact[:2]}{HIDDEN * 2} {HIDDEN * 4} {compact[-4:]}]"
        pieces += [text[done : start.start()], masked]
        done = end
        found.add(Sensitive.IBAN)
    return "".join(pieces) + text[done:]


def _iban_end(text: str, start: re.Match[str]) -> int | None:
    """Where an IBAN beginning at ``start`` ends: its country's length in letters and digits,
    single spaces allowed between them, and nothing glued to its end."""
    length = IBAN_LENGTHS.get(start[1].upper())
    if length is None:
        return None
    count, position = 4, start.end()
    while count < length and position < len(text):
        character = text[position]
        if character == " " and position + 1 < len(text) and text[position + 1] != " ":
            position += 1
            continue
        if not (character.isascii() and character.isalnum()):
            return None
        count, position = count + 1, position + 1
    if count < length or (position < len(text) and text[position].isalnum()):
        return None
    return position
