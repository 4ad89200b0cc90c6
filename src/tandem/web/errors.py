"""Map typed errors to HTTP once, here; unknown errors answer a generic 500 with a request id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from tandem import logs
from tandem.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RetryLater,
    TandemError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from tandem.storage.db import DATABASE_UNAVAILABLE

log = logging.getLogger(__name__)

STATUS: dict[type[TandemError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Unauthorized: 401,
    Forbidden: 403,
    Conflict: 409,
    TooManyRequests: 429,
    Unavailable: 503,
}


class ErrorDetail(BaseModel):
    code: str = Field(description="What went wrong, for programs: e.g. not_found, invalid_input.")
    message: str = Field(description="What went wrong, for people.")
    request_id: str | None = Field(
        None, description="Only on 500: the id under which the error was logged."
    )


class ErrorBody(BaseModel):
    """Every error answer has this shape (a 422 from the policy API adds `problems`)."""

    error: ErrorDetail


Responses = dict[int | str, dict[str, Any]]

WHEN: dict[int, str] = {
    400: "The body is not valid JSON in UTF-8.",
    401: "No token, or a wrong or expired one.",
    403: "The agent's role may not do this.",
    404: "There is no such resource.",
    409: "The resource's state does not allow this now.",
    413: "The body is larger than TANDEM_MAX_BODY_BYTES; it was not read.",
    422: "An input is not valid; the message names it and says why.",
    429: "Too many requests; try again after `Retry-After` seconds.",
    503: (
        "A service Tandem needs (the database, or Redis for the login limits) is down or "
        "restarting; nothing was changed; retry after `Retry-After`."
    ),
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def documented(*statuses: int) -> Responses:
    """The OpenAPI entries for the error answers a route can give (every route lists its own)."""
    entries: Responses = {}
    for status in statuses:
        entries[status] = {"model": ErrorBody, "description": WHEN[status]}
        if status in (429, 503):
            entries[status]["headers"] = _RETRY_AFTER
    return entries


def error_body(code: str, message: str, **extra: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, **extra}}


def _status(error: TandemError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


async def _tandem_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, TandemError)
    headers = None
    if isinstance(error, RetryLater):
        headers = {"Retry-After": str(error.retry_after_seconds)}
        await _pause(request, error)
    return JSONResponse(
        error_body(error.code, error.message), status_code=_status(error), headers=headers
    )


async def _pause(request: Request, refused: RetryLater) -> None:
    """Hold a refusal back a moment: a flood that ignores Retry-After then slows to a trickle
    instead of turning cheap refusals into hundreds of requests a second. Waiting here costs an
    idle connection, not a thread."""
    settings = request.app.state.runtime.settings
    await anyio.sleep(min(settings.refusal_pause_seconds, refused.retry_after_seconds))


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
        problems.append(
            f"{where}: {problem.get('msg', 'invalid')}" if where else problem.get("msg", "")
        )
    message = "; ".join(problems) or "the request is not valid"
    return JSONResponse(error_body("invalid_input", message), status_code=422)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # the body could not be parsed (e.g. invalid UTF-8)
        message = f"the request body is not valid JSON in UTF-8 ({error.detail})"
        return JSONResponse(error_body("invalid_input", message), status_code=400)
    return JSONResponse(error_body("http_error", str(error.detail)), status_code=error.status_code)


#: Seconds a client should wait when the database cannot be reached (a restart, a failover).
DATABASE_RETRY_AFTER = 2


async def _database_down(_request: Request, error: Exception) -> JSONResponse:
    """The database is unreachable (or SQLite stayed locked): the transaction was rolled back,
    so nothing was half-written; the client may retry the same request (client_message_id)."""
    log.warning("database unavailable: %s", type(error.__cause__ or error).__name__)
    return JSONResponse(
        error_body("database_unavailable", "the database is not reachable right now; retry"),
        status_code=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    request_id = logs.request_id.get() or uuid.uuid4().hex[:12]
    log.error("unexpected error (request %s)", request_id, exc_info=error)
    return JSONResponse(
        error_body("internal_error", "something went wrong on our side", request_id=request_id),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(TandemError, _tandem_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_down)
    app.add_exception_handler(Exception, _unexpected)
