"""The HTML pages: the demo shop with the widget, the agent console, and the widget script."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from tandem.domain.errors import NotFound
from tandem.web.deps import RuntimeDep

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
shop_router = APIRouter(include_in_schema=False)  # only when the demo is on

DEMO_CUSTOMERS = {"emma": "emma@example.nl", "james": "james@example.com"}


@shop_router.get("/", response_class=HTMLResponse)
def shop(
    request: Request,
    runtime: RuntimeDep,
    as_: Annotated[Literal["guest", "emma", "james"], Query(alias="as")] = "guest",
    lang: Literal["nl", "en"] | None = None,
) -> HTMLResponse:
    """The demo shop; like a real shop's server it signs its signed-in customer's address.

    It vouches only for the demo shop's own customers: with your shop behind Tandem
    (shop_backend=http) its demo customers stay unsigned, so guests.
    """
    email = DEMO_CUSTOMERS.get(as_)
    signature = None
    if email is not None and runtime.settings.shop_backend == "demo":
        signature = runtime.identity.sign(email)
    language = lang or ("nl" if as_ == "emma" else "en")
    base_url = str(request.base_url).rstrip("/")
    context = {
        "customer_email": email,
        "customer_signature": signature,
        "language": language,
        "base_url": base_url,
    }
    return templates.TemplateResponse(request, "shop.html", context)


@router.get("/console", response_class=HTMLResponse)
def console(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "console.html", {})


@router.get("/help/{language}/{slug}", response_class=HTMLResponse)
def help_article(
    request: Request, runtime: RuntimeDep, language: Literal["nl", "en"], slug: str
) -> HTMLResponse:
    """A help-centre article: the page every link the assistant sends points to."""
    article = runtime.knowledge.article(language, slug)
    if article is None:
        raise NotFound("no such help article")
    context = {"article": article, "language": language}
    return templates.TemplateResponse(request, "help.html", context)


@router.get("/widget.js")
def widget() -> Response:
    """The widget as one script for a shop's page: the shared API client, then the widget."""
    return Response(widget_script(), media_type="text/javascript")


@functools.cache
def widget_script() -> str:
    return "\n".join((STATIC / name).read_text("utf-8") for name in ("api.js", "widget.js"))
