"""The lead's pages: /console/policy (data from /api/v1/policies), /console/agents (from
/api/v1/agents), /console/rollout and /console/capacity. All are plain pages; the API decides
who may see and change anything."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.web.pages import templates

router = APIRouter(include_in_schema=False)


@router.get("/console/policy", response_class=HTMLResponse)
def policy_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "policy.html", {})


@router.get("/console/agents", response_class=HTMLResponse)
def agents_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "agents.html", {})


@router.get("/console/rollout", response_class=HTMLResponse)
def rollout_page(request: Request) -> HTMLResponse:
    """Each topic's roll-out mode, the kill switch and the history (data from /api/v1/rollout)."""
    return templates.TemplateResponse(request, "rollout.html", {})


@router.get("/console/capacity", response_class=HTMLResponse)
def capacity_page(request: Request) -> HTMLResponse:
    """Agents needed per half hour against those on duty, and the what-ifs (data from
    /api/v1/capacity/plan)."""
    return templates.TemplateResponse(request, "capacity.html", {})
