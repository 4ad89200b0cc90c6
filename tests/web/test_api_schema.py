"""Schemathesis over the whole OpenAPI schema: no 500s, and every answer is one the schema lists.

Every operation gets requests generated from its schema (valid ones and invalid ones), sent
with a customer's, an agent's or a lead's token, a random one or none, and in valid requests
often the real conversation id or policy version, so the requests reach past the 404. Each
answer must be documented (status, content type, body shape). Hypothesis is derandomized:
the same requests every run, a few seconds per operation.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.web.deps import bearer_token, current_lead

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: An invalid request may also be refused as too large (413) or too many (429).
REJECTED = ["400", "401", "403", "404", "405", "409", "413", "415", "422", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}
)
#: The event stream never ends by itself: it is cut after STREAM_SECONDS, which still sees two
#: of its polls (the first at once, the next STREAM_POLL_SECONDS later).
STREAM_POLL_SECONDS = 0.2
STREAM_SECONDS = 0.3


@dataclass(frozen=True)
class World:
    conversation: str
    tokens: dict[str, str]  # who -> bearer token


def _login(client: TestClient, email: str) -> str:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture
def runtime(runtime: Runtime) -> Runtime:
    """The runtime with a stream that polls often, so a cut stream has seen two polls."""
    update = {"stream_poll_seconds": STREAM_POLL_SECONDS}
    runtime.settings = runtime.settings.model_copy(update=update)
    return runtime


@pytest.fixture
def world(runtime: Runtime, client: TestClient) -> World:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")  # queued: agents can take it
    tokens = {
        "customer": chat.token,
        "agent": _login(client, "anna@tandem.example"),
        "lead": _login(client, "lisa@tandem.example"),
    }
    return World(chat.id, tokens)


@dataclass(frozen=True)
class Scenario:
    """How one batch of generated requests is sent."""

    mode: GenerationMode
    examples: int
    real: bool  # the owner's token and the real ids, so requests get past the 401 and 404


SCENARIOS = [
    Scenario(GenerationMode.POSITIVE, 20, real=True),
    Scenario(GenerationMode.POSITIVE, 8, real=False),
    Scenario(GenerationMode.NEGATIVE, 15, real=True),
]
ANYONE = ["customer", "agent", "lead", "nobody", "generated"]


def _owner(operation: APIOperation) -> str:
    """Whose token the operation is for."""
    if operation.path.startswith("/api/v1/conversations"):
        return "customer"
    leads = ("/api/v1/policies", "/api/v1/agents", "/api/v1/metrics", "/api/v1/capacity")
    return "lead" if operation.path.startswith(leads) else "agent"


def _use_real_ids(case: Case, world: World) -> None:
    """Put what exists into a valid request's path and query, so it gets past the 404."""
    path = case.path_parameters or {}
    if "conversation_id" in path:
        path["conversation_id"] = world.conversation
    if "version" in path:
        path["version"] = 1
    if case.query and "token" in case.query:
        case.query["token"] = world.tokens["customer"]


def _authorise(case: Case, world: World, who: str) -> None:
    headers = dict(case.headers or {})
    if who in world.tokens:
        headers["Authorization"] = f"Bearer {world.tokens[who]}"
    elif who == "nobody":
        headers.pop("Authorization", None)
    case.headers = headers  # "generated": whatever schemathesis made up


def _explore(operation: APIOperation, scenario: Scenario, world: World) -> None:
    people = [_owner(operation)] if scenario.real else ANYONE
    timeout = STREAM_SECONDS if operation.path.endswith("/stream") else None

    @settings(
        max_examples=scenario.examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=scenario.mode), who=st.sampled_from(people))
    def run(case: Case, who: str) -> None:
        if scenario.real and scenario.mode.is_positive:
            _use_real_ids(case, world)
        _authorise(case, world, who)
        response = case.call(timeout=timeout)
        case.validate_response(response, checks=CHECKS)

    run()


def _described(failure: Exception) -> str:
    """The failure with its sub-failures, each line cut short (a body can be 64 kB)."""
    lines = "".join(traceback.format_exception(failure)).splitlines()
    return "\n".join(line[:300] for line in lines if "site-packages" not in line)


def _operations(schema: OpenApiSchema) -> list[APIOperation]:
    """Every operation; logging out last, as it ends the agent's session the others use."""
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda operation: operation.path.endswith("/logout"))


def test_that_every_generated_request_gets_an_answer_the_schema_documents(
    client: TestClient, world: World
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=CONFIG)
    failures: list[str] = []
    for operation in _operations(schema):
        for scenario in SCENARIOS:
            try:
                _explore(operation, scenario, world)
            except Unsatisfiable:
                if scenario.mode.is_positive:
                    failures.append(f"{operation.label} ({scenario}): no request generated")
                # else: an operation without any input (/healthz) has no invalid request
            except Exception as failure:  # collect every operation's failure, then report all
                failures.append(f"{operation.label} ({scenario}):\n{_described(failure)}")
    assert not failures, "\n\n".join(failures)


def test_that_the_schema_documents_the_error_body_and_the_limits(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(components["ErrorDetail"]["required"]) == {"code", "message"}
    assert "HTTPValidationError" not in components  # FastAPI's default 422 is not what we send
    operations = {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    for (method, path), operation in operations.items():
        documented = operation["responses"]
        if "requestBody" in operation:
            assert {"413", "422"} <= set(documented), (method, path)
        for status, answer in documented.items():
            if status < "400" or (method, path, status) in (
                ("POST", "/api/v1/policies", "422"),  # may also list the problems, by line
                ("GET", "/readyz", "503"),  # a probe's answer: which check failed
            ):
                continue
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (method, path, status)
    for key in (
        ("POST", "/api/v1/agent/login"),
        ("POST", "/api/v1/conversations"),
        ("POST", "/api/v1/conversations/{conversation_id}/messages"),
    ):
        assert "Retry-After" in operations[key]["responses"]["429"]["headers"], key


def _needs(dependant: Dependant) -> set[Callable[..., Any]]:
    """Every function a route depends on, however deep."""
    found: set[Callable[..., Any]] = set()
    for sub in dependant.dependencies:
        if sub.call is not None:
            found.add(sub.call)
        found |= _needs(sub)
    return found


def test_that_every_route_documents_the_refusals_its_dependencies_can_give(
    client: TestClient,
) -> None:
    """From the code, not a list: a bearer token means 401, a lead's 403, an id in the path 404
    and 422, a body 400, 413 and 422; each with the error body (checked above)."""
    schema = client.get("/openapi.json").json()["paths"]
    missing = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        needs = _needs(route.dependant)
        expected = set()
        if bearer_token in needs:
            expected.add("401")
        if current_lead in needs:
            expected.add("403")
        if route.dependant.path_params:
            expected |= {"404", "422"}
        if route.dependant.body_params:
            expected |= {"400", "413", "422"}
        for method in route.methods - {"HEAD"}:
            documented = set(schema[str(context.path)][method.lower()]["responses"])
            missing += [f"{method} {context.path}: {status}" for status in expected - documented]
    assert not missing, "\n".join(sorted(missing))
