"""What a conversation remembers between turns, and the policy facts it yields each turn.

Per customer message the service calls :func:`decide_turn`, which decides in two steps: on what
is known before the AI tries anything, then (if the AI is to answer) again on the facts of its
attempt: the answer it drafted, whether its shop action failed, how long it took. The returned
memory is stored with the conversation (:meth:`TurnMemory.to_json`) for the next message.

Counting, by design: a customer rejecting an answer ("nee, dat bedoel ik niet") is a failed
turn, never a new question; a turn where the AI asked to rephrase or its action failed is a
failed turn; an answer the customer does not reject ends the streak; a hand-over resets it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from tandem.domain.conversation import State
from tandem.domain.decision import Action, Decision
from tandem.domain.errors import InvalidInput
from tandem.domain.policy.engine import Engine
from tandem.domain.policy.facts import Facts
from tandem.understanding.result import Slots, Understanding

REJECTION = "reject_answer"
TREND_WINDOW = 3  # previous messages the frustration trend compares with
_KEPT_FRUSTRATION = 5


class TurnOutcome(StrEnum):
    ANSWERED = "answered"
    OFFERED = "offered"  # answered, and offered a person
    CLARIFIED = "clarified"  # asked the customer to rephrase
    FAILED = "failed"  # the AI tried and its action failed
    HANDED_OVER = "handed_over"  # to a person, or a ticket


_ANSWERED = frozenset({TurnOutcome.ANSWERED, TurnOutcome.OFFERED})


@dataclass(frozen=True, slots=True)
class TurnMemory:
    failed_turns: int = 0  # failed turns in a row, the last one possibly awaiting a rejection
    rephrases: int = 0  # "please rephrase" asked so far in this conversation
    last_outcome: TurnOutcome | None = None
    last_answer_key: str | None = None  # identifies the AI's last answer, to spot a repeat
    frustration: tuple[float, ...] = ()  # the last few customer messages, oldest first
    #: the AI's last message asked, yes or no, whether the customer wants a person ("Would
    #: you rather talk to a colleague?"), so "yes" or "ok" answers it. An offer worded as a
    #: statement ("If you'd rather talk to a person, just say so") asks nothing: "ok" then
    #: acknowledges it, and only a request for a person reaches one.
    person_asked: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "failed_turns": self.failed_turns,
            "rephrases": self.rephrases,
            "last_outcome": None if self.last_outcome is None else self.last_outcome.value,
            "last_answer_key": self.last_answer_key,
            "frustration": list(self.frustration),
            "person_asked": self.person_asked,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TurnMemory:
        try:
            outcome, key, frustration = (
                data["last_outcome"], data["last_answer_key"], data["frustration"]
            )  # fmt: skip
            return cls(
                failed_turns=int(str(data["failed_turns"])),
                rephrases=int(str(data["rephrases"])),
                last_outcome=None if outcome is None else TurnOutcome(str(outcome)),
                last_answer_key=None if key is None else str(key),
                frustration=tuple(float(str(f)) for f in _as_list(frustration)),
                # stored before offers were told apart: an offer then counted as a question
                person_asked=bool(
                    data.get("person_asked", outcome == TurnOutcome.OFFERED.value)
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"stored turn memory is malformed: {error}") from error


def _as_list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("frustration must be a list")
    return value


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What the service knows from outside the message itself."""

    state: State = State.AI
    agents_online: int = 0
    expected_wait_minutes: int = 0
    office_hours: bool = True
    asked_for_human: bool = False  # the widget's "talk to a person" button, or a keyword
    customer_tier: str | None = None  # None: the customer is not identified
    order_amount: float = 0.0  # the order in question, 0 when there is none
    order_status: str = "none"
    answer_budget_ms: int = 8000
    awaiting_details: bool = False  # the AI asked for an order number, postcode... last turn
    #: the offer of a person, as this conversation's language words it, asks a yes/no question
    #: (a "yes" to it is a request); False: it is a statement that asks nothing
    offer_asks: bool = False


@dataclass(frozen=True, slots=True)
class Attempt:
    """What the AI drafted for this message."""

    answer_key: str  # the same key means the same answer (e.g. flow + step + order id)
    action_failed: bool = False
    answer_ms: int = 0
    understood: bool = True  # False: the AI found nothing to answer (counts as out of scope)
    shop_rule_refused: bool = False  # a shop rule forbids what the customer needs
    asks: bool = False  # the answer asks the customer something (a detail, a yes or no)
    repeats_question: bool = False  # it asks, word for word, what the AI asked last


@dataclass(frozen=True, slots=True)
class Turn:
    decision: Decision
    facts: Facts
    memory: TurnMemory  # store it with the conversation for the next message
    attempt: Attempt | None = None  # what the AI drafted, when the policy asked for it

    @property
    def shows_answer(self) -> bool:
        """Is the AI's drafted answer shown? Not when there is none, and never a question
        (\"shall I start the return?\") in a turn that hands over: the customer would answer
        a question nobody is waiting for. One turn asks, or hands over; never both."""
        if self.attempt is None:
            return False
        handing_over = self.decision.action in (Action.HANDOFF, Action.TICKET)
        return not (handing_over and self.attempt.asks)


