"""Typed domain errors. Only the web layer maps them to HTTP status codes."""

from __future__ import annotations


class TandemError(Exception):
    """Base of every error the product raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TandemError):
    code = "invalid_input"


class NotFound(TandemError):
    code = "not_found"


class Unauthorized(TandemError):
    code = "unauthorized"


class Forbidden(TandemError):
    """The agent is known but their role may not do this (e.g. only leads change the policy)."""

    code = "forbidden"


class Conflict(TandemError):
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, source: str, target: str, actor: str) -> None:
        super().__init__(f"a conversation cannot go from {source} to {target} by {actor}")
        self.source, self.target, self.actor = source, target, actor


class ConversationClosed(Conflict):
    code = "conversation_closed"

    def __init__(self) -> None:
        super().__init__("this conversation is closed; start a new one")


class NotOwner(Conflict):
    code = "not_owner"
