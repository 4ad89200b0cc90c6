"""Refuse request bodies over the limit with 413 before reading them (pure ASGI).

A body that announces its length is refused at once, without reading a byte of it. A body sent
in chunks (no Content-Length) is counted as the app reads it; at the first chunk past the limit
the client gets the 413, the app is told the client went away, and whatever it answers is
dropped. Either way no more than the limit (plus one chunk) is ever held in memory.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tandem.web.errors import error_body


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

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
        body = json.dumps(error_body("body_too_large", message)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _Counted:
    """One request whose streamed body is counted; past the limit the 413 replaces the app."""

    def __init__(self, limit: BodyLimit, receive: Receive, send: Send) -> None:
        self.limit, self.receive, self.send = limit, receive, send
        self.seen, self.cut, self.started, self.refused = 0, False, False, False

    async def run(self, scope: Scope) -> None:
        await self.limit.app(scope, self._receive, self._send)

    async def _receive(self) -> Message:
        if self.cut:
            return {"type": "http.disconnect"}
        message = await self.receive()
        if message["type"] == "http.request":
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