def _details_given(slots: Slots) -> bool:
    """Did the message bring any detail? (Field by field: astuple copies every value.)"""
    return bool(
        slots.order_ids
        or slots.emails
        or slots.postcodes
        or slots.order_or_postcode
        or slots.amounts
        or slots.dates
        or slots.product_refs
    )


def turn_facts(
    memory: TurnMemory,
    understanding: Understanding,
    around: Surroundings,
    attempt: Attempt | None = None,
) -> Facts:
    """The facts the policy decides on for this message."""
    rejection = understanding.intent == REJECTION
    streak_ended = memory.last_outcome in _ANSWERED and not rejection
    previous = memory.frustration[-TREND_WINDOW:]
    return Facts(
        intent=understanding.intent,
        confidence=understanding.confidence,
        runner_up=understanding.runner_up,
        runner_up_confidence=understanding.runner_up_confidence,
        out_of_scope=understanding.out_of_scope or (attempt is not None and not attempt.understood),
        frustration=understanding.frustration,
        frustration_trend=understanding.frustration - fmean(previous) if previous else 0.0,
        asked_for_human=around.asked_for_human,
        person_request=understanding.person_request,
        complaint_request=understanding.complaint_request,
        payment_request=understanding.payment_request,
        human_offered=memory.person_asked,
        awaiting_details=around.awaiting_details,
        details_given=_details_given(understanding.slots),
        failed_turns=(0 if streak_ended else memory.failed_turns) + int(rejection),
        rephrases_so_far=memory.rephrases,
        same_answer_twice=attempt is not None and attempt.answer_key == memory.last_answer_key,
        same_question_twice=attempt is not None and attempt.repeats_question,
        action_failed=attempt is not None and attempt.action_failed,
        shop_rule_refused=attempt is not None and attempt.shop_rule_refused,
        answer_ms=0 if attempt is None else attempt.answer_ms,
        answer_budget_ms=around.answer_budget_ms,
        customer_identified=around.customer_tier is not None,
        customer_tier=around.customer_tier or "",
        language=understanding.language,
        order_amount=around.order_amount,
        order_status=around.order_status,
        agents_online=around.agents_online,
        expected_wait_minutes=around.expected_wait_minutes,
        office_hours=around.office_hours,
        state=around.state.value,
    )


def outcome_of(decision: Decision, attempt: Attempt | None) -> TurnOutcome:
    if decision.action in (Action.HANDOFF, Action.TICKET):
        return TurnOutcome.HANDED_OVER
    if decision.action is Action.CLARIFY:
        return TurnOutcome.CLARIFIED
    if attempt is not None and attempt.action_failed:
        return TurnOutcome.FAILED
    if decision.action is Action.OFFER_HUMAN and not offer_withheld(attempt):
        return TurnOutcome.OFFERED
    return TurnOutcome.ANSWERED


def offer_withheld(attempt: Attempt | None) -> bool:
    """An answer that asks the customer something ("shall I cancel it?") carries no offer of a
    person: "yes" must answer one question only. The customer can still ask for a person."""
    return attempt is not None and attempt.asks


def remember(
    memory: TurnMemory,
    facts: Facts,
    outcome: TurnOutcome,
    answer_key: str | None,
    offer_asks: bool = False,
) -> TurnMemory:
    """The memory after this turn ended in ``outcome``; ``offer_asks``: an offer of a person
    made in this turn is worded as a yes/no question."""
    failed = facts.failed_turns
    if outcome in (TurnOutcome.CLARIFIED, TurnOutcome.FAILED) and facts.intent != REJECTION:
        failed += 1  # a rejection was already counted in the facts
    handed_over = outcome is TurnOutcome.HANDED_OVER
    return TurnMemory(
        failed_turns=0 if handed_over else failed,
        rephrases=memory.rephrases + int(outcome is TurnOutcome.CLARIFIED),
        last_outcome=outcome,
        last_answer_key=None if handed_over else (answer_key or memory.last_answer_key),
        frustration=(*memory.frustration, facts.frustration)[-_KEPT_FRUSTRATION:],
        person_asked=outcome is TurnOutcome.OFFERED and offer_asks,
    )


def decide_turn(
    engine: Engine,
    memory: TurnMemory,
    understanding: Understanding,
    around: Surroundings,
    attempt: Callable[[], Attempt],
) -> Turn:
    """Decide on one message; ``attempt`` drafts the AI's answer and runs only when needed."""
    facts = turn_facts(memory, understanding, around)
    decision = engine.decide(facts)
    tried: Attempt | None = None
    if decision.action in (Action.ANSWER, Action.OFFER_HUMAN):
        tried = attempt()
        facts = turn_facts(memory, understanding, around, tried)
        decision = engine.decide(facts)
    outcome = outcome_of(decision, tried)
    answer_key = tried.answer_key if tried is not None and outcome in _ANSWERED else None
    kept = remember(memory, facts, outcome, answer_key, around.offer_asks)
    return Turn(decision, facts, kept, tried)
