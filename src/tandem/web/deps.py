"""Request dependencies: the runtime, the client's address, bearer tokens, the logged-in agent."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from tandem.config import Network
from tandem.domain.errors import Unauthorized
from tandem.services.agent_accounts import require_lead
from tandem.services.agents import Agent, authenticate
from tandem.services.runtime import Runtime
from tandem.types import ClientAddress

_bearer = HTTPBearer(auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def client_address(request: Request) -> ClientAddress:
    """The client's IP address, the one key of every per-address limit.

    The connection's peer, unless that peer is one of TANDEM_TRUSTED_PROXIES: then the address
    that proxy put in X-Forwarded-For (read from the right, skipping our own proxies), because
    anything further left was written by the client and proves nothing."""
    peer = request.client.host if request.client else "unknown"
    proxies = get_runtime(request).settings.proxy_networks
    if not proxies or not _within(peer, proxies):
        return ClientAddress(peer)
    forwarded = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
    for entry in reversed([part.strip() for part in forwarded if part.strip()]):
        if not _within(entry, proxies):
            return ClientAddress(entry if _is_address(entry) else peer)
    return ClientAddress(peer)


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


async def _address(request: Request) -> ClientAddress:
    return client_address(request)


# The dependencies below are `async def` though they never wait: FastAPI runs a plain `def`
# dependency in the thread pool, a hop per dependency per request.


async def _runtime(request: Request) -> Runtime:
    return get_runtime(request)


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send the token as 'Authorization: Bearer <token>'")
    return credentials.credentials


async def current_agent(
    runtime: Annotated[Runtime, Depends(_runtime)],
    token: Annotated[str, Depends(bearer_token)],
) -> Agent:
    return await run_in_threadpool(authenticate, runtime.engine, token)


async def current_lead(agent: Annotated[Agent, Depends(current_agent)]) -> Agent:
    """The logged-in agent, who must be a lead (403 before the body is even looked at)."""
    require_lead(agent)
    return agent


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
TokenDep = Annotated[str, Depends(bearer_token)]
AgentDep = Annotated[Agent, Depends(current_agent)]
LeadDep = Annotated[Agent, Depends(current_lead)]
ClientDep = Annotated[ClientAddress, Depends(_address)]
