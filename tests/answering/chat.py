"""A customer's side of a conversation with the real assistant and the real understanding.

The assistant only proposes; like the turn, this performs a proposed shop action (the policy
is left out here: every plan is taken) and asks the flow to word the result.
"""

from __future__ import annotations

import datetime as dt

from tandem.answering.assistant import Answer, Assistant, AssistantTurn
from tandem.commerce.actions import Done, perform
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.model import CommerceError, Customer
from tandem.domain.memory import ConversationMemory
from tandem.security.verification import MemoryFailureLog, VerificationGuard, VerificationLimits
from tandem.services.runtime import Understands
from tandem.understanding.result import Context

#: A Wednesday; the personas' dates are relative to it.
TODAY = dt.date(2025, 3, 12)


class Chat:
    """One customer's conversation with the assistant, turn by turn."""

    def __init__(self, assistant: Assistant, understander: Understands) -> None:
        self._assistant = assistant
        self._understander = understander
        self.memory = ConversationMemory()
        self.customer: Customer | None = None
        self.texts: list[str] = []
        self.verification = VerificationGuard(MemoryFailureLog(), VerificationLimits(), None)

    def say(self, text: str) -> Answer:
        understanding = self._understander.understand(
            text, Context(previous_customer_texts=tuple(self.texts[-5:]), today=TODAY)
        )
        self.texts.append(text)
        language, guard = understanding.language, self.verification
        turn = AssistantTurn(understanding, language, self.customer, self.memory, TODAY, guard)
        answer = self._assistant.respond(turn)
        self.customer = answer.customer or self.customer
        if answer.action is not None and answer.flow_name is not None:
            shop = self._assistant.shop
            assert isinstance(shop, DemoShop)
            done: Done | CommerceError
            try:
                done = perform(shop, answer.action, f"chat-{id(self)}-{len(self.texts)}")
            except CommerceError as error:
                done = error
            turn = AssistantTurn(
                understanding, language, self.customer, self.memory, TODAY, guard
            )
            performed = self._assistant.performed(
                turn, answer.flow_name, answer.record, answer.action, done
            )
            answer = Answer(
                (*answer.replies, *performed.replies), performed.outcome, None,
                answer.customer, performed.detail,
            )  # fmt: skip
        memory = self.memory
        self.memory = memory.after_turn(memory.turn, answer.flow, answer.last_words, None)
        return answer
