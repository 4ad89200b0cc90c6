"""Refuse request bodies over the limit (413) or too slow to arrive (408) (pure ASGI).

A body that announces its length is refused at once, without reading a byte of it. A body sent
in chunks (no Content-Length) is counted as the app reads it; at the first chunk past the limit
the client gets the 413, the app is told the client went away, and whatever it answers is
dropped. Either way no more than the limit (plus one chunk) is ever held in memory.

A client that sends its body slower than ``read_seconds`` (a slow-loris) gets a 408 and the app
is told it went away. Bodies are read before any database work, so a slow client never holds a
conversation's lock; once the body is complete the deadline no longer applies (a stream that
waits for the client to leave is not cut).
"""

from __future__ import annotations

import asyncio
import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.web.errors import error_body


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, read_seconds: float = 30.0) -> None:
        self.app, self.max_bytes, self.read_seconds = app, max_bytes, read_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.refuse(send)
            return
        await _Counted(self, receive, send).run(scope)

    async def refuse(self, send: Send) -> None:
        message = f"the request body is larger than {self.max_bytes} bytes"
        await _error(send, 413, "body_too_large", message)

    async def too_slow(self, send: Send) -> None:
        message = f"the request body did not arrive within {self.read_seconds:g} seconds"
        await _error(send, 408, "request_timeout", message)


async def _error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Counted:
    """One request whose streamed body is counted; past the limit the 413 replaces the app."""

    def __init__(self, limit: BodyLimit, receive: Receive, send: Send) -> None:
        self.limit, self.receive, self.send = limit, receive, send
        self.seen, self.cut, self.started, self.refused = 0, False, False, False
        self.deadline: float | None = time.monotonic() + limit.read_seconds  # None: body read

    async def run(self, scope: Scope) -> None:
        await self.limit.app(scope, self._receive, self._send)

    async def _receive(self) -> Message:
        if self.cut:
            return {"type": "http.disconnect"}
        if self.deadline is None:
            return await self.receive()
        try:
            message = await asyncio.wait_for(self.receive(), self.deadline - time.monotonic())
        except TimeoutError:
            self.cut = True
            if not self.started:
                self.refused = True
                await self.limit.too_slow(self.send)
            return {"type": "http.disconnect"}
        if message["type"] == "http.request":
            if not message.get("more_body", False):
                self.deadline = None
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit.max_bytes:
                self.cut = True
                if not self.started:
                    self.refused = True
                    await self.limit.refuse(self.send)
                return {"type": "http.disconnect"}
        return message

    async def _send(self, message: Message) -> None:
        if self.refused:  # after a 413 the app's own answer is dropped
            return
        self.started = True
        await self.send(message)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
