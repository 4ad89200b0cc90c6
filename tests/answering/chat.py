"""A customer's side of a conversation with the real assistant and the real understanding."""

from __future__ import annotations

import datetime as dt

from tandem.answering.assistant import Answer, Assistant, AssistantTurn
from tandem.commerce.model import Customer
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
        self.memory: dict[str, object] = {}
        self.customer: Customer | None = None
        self.texts: list[str] = []
        self.verification = VerificationGuard(MemoryFailureLog(), VerificationLimits(), None)

    def say(self, text: str) -> Answer:
        understanding = self._understander.understand(
            text, Context(previous_customer_texts=tuple(self.texts[-5:]), today=TODAY)
        )
        self.texts.append(text)
        answer = self._assistant.respond(
            AssistantTurn(
                understanding,
                understanding.language,
                self.customer,
                self.memory,
                TODAY,
                self.verification,
            )
        )
        self.memory = answer.memory
        self.customer = answer.customer or self.customer
        return answer
