"""What the conversation bench measures, on plain transcripts (no server, no model).

A :class:`Transcript` is what one scripted conversation produced: per customer message the
replies it got and the state after it, plus the handoff card read through the agent API. The
functions below find the failures issue 10 names; :func:`summarise` tallies them per language.

The language check is a small word list, independent of the product's own language detector
(which decides the conversation's language, so it cannot also judge it): a reply is in the wrong
language when it holds a word that occurs only in the other language ("je", "bestelling",
"cancelled", "grey"...). Names, addresses, links, e-mail addresses and order ids are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that occur in Dutch text but not in English text (lower case).
DUTCH_ONLY = _words(
    """
    de het een je jij jou jouw uw wij jullie niet ook voor van met naar bij op aan om maar
    nog wel kan kun kunt wil wilt heb hebt heeft hebben ik dat dit deze wat hoe waar wanneer
    welke zijn zal zullen worden wordt werd geen graag bedankt dank hallo alleen mijn mij
    dan toch helaas oké bestelling bestellingen betaling terugbetaling retour retourneren
    retourneer annuleren geannuleerd verzonden bezorgd betaald onderweg collega collega's
    medewerker mailen dagen werkdagen morgen vandaag uiterlijk maandag dinsdag woensdag
    donderdag vrijdag zaterdag zondag januari februari maart mei juni juli augustus oktober
    sokken regenjas rugzak mok overhemd oordopjes grijs groen zwart blauw bruin roze oker
    marineblauw maat adres bezorgadres betaalmethode ontvangen geld terug binnen tot als zo
    zand
    """
)
#: Words that occur in English text but not in Dutch text (lower case).
ENGLISH_ONLY = _words(
    """
    the and your you yours with for not thanks thank please cancelled canceled shipped
    delivered paid pending processing returned refund refunded return our will can have has
    this that what when where how would could should which there here it its my colleague
    colleagues available today tomorrow monday tuesday wednesday thursday friday saturday
    sunday january february march may june july august october socks jacket backpack mug
    linen leather wireless earbuds hooded sweatshirt size address payment money within until
    only just to by at are grey gray green black white blue brown pink navy ochre sand
    """
)
_OTHER_WORDS = {"nl": ENGLISH_ONLY, "en": DUTCH_ONLY}
#: Text the language check skips: links, e-mail addresses, order ids, the demo personas' names
#: and addresses, and the parts of a product or place name that both languages use.
_IGNORED = re.compile(
    r"https?://\S+|\S+@\S+|\bTD-\d+\b|track-and-trace|\bde Vries\b"
    r"|\b[A-Z]\w*(?:straat|gracht|weg|laan|plein)\b"
    r"|\bBuckingham Gate\b|\bBaker Street\b|\bDowning Street\b",
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ORDER_ID = re.compile(r"\bTD-\d+\b")
_AMOUNT = re.compile(r"\d+[.,]\d{2}\b")
_SENTENCE = re.compile(r"[^.!?\n]*\?")
#: Authors whose messages the customer reads.
REPLY_AUTHORS = frozenset({"ai", "agent", "system"})


@dataclass(frozen=True, slots=True)
class Turn:
    """One customer message, every message it caused, and the conversation's state after it."""

    text: str
    replies: tuple[tuple[str, str], ...]  # (author, text) of every message after the customer's
    state: str  # "ai" | "queued" | "human" | "closed"
    handoff: bool = False  # this turn handed the conversation over


@dataclass(frozen=True, slots=True)
class CardExpectation:
    """The facts the handoff card must show: exactly these orders, these amounts and, when
    given, this handoff reason ("double_charge", "customer_request"...)."""

    orders: tuple[str, ...]
    amounts: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    language: str  # the language the conversation is in and every reply must be in
    expected: str  # "resolved" | "person"
    turns: tuple[Turn, ...]
    situation: str = "routine"
    card_expected: CardExpectation | None = None
    card: dict[str, Any] | None = None  # the card the agent API shows (None: no handoff)
    labelled: str | None = None  # the language the agent API labels the conversation with
    #: messages before the first customer turn, when the conversation was opened in `language`
    #: (without a language the greeting cannot know it and is not checked)
    greeting: tuple[tuple[str, str], ...] = ()
    order_problems: tuple[str, ...] = ()  # shop changes the script forbids (unasked, wrong)


