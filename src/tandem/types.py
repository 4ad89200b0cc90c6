"""Identifier types and small shared aliases used across the packages."""

from __future__ import annotations

from typing import NewType

from tandem import languages

ConversationId = NewType("ConversationId", str)
AgentId = NewType("AgentId", str)
MessageId = NewType("MessageId", int)
CustomerId = NewType("CustomerId", str)
OrderId = NewType("OrderId", str)

#: A language code ("nl", "de"): one that tandem.languages found in the data folders.
Language = str
#: Languages the product speaks, found in the data folders (tandem.languages); adding one is
#: data (locale, catalogue, templates, knowledge), never code.
SUPPORTED_LANGUAGES: tuple[Language, ...] = languages.supported()
#: The language used before a conversation has one, unless TANDEM_DEFAULT_LANGUAGE says otherwise.
DEFAULT_LANGUAGE: Language = "en"

#: The address a request came from (the TCP peer, or a trusted proxy's X-Forwarded-For).
ClientAddress = NewType("ClientAddress", str)
