"""Response headers that keep browsers safe, set in one place for every route (pure ASGI).

- Every response: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``.
- Every HTML page Tandem renders (console, policy page, help pages, demo shop): a
  Content-Security-Policy that allows only Tandem's own scripts, styles and API (no inline
  script or style) and ``frame-ancestors 'none'`` (no other site may frame them). That
  includes /docs (Swagger UI, served from our own files by tandem.web.api_docs). /redoc gets
  the same policy except that ReDoc needs inline styles (it injects <style> elements) and a
  blob: worker for its search.
- widget.js and widget.css carry no CSP and no framing rule: shops embed them.
- CORS only on the customer API that the widget calls, for the origins in
  ``TANDEM_CORS_ORIGINS`` (none by default: same origin only). The agent and lead APIs are
  used by the console, which Tandem serves itself, so they never answer cross-origin.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
REDOC_POLICY = PAGE_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'; worker-src blob:"
)
REDOC = "/redoc"
#: What the widget calls from a shop's page (the conversations, and the languages' labels).
WIDGET_API = ("/api/v1/conversations", "/api/v1/languages")


def _local_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = REDOC_POLICY if _local_path(scope).startswith(REDOC) else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = policy
                    headers["X-Frame-Options"] = "DENY"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class WidgetCors:
    """CORS for the customer API only, for the configured origins ('*': any)."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _local_path(scope).startswith(WIDGET_API):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def cors_origins(setting: str) -> list[str]:
    return [origin.strip().rstrip("/") for origin in setting.split(",") if origin.strip()]