@dataclass(slots=True)
class Findings:
    """Every failure found in one transcript (empty lists: a good conversation)."""

    reached_person: bool
    outcome_ok: bool
    wrong_language: list[str] = field(default_factory=list)  # "reply text [words]"
    repeated_questions: list[str] = field(default_factory=list)
    silent_turns: list[int] = field(default_factory=list)  # 1-based customer turn numbers
    ask_and_hand_over: list[int] = field(default_factory=list)  # 1-based customer turn numbers
    card_problems: list[str] = field(default_factory=list)  # order ids and amounts
    card_checked: bool = False
    card_reason: str | None = None  # the card's reason when it is not the expected one
    reason_checked: bool = False
    order_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome_ok and not (
            self.wrong_language or self.repeated_questions or self.silent_turns
            or self.ask_and_hand_over
            or self.card_problems or self.card_reason or self.order_problems
        )

    def problems(self) -> list[str]:
        lines = [] if self.outcome_ok else [
            "reached a person" if self.reached_person else "never reached a person"
        ]
        lines += [f"wrong language: {line}" for line in self.wrong_language]
        lines += [f"question asked twice: {q}" for q in self.repeated_questions]
        lines += [f"silent turn {n}" for n in self.silent_turns]
        lines += [f"turn {n} asks a question and hands over" for n in self.ask_and_hand_over]
        lines += [f"card: {p}" for p in self.card_problems]
        if self.card_reason:
            lines.append(f"card: {self.card_reason}")
        lines += [f"shop: {p}" for p in self.order_problems]
        return lines


def reached_person(transcript: Transcript) -> bool:
    """Whether any turn handed over or left the AI's hands (queued, owned by a person)."""
    return any(turn.handoff or turn.state != "ai" for turn in transcript.turns)


def other_language_words(language: str, text: str) -> list[str]:
    """The words of `text` that belong only to the other language (empty: fine)."""
    other = _OTHER_WORDS.get(language, frozenset())
    cleaned = _IGNORED.sub(" ", text)
    return [word for word in _WORD.findall(cleaned.lower()) if word in other]


def wrong_language(transcript: Transcript) -> list[str]:
    """Every reply the customer reads that holds words of the other language."""
    found = []
    replies = list(transcript.greeting) + [r for turn in transcript.turns for r in turn.replies]
    for author, text in replies:
        if author not in REPLY_AUTHORS:
            continue
        words = other_language_words(transcript.language, text)
        if words:
            found.append(f"{text!r} {sorted(set(words))}")
    if transcript.labelled is not None and transcript.labelled != transcript.language:
        found.append(f"conversation labelled {transcript.labelled}")
    return found


def questions(text: str) -> list[str]:
    """The questions in a reply, normalised (lower case, single spaces)."""
    return [" ".join(q.lower().split()) for q in _SENTENCE.findall(text) if q.strip(" ?")]


def repeated_questions(transcript: Transcript) -> list[str]:
    """Questions the AI asked again word for word in a later turn of the same conversation."""
    asked: set[str] = set()
    repeated = []
    for turn in transcript.turns:
        here = {
            q for author, text in turn.replies if author == "ai" for q in questions(text)
        }
        repeated += sorted(here & asked)
        asked |= here
    return repeated


def silent_turns(transcript: Transcript) -> list[int]:
    """Customer turns that got no reply while no person owned the conversation (1-based)."""
    return [
        number
        for number, turn in enumerate(transcript.turns, 1)
        if turn.state != "human" and not any(a in REPLY_AUTHORS for a, _ in turn.replies)
    ]


def ask_and_hand_over(transcript: Transcript) -> list[int]:
    """Turns that hand over and, before the handoff message, still ask the customer something
    (a confirmation nobody will read; 1-based)."""
    return [
        number
        for number, turn in enumerate(transcript.turns, 1)
        if turn.handoff
        and any(questions(text) for author, text in turn.replies[:-1] if author == "ai")
    ]


def card_reason(transcript: Transcript) -> str | None:
    """What is wrong with the card's reason (None: right, or not checked)."""
    expected = transcript.card_expected
    if expected is None or expected.reason is None:
        return None
    found = None if transcript.card is None else transcript.card.get("reason")
    return None if found == expected.reason else f"reason {found}, expected {expected.reason}"


def card_problems(transcript: Transcript) -> list[str]:
    """Where the handoff card's order ids and amounts disagree with the conversation."""
    expected = transcript.card_expected
    if expected is None:
        return []
    card = transcript.card
    if card is None:
        return ["no handoff card"]
    problems = []
    listed = tuple(str(order.get("id")) for order in card.get("orders") or ())
    if sorted(listed) != sorted(expected.orders):
        problems.append(f"orders {list(listed)}, expected {list(expected.orders)}")
    said = {o for turn in transcript.turns for o in _ORDER_ID.findall(turn.text)}
    prose = " ".join(
        [str(card.get("summary") or ""), str(card.get("next_step") or "")]
        + [str(line) for line in card.get("tried") or ()]
    )
    strangers = sorted(set(_ORDER_ID.findall(prose)) - said - set(expected.orders))
    if strangers:
        problems.append(f"names orders nobody mentioned: {strangers}")
    shown = {_cents(amount) for amount in _AMOUNT.findall(_flatten(card))}
    missing = [amount for amount in expected.amounts if _cents(amount) not in shown]
    if missing:
        problems.append(f"amounts missing: {missing}")
    return problems


