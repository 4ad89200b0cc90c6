"""Every request gets an id: the caller's ``X-Request-ID`` when it is a sane one (a load
balancer's), else a new one. It is in every log line written while serving the request and in
the response's ``X-Request-ID`` header, so a customer's report can be matched to the log.

Every response also names the server process that answered (``X-Tandem-Process``): an opaque
id drawn at random when the process first answers, never its pid or anything about the
machine, so a load test or a report can tell the processes of ``--workers N`` apart."""

from __future__ import annotations

import os
import re
import secrets
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.logs import request_id

HEADER = b"x-request-id"
PROCESS_HEADER = b"x-tandem-process"
_SANE = re.compile(rb"[A-Za-z0-9._-]{1,64}")
_process_ids: dict[int, bytes] = {}


def process_id() -> bytes:
    """This process's opaque id (8 hex digits); a forked child draws its own."""
    pid = os.getpid()
    if pid not in _process_ids:
        _process_ids[pid] = secrets.token_hex(4).encode()
    return _process_ids[pid]


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"")
        rid = given.decode() if _SANE.fullmatch(given) else uuid.uuid4().hex
        named = [(HEADER, rid.encode()), (PROCESS_HEADER, process_id())]
        # Not reset afterwards: each request is its own task (its own context), and the 500
        # handler, which runs outside this middleware, still reads the id.
        request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *named]
            await send(message)

        await self.app(scope, receive, send_with_id)
