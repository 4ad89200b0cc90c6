"""The customer's key to a conversation: its token, checked under the conversation's lock."""

from __future__ import annotations

from sqlalchemy import Connection

from tandem.domain.errors import Unauthorized
from tandem.services.secrets import token_matches
from tandem.storage.conversations import ConversationUnit


def authorised(connection: Connection, conversation_id: str, token: str) -> ConversationUnit:
    unit = ConversationUnit.load(connection, conversation_id)
    if not token_matches(token, unit.conversation.token_hash):
        raise Unauthorized("wrong or missing conversation token")
    return unit
