"""The HTML pages: the demo shop with the widget, the agent console, and the widget script."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from tandem.domain.errors import NotFound
from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES
from tandem.web import shop_page
from tandem.web.deps import RuntimeDep

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
shop_router = APIRouter(include_in_schema=False)  # only when the demo is on


@shop_router.get("/", response_class=HTMLResponse)
def shop(
    request: Request,
    runtime: RuntimeDep,
    as_: Annotated[str, Query(alias="as", max_length=32)] = "guest",
    lang: Annotated[str | None, Query(max_length=16)] = None,
) -> HTMLResponse:
    """The demo shop; like a real shop's server it signs its signed-in customer's address.

    It vouches only for the demo shop's own customers: with your shop behind Tandem
    (shop_backend=http) its demo customers stay unsigned, so guests.
    """
    email = shop_page.customer_email(as_)  # a guest when no demo customer has that name
    signature = None
    if email is not None and runtime.settings.shop_backend == "demo":
        signature = runtime.identity.sign(email)
    persona = runtime.shop.customer_by_email(email) if email else None
    if lang in SUPPORTED_LANGUAGES:
        language = lang
    else:
        language = persona.language if persona else runtime.settings.default_language
    base_url = str(request.base_url).rstrip("/")
    context = {
        "customer_email": email,
        "customer_signature": signature,
        "who": as_ if email else "guest",
        "language": language,
        "languages": [(code, locale(code).name) for code in SUPPORTED_LANGUAGES],
        "base_url": base_url,
        "t": shop_page.texts(language),
        "cards": shop_page.cards(language),
        "customers": shop_page.demo_customers(),
    }
    return templates.TemplateResponse(request, "shop.html", context)


@router.get("/console", response_class=HTMLResponse)
def console(request: Request, runtime: RuntimeDep) -> HTMLResponse:
    context = {
        "languages": [(code, locale(code).name) for code in SUPPORTED_LANGUAGES],
        "default_language": runtime.settings.default_language,
    }
    return templates.TemplateResponse(request, "console.html", context)


@router.get("/help/{language}/{slug}", response_class=HTMLResponse)
def help_article(
    request: Request, runtime: RuntimeDep, language: str, slug: str
) -> HTMLResponse:
    """A help-centre article: the page every link the assistant sends points to."""
    article = runtime.knowledge.article(language, slug) if language in SUPPORTED_LANGUAGES else None
    if article is None:
        raise NotFound("no such help article")
    context = {"article": article, "language": language, "labels": locale(language).widget}
    return templates.TemplateResponse(request, "help.html", context)


@router.get("/widget.js")
def widget(runtime: RuntimeDep) -> Response:
    """The widget as one script for a shop's page: the shared API client, every language's
    labels (from the data folders), then the widget."""
    return Response(widget_script(runtime.settings.default_language), media_type="text/javascript")


@functools.cache
def widget_script(default_language: str) -> str:
    labels = {code: dict(locale(code).widget) for code in SUPPORTED_LANGUAGES}
    data = json.dumps({"default": default_language, "labels": labels}, ensure_ascii=False)
    api, widget = ((STATIC / name).read_text("utf-8") for name in ("api.js", "widget.js"))
    return "\n".join((api, f"window.__tandemLanguages = {data};", widget))
