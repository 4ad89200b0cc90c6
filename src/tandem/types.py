"""Identifier types and small shared aliases used across the packages."""

from __future__ import annotations

from typing import Literal, NewType

ConversationId = NewType("ConversationId", str)
AgentId = NewType("AgentId", str)
MessageId = NewType("MessageId", int)
CustomerId = NewType("CustomerId", str)
OrderId = NewType("OrderId", str)

#: Languages the product speaks; adding one is data (catalogue, templates, knowledge), not code.
Language = Literal["nl", "en"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("nl", "en")
DEFAULT_LANGUAGE: Language = "en"

#: The address a request came from (the TCP peer, or a trusted proxy's X-Forwarded-For).
ClientAddress = NewType("ClientAddress", str)
