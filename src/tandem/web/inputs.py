"""The checks every API input passes, in one place: text the databases can store, numbers their
integer columns can hold, and the path and query parameters built from them.

PostgreSQL refuses a NUL character in text and an INTEGER beyond 32 bits; SQLite one beyond 64
bits. Either would surface as a 500 deep inside a query, so they are refused here with a 422
that names the input.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

#: The largest number an INTEGER column holds on every supported database (PostgreSQL: 32 bits).
DB_INT_MAX = 2**31 - 1
#: Conversation ids are UUIDs: 36 characters, the width of their column.
CONVERSATION_ID_CHARS = 36
#: Conversation tokens are 43 characters; anything much longer is not one.
TOKEN_CHARS = 200


def storable(value: str) -> str:
    """The text unchanged, or a clear error when a database could not store or compare it."""
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("invalid_text", "is not valid UTF-8 text") from None
    return value


#: Every string a client sends: bodies, path and query parameters.
Text = Annotated[str, AfterValidator(storable)]

ConversationIdPath = Annotated[
    str,
    Path(max_length=CONVERSATION_ID_CHARS, description="The conversation's id."),
    AfterValidator(storable),
]
AfterQuery = Annotated[
    int,
    Query(ge=0, le=DB_INT_MAX, description="Only messages after this offset (0: all)."),
]
OffsetPath = Annotated[
    int, Path(ge=1, le=DB_INT_MAX, description="The message's offset in the conversation.")
]
VersionPath = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="The policy version's number.")]
TokenQuery = Annotated[
    str,
    Query(
        max_length=TOKEN_CHARS,
        description="The conversation token (EventSource cannot send headers).",
    ),
    AfterValidator(storable),
]
AgentIdPath = Annotated[
    str,
    Path(max_length=CONVERSATION_ID_CHARS, description="The agent's id."),
    AfterValidator(storable),
]