def findings(transcript: Transcript) -> Findings:
    reached = reached_person(transcript)
    return Findings(
        reached_person=reached,
        outcome_ok=reached == (transcript.expected == "person"),
        wrong_language=wrong_language(transcript),
        repeated_questions=repeated_questions(transcript),
        silent_turns=silent_turns(transcript),
        ask_and_hand_over=ask_and_hand_over(transcript),
        card_problems=card_problems(transcript),
        card_checked=transcript.card_expected is not None,
        card_reason=card_reason(transcript),
        reason_checked=transcript.card_expected is not None
        and transcript.card_expected.reason is not None,
        order_problems=list(transcript.order_problems),
    )


@dataclass(slots=True)
class Tally:
    """The bench's figures for one language (or all)."""

    resolved: int = 0
    routine: int = 0
    reached: int = 0
    should_reach: int = 0
    replies: int = 0
    wrong_language: int = 0
    repeated: int = 0
    cards_ok: int = 0
    reasons_ok: int = 0
    reasons: int = 0
    cards: int = 0
    silent: int = 0
    ask_and_hand_over: int = 0
    turns: int = 0
    wrong_changes: int = 0
    conversations: int = 0

    def add(self, transcript: Transcript, found: Findings) -> None:
        self.conversations += 1
        if transcript.expected == "person":
            self.should_reach += 1
            self.reached += found.reached_person
        else:
            self.routine += 1
            self.resolved += not found.reached_person
        self.replies += len(transcript.greeting) + sum(
            sum(a in REPLY_AUTHORS for a, _ in turn.replies) for turn in transcript.turns
        )
        self.wrong_language += len(found.wrong_language)
        self.repeated += len(found.repeated_questions)
        self.turns += len(transcript.turns)
        self.silent += len(found.silent_turns)
        self.ask_and_hand_over += len(found.ask_and_hand_over)
        if found.card_checked:
            self.cards += 1
            self.cards_ok += not found.card_problems
        if found.reason_checked:
            self.reasons += 1
            self.reasons_ok += found.card_reason is None
        self.wrong_changes += len(found.order_problems)


def summarise(results: Iterable[tuple[Transcript, Findings]]) -> dict[str, Tally]:
    """The figures per language and "all"."""
    tallies: dict[str, Tally] = {}
    for transcript, found in results:
        for key in (transcript.language, "all"):
            tallies.setdefault(key, Tally()).add(transcript, found)
    return tallies


def table(tallies: dict[str, Tally]) -> str:
    """The figures as a plain-text table, one column per language and one for all."""
    keys = [*sorted(k for k in tallies if k != "all"), "all"]  # every language scripted
    rows: list[tuple[str, str, list[str]]] = [
        ("Routine resolved without a person", "≥ 95%",
         [_ratio(tallies[k].resolved, tallies[k].routine) for k in keys]),
        ("Should reach a person and do", "100%",
         [_ratio(tallies[k].reached, tallies[k].should_reach) for k in keys]),
        ("Replies in the wrong language", "0",
         [f"{tallies[k].wrong_language} of {tallies[k].replies}" for k in keys]),
        ("Identical question asked twice", "0", [str(tallies[k].repeated) for k in keys]),
        ("Handoff cards with the right orders and amounts", "100%",
         [_ratio(tallies[k].cards_ok, tallies[k].cards) for k in keys]),
        ("Handoff cards giving the real handoff reason", "100%",
         [_ratio(tallies[k].reasons_ok, tallies[k].reasons) for k in keys]),
        ("Silent turns", "0", [f"{tallies[k].silent} of {tallies[k].turns}" for k in keys]),
        ("Turns that ask a question and hand over", "0",
         [str(tallies[k].ask_and_hand_over) for k in keys]),
        ("Orders changed unasked or wrongly", "0",
         [str(tallies[k].wrong_changes) for k in keys]),
        ("Conversations", "", [str(tallies[k].conversations) for k in keys]),
    ]
    header = ("Measure", "Target", keys)
    widths = [max(len(r[0]) for r in [*rows, header]), max(len(r[1]) for r in [*rows, header])]
    cells = [max(len(r[2][i]) for r in [*rows, header]) for i in range(len(keys))]

    def line(name: str, target: str, values: Sequence[str]) -> str:
        parts = [name.ljust(widths[0]), target.ljust(widths[1])]
        parts += [value.rjust(width) for value, width in zip(values, cells, strict=True)]
        return "  ".join(parts)

    rule = "-" * len(line(*header))
    return "\n".join([line(*header), rule, *(line(*row) for row in rows)])


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def _cents(amount: str) -> int:
    return int(re.sub(r"\D", "", amount))


def _flatten(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(_flatten(v) for v in value.values())
    if isinstance(value, list | tuple):
        return " ".join(_flatten(v) for v in value)
    return str(value)
