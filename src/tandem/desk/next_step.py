"""The suggested next step on a handoff card, per reason code (in English, the console's)."""

from __future__ import annotations

from collections.abc import Sequence

from tandem.commerce.model import Order, PaymentStatus
from tandem.desk.steps import AiStep
from tandem.domain.decision import Decision, Outcome, Reason

_STEPS: dict[Reason, str] = {
    Reason.CUSTOMER_REQUEST: "Greet the customer; they asked for a person.",
    Reason.COMPLAINT: "Acknowledge the complaint and ask what would put it right.",
    Reason.FRUSTRATION: "Acknowledge the frustration first, then answer their latest message.",
    Reason.NOT_UNDERSTOOD: "The AI did not understand: read the messages and ask what they need.",
    Reason.REPEATED_FAILURE: "The AI failed twice: answer the question yourself, in full.",
    Reason.TOO_SLOW: "The AI was too slow: answer their latest message.",
    Reason.SYSTEM_ERROR: "Tandem failed while answering: answer their latest message yourself.",
    Reason.OUT_OF_HOURS: "Answer the ticket within the promised time.",
    Reason.NO_AGENT_AVAILABLE: "Answer the ticket within the promised time.",
    Reason.ROUTINE: "Answer their latest message.",
    Reason.ROLLOUT_OFF: "The AI is off for this topic: answer their latest message.",
    Reason.ROLLOUT_PILOT_CONTROL: "A pilot's control group (a person answers): answer it.",
    Reason.ROLLOUT_SHADOW: "Shadow mode: send, edit or discard the AI's draft below.",
}
_UNIDENTIFIED = " They are not identified: ask for their order number and email first."


def next_step(
    decision: Decision, steps: Sequence[AiStep], subject: Order | None, identified: bool
) -> str:
    """The step for `decision`, about `subject`: the order the hand-over is about (None: not
    known; the step then says to ask, never names another order)."""
    step = _step(decision, decision.reason, steps, subject)
    wanted = decision.cause
    if wanted is not None and wanted not in _TICKETS and decision.reason in _TICKETS:
        # a ticket: say what the person is for, too
        cause = _step(decision, wanted, steps, subject)
        step = f"{step[:-1]}: {cause[0].lower()}{cause[1:]}"
    return step if identified else step + _UNIDENTIFIED


_TICKETS = frozenset({Reason.OUT_OF_HOURS, Reason.NO_AGENT_AVAILABLE})


def _step(decision: Decision, reason: Reason, steps: Sequence[AiStep], order: Order | None) -> str:
    if reason is Reason.DOUBLE_CHARGE:
        step = _double_charge(order)
    elif reason is Reason.PAYMENT_PROBLEM:
        step = (
            f"Check the payments on {order.id} and tell the customer what you found."
            if order
            else "Ask which order the payment is for, then check its payments."
        )
    elif reason is Reason.ACTION_FAILED:
        step = _action_failed(steps)
    elif reason is Reason.BUSINESS_RULE:
        subject = f"{order.id} and decide" if order else "the request and decide"
        step = f"Rule '{decision.rule}' asks for a person: check {subject}."
    else:
        step = _STEPS[reason]
    return step


def _double_charge(order: Order | None) -> str:
    if order is None:
        return (
            "Ask which order was charged twice, then check its payments and refund the duplicate."
        )
    if not order.double_charged:
        return (
            f"The shop shows one payment on {order.id}: check it with the customer's bank "
            "statement and refund a duplicate if there is one."
        )
    paid = sum(1 for p in order.payments if p.status is PaymentStatus.PAID)
    count = "two" if paid <= 2 else str(paid)
    return f"Check the {count} payments on {order.id} and refund the duplicate."


def _action_failed(steps: Sequence[AiStep]) -> str:
    failed = [s for s in steps if s.outcome is Outcome.ACTION_FAILED]
    if not failed:
        return "An action failed: check the shop and finish it by hand."
    step = failed[-1]
    subject = step.subject
    error = f" (shop error: {step.error.value})" if step.error else ""
    return (
        f"The {subject} failed{error}: do it by hand in the shop, "
        "or tell the customer why it cannot be done."
    )
