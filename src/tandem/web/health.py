"""Probes for a process manager or load balancer: ``/healthz`` says the process is alive,
``/readyz`` whether it can serve a customer now (database, Redis when configured, the
understanding models loaded). Neither needs a login, and neither says more than up or down
per check: no versions, addresses or error texts for a stranger to read."""

from __future__ import annotations

from typing import Literal

import redis
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from tandem.services.runtime import Runtime

router = APIRouter(tags=["operations"])

Check = Literal["ok", "failed", "not configured"]
PROBE_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    database: Check
    redis: Check
    models: Check


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process answers (it says nothing about the database)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A check failed; try another process."}},
)
def readyz(request: Request) -> JSONResponse:
    """200 when every dependency answers now, else 503 with the check that failed."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    result = Readiness(
        status="ready",
        database=_database(runtime),
        redis=_redis(request, runtime),
        models="ok" if runtime is not None and runtime.understander is not None else "failed",
    )
    if "failed" in (result.database, result.redis, result.models):
        result.status = "unavailable"
    return JSONResponse(result.model_dump(), status_code=200 if result.status == "ready" else 503)


def _database(runtime: Runtime | None) -> Check:
    if runtime is None:
        return "failed"
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the database logs why
        return "failed"
    return "ok"


def _redis(request: Request, runtime: Runtime | None) -> Check:
    if runtime is None or not runtime.settings.redis_url:
        return "not configured"
    client: redis.Redis | None = getattr(request.app.state, "readiness_redis", None)
    if client is None:
        client = redis.Redis.from_url(
            runtime.settings.redis_url,
            socket_timeout=PROBE_TIMEOUT_SECONDS,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        )
        request.app.state.readiness_redis = client
    try:
        client.ping()
    except redis.RedisError:
        return "failed"
    return "ok"
