"""Every request gets an id: the caller's ``X-Request-ID`` when it is a sane one (a load
balancer's), else a new one. It is in every log line written while serving the request and in
the response's ``X-Request-ID`` header, so a customer's report can be matched to the log."""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.logs import request_id

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._-]{1,64}")


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"")
        rid = given.decode() if _SANE.fullmatch(given) else uuid.uuid4().hex
        # Not reset afterwards: each request is its own task (its own context), and the 500
        # handler, which runs outside this middleware, still reads the id.
        request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
