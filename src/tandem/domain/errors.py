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


class RetryLater(TandemError):
    """Refused for now; the same request may succeed after `retry_after_seconds`."""

    code = "retry_later"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, retry_after_seconds)


class TooManyRequests(RetryLater):
    """A rate limit: too many attempts from this address or for this account."""

    code = "too_many_requests"


class Unavailable(RetryLater):
    """Something the request needs (e.g. the shared rate-limit store) cannot be reached."""

    code = "unavailable"
