"""What-if: replay recorded conversations under another policy and list what it would change.

Storage feeds each conversation's customer messages from the stretch the AI owned, with what
was true around each (agents online, order, attempt) and the decision recorded then. A
conversation stops at the first hand-over the new policy makes: what followed did not happen
in that world.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tandem.domain.decision import Action, Decision
from tandem.domain.policy.dialogue import CustomerTurn, Understands, converse
from tandem.domain.policy.engine import Engine

_TO_A_PERSON = frozenset({Action.HANDOFF, Action.TICKET})


@dataclass(frozen=True, slots=True)
class RecordedConversation:
    id: str
    turns: tuple[CustomerTurn, ...]
    decisions: tuple[Decision, ...]  # what the policy of the day decided, turn by turn


@dataclass(frozen=True, slots=True)
class Change:
    conversation: str
    turn: int  # 1-based
    text: str
    before: Decision
    after: Decision


@dataclass(frozen=True, slots=True)
class ReplayReport:
    conversations: int
    turns: int
    changes: tuple[Change, ...]

    def moves(self) -> Counter[tuple[Action, Action]]:
        """How many decisions went from one action to another, e.g. (answer, handoff): 12."""
        return Counter((c.before.action, c.after.action) for c in self.changes)


def replay(
    engine: Engine, understander: Understands, recorded: Iterable[RecordedConversation]
) -> ReplayReport:
    conversations = turns = 0
    changes: list[Change] = []
    for conversation in recorded:
        conversations += 1
        exchanges = converse(engine, understander, conversation.turns)
        for number, (turn, before, exchange) in enumerate(
            zip(conversation.turns, conversation.decisions, exchanges, strict=False), 1
        ):
            turns += 1
            after = exchange.turn.decision
            if (after.action, after.reason) != (before.action, before.reason):
                changes.append(Change(conversation.id, number, turn.text, before, after))
            if after.action in _TO_A_PERSON:
                break
    return ReplayReport(conversations, turns, tuple(changes))
