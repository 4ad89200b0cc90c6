"""The lead's policy page (/console/policy): the data comes from /api/v1/policies."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.web.pages import templates

router = APIRouter(include_in_schema=False)


@router.get("/console/policy", response_class=HTMLResponse)
def policy_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "policy.html", {})
