"""Map typed errors to HTTP once, here; unknown errors answer a generic 500 with a request id."""

from __future__ import annotations

import logging
import uuid

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    request_id = uuid.uuid4().hex[:12]
    log.error("unexpected error (request %s)", request_id, exc_info=error)
    return JSONResponse(
        error_body("internal_error", "something went wrong on our side", request_id=request_id),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(TandemError, _tandem_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
