"""/metrics: operational metrics in the Prometheus text format (services/telemetry.py).

Who may read it: with TANDEM_METRICS_TOKEN set, a request with that bearer token; without it,
only a request from this machine that no proxy forwarded. It holds no customer data either way.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from tandem.domain.errors import Forbidden, Unauthorized
from tandem.services.telemetry import exposition
from tandem.web.deps import RuntimeDep
from tandem.web.errors import documented

router = APIRouter(tags=["operations"])
_LOOPBACK = frozenset({"127.0.0.1", "::1"})


_bearer = HTTPBearer(auto_error=False, description="TANDEM_METRICS_TOKEN, when it is set.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _allowed(request: Request, token: str, given: HTTPAuthorizationCredentials | None) -> None:
    if token:
        sent = given.credentials if given is not None else ""
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise Unauthorized("send TANDEM_METRICS_TOKEN as a bearer token")
        return
    peer = request.client.host if request.client else ""
    if peer not in _LOOPBACK or "x-forwarded-for" in request.headers:
        raise Forbidden("/metrics answers only this machine unless TANDEM_METRICS_TOKEN is set")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format."},
        **documented(401, 403),
    },
)
async def metrics(request: Request, runtime: RuntimeDep, given: BearerDep) -> Response:
    """Turn latency, messages, hand-overs by reason, queue length, agents online."""
    _allowed(request, runtime.settings.metrics_token.get_secret_value(), given)
    body = await run_in_threadpool(exposition, runtime)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
