"""A small, real OpenAI-compatible chat-completions server that answers from a script."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the fake LLM answers next, and what it was asked."""

    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    requests: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def complete(self, content: str) -> None:
        self.body = json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": content}}]}
        ).encode()


@contextmanager
def chat_completions_server() -> Iterator[tuple[str, Script]]:
    """A real OpenAI-compatible HTTP server answering from a script; yields (base URL, script)."""
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            script.requests.append(
                (self.path, dict(self.headers), json.loads(self.rfile.read(length)))
            )
            script.release.wait(script.delay)
            self.send_response(script.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(script.body)))
            self.end_headers()
            self.wfile.write(script.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1", script
    finally:
        script.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
