"""Request dependencies: the runtime, bearer tokens and the logged-in agent."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from tandem.domain.errors import Unauthorized
from tandem.services.agents import Agent, authenticate
from tandem.services.runtime import Runtime
from tandem.types import ClientAddress

_bearer = HTTPBearer(auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send the token as 'Authorization: Bearer <token>'")
    return credentials.credentials


async def current_agent(
    runtime: Annotated[Runtime, Depends(get_runtime)],
    token: Annotated[str, Depends(bearer_token)],
) -> Agent:
    return await run_in_threadpool(authenticate, runtime.engine, token)


def client_address(request: Request) -> ClientAddress | None:
    """The TCP peer; a trusted proxy's X-Forwarded-For only with TANDEM_FORWARDED_ALLOW_IPS
    (create_app installs the proxy-headers middleware then, which rewrites request.client)."""
    return ClientAddress(request.client.host) if request.client is not None else None


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TokenDep = Annotated[str, Depends(bearer_token)]
AgentDep = Annotated[Agent, Depends(current_agent)]
ClientDep = Annotated[ClientAddress | None, Depends(client_address)]
