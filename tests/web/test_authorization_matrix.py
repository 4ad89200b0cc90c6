"""Who may call what: every route of the app by every kind of caller, each cell an exact status.

The routes come from the app itself, so a new endpoint without a row here fails this test. The
callers: the customer of conversation A, the customer of another conversation B, the agent who
owns A, another agent, a lead, and nobody. Every request aims at conversation A (taken by its
agent); an unexpected allow, or an unexpected refusal, is a failure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.types import ASGIApp, Message

from conftest import DEMO_PASSWORD
from tandem.domain.policy import DEFAULT_POLICY
from tandem.services import conversations, desk, macros
from tandem.services.agents import authenticate, create_agent, login
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.storage.db import transaction

CUSTOMER_A, CUSTOMER_B = "customer A", "customer B"
AGENT, OTHER_AGENT, LEAD, NOBODY = "agent", "other agent", "lead", "nobody"
CALLERS = (CUSTOMER_A, CUSTOMER_B, AGENT, OTHER_AGENT, LEAD, NOBODY)
AGENT_EMAILS = {
    AGENT: "anna@tandem.example",
    OTHER_AGENT: "ben@tandem.example",
    LEAD: "lisa@tandem.example",
}
Row = dict[str, int]


def everyone(status: int) -> Row:
    return dict.fromkeys(CALLERS, status)


def only(allowed: dict[str, int], others: int = 401) -> Row:
    return {caller: allowed.get(caller, others) for caller in CALLERS}


def agents(agent: int, other: int, lead: int) -> Row:
    return only({AGENT: agent, OTHER_AGENT: other, LEAD: lead})


def leads(lead: int) -> Row:
    return only({AGENT: 403, OTHER_AGENT: 403, LEAD: lead})


CONVERSATION = "/api/v1/conversations/{conversation_id}"
DESK = "/api/v1/agent/conversations/{conversation_id}"
POLICY = DEFAULT_POLICY.read_text("utf-8")

#: (method, route path) -> caller -> status, conversation A being taken by AGENT.
EXPECTED: dict[tuple[str, str], Row] = {
    # the customer API: open to all, then only with the conversation's own token
    ("POST", "/api/v1/conversations"): everyone(201),
    ("POST", f"{CONVERSATION}/messages"): only({CUSTOMER_A: 200}),
    ("GET", f"{CONVERSATION}/messages"): only({CUSTOMER_A: 200}),
    ("GET", CONVERSATION): only({CUSTOMER_A: 200}),
    ("GET", f"{CONVERSATION}/stream"): only({CUSTOMER_A: 200}),
    ("POST", f"{CONVERSATION}/rating"): only({CUSTOMER_A: 409}),  # open: nothing to rate yet
    ("POST", f"{CONVERSATION}/nps"): only({CUSTOMER_A: 409}),  # open: not asked yet
    ("PUT", f"{CONVERSATION}/messages/{{offset}}/thumb"): only({CUSTOMER_A: 200}),
    ("POST", f"{CONVERSATION}/close"): only({CUSTOMER_A: 200}),
    ("POST", f"{CONVERSATION}/typing"): only({CUSTOMER_A: 204}),
    # the agent API: agents and leads; acting on a conversation needs owning it
    ("POST", "/api/v1/agent/login"): everyone(200),  # with the agent's own password
    ("POST", "/api/v1/agent/logout"): agents(204, 204, 204),
    ("GET", "/api/v1/agent/me"): agents(200, 200, 200),
    ("GET", "/api/v1/agent/settings"): agents(200, 200, 200),
    ("GET", "/api/v1/agent/queue"): agents(200, 200, 200),
    ("GET", "/api/v1/agent/conversations"): agents(200, 200, 200),
    ("GET", DESK): agents(200, 200, 200),
    ("GET", f"{DESK}/messages"): agents(200, 200, 200),
    ("POST", f"{DESK}/take"): agents(200, 409, 409),  # taken by AGENT: again is the same
    ("POST", f"{DESK}/messages"): agents(201, 409, 409),
    ("POST", f"{DESK}/draft"): agents(200, 409, 409),
    ("POST", f"{DESK}/hand-back"): agents(200, 409, 409),
    ("POST", f"{DESK}/ai-draft"): agents(404, 409, 409),  # A has no shadow draft
    ("POST", f"{DESK}/ai-draft/action"): agents(404, 409, 409),
    ("POST", f"{DESK}/close"): agents(200, 403, 200),
    ("POST", f"{DESK}/notes"): agents(201, 201, 201),  # a note for colleagues: any agent
    ("GET", f"{DESK}/macros"): agents(200, 200, 200),
    ("GET", f"{DESK}/earlier"): agents(200, 200, 200),
    ("GET", f"{DESK}/suggestion"): agents(200, 200, 200),
    ("POST", f"{DESK}/suggestion"): agents(409, 409, 409),  # A's customer only asked for a person
    ("GET", "/api/v1/macros"): agents(200, 200, 200),
    ("POST", "/api/v1/macros"): leads(201),
    ("PUT", "/api/v1/macros/{macro_id}"): leads(200),
    ("DELETE", "/api/v1/macros/{macro_id}"): leads(204),
    ("POST", f"{DESK}/transfer"): agents(200, 409, 409),
    # the lead API: leads only
    ("GET", "/api/v1/policies"): leads(200),
    ("GET", "/api/v1/policies/{version}"): leads(200),
    ("POST", "/api/v1/policies/check"): leads(200),
    ("POST", "/api/v1/policies"): leads(201),
    ("POST", "/api/v1/policies/{version}/activate"): leads(200),
    ("POST", "/api/v1/policies/rollback"): leads(409),  # nothing to roll back to
    ("GET", "/api/v1/agents"): leads(200),
    ("POST", "/api/v1/agents"): leads(201),
    ("PATCH", "/api/v1/agents/{agent_id}"): leads(200),
    ("POST", "/api/v1/agents/{agent_id}/reset-password"): leads(200),
    ("GET", "/api/v1/metrics"): leads(200),
    ("GET", "/api/v1/metrics/conversations"): leads(200),
    ("GET", "/api/v1/metrics/daily"): leads(200),
    ("GET", "/api/v1/metrics/export.csv"): leads(200),
    ("GET", "/api/v1/capacity/plan"): leads(200),
    ("GET", "/console/dashboard/view"): leads(200),  # the dashboard's body: leads only
    ("GET", "/api/v1/rollout/topics"): leads(200),
    ("PUT", "/api/v1/rollout/topics/{topic}"): leads(200),
    ("POST", "/api/v1/rollout/kill"): leads(200),
    ("GET", "/api/v1/rollout/history"): leads(200),
    ("GET", "/api/v1/rollout/evaluation"): leads(200),
    ("GET", "/api/v1/rollout/topics/{topic}/impact"): leads(200),
    # pages and documents: public (the console's data comes from the agent API)
    ("GET", "/"): everyone(200),
    ("GET", "/console"): everyone(200),
    ("GET", "/console/policy"): everyone(200),
    ("GET", "/console/agents"): everyone(200),
    ("GET", "/console/dashboard"): everyone(200),  # a shell: its body needs a lead's token
    ("GET", "/console/rollout"): everyone(200),
    ("GET", "/console/capacity"): everyone(200),
    ("GET", "/help/{language}/{slug}"): everyone(200),
    ("GET", "/widget.js"): everyone(200),
    ("GET", "/openapi.json"): everyone(200),
    ("GET", "/metrics"): everyone(200),  # from this machine; test_operational_metrics.py: others
    ("GET", "/docs"): everyone(200),
    ("GET", "/healthz"): everyone(200),
    ("GET", "/api/v1/languages"): everyone(200),
    ("GET", "/readyz"): everyone(200),
    ("GET", "/redoc"): everyone(200),
    # the desk status: an agent's own; last, as going away returns their conversations
    ("GET", "/api/v1/agent/status"): agents(200, 200, 200),
    ("POST", "/api/v1/agent/heartbeat"): agents(200, 200, 200),
    ("PUT", "/api/v1/agent/status"): agents(200, 200, 200),
}

#: Allowed calls that change who owns conversation A (the others leave it as it was).
CHANGES_CONVERSATION_A = {
    ("POST", f"{DESK}/hand-back"),
    ("POST", f"{DESK}/transfer"),
    ("POST", f"{DESK}/close"),
    ("POST", f"{CONVERSATION}/close"),
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/conversations"): {"language": "en"},
    ("POST", f"{CONVERSATION}/messages"): {"text": "where is my order?"},
    ("POST", f"{CONVERSATION}/rating"): {"score": 5},
    ("POST", f"{CONVERSATION}/nps"): {"score": 9},
    ("PUT", f"{CONVERSATION}/messages/{{offset}}/thumb"): {"up": True},
    ("POST", "/api/v1/agent/login"): {"email": AGENT_EMAILS[AGENT], "password": DEMO_PASSWORD},
    ("POST", f"{DESK}/messages"): {"text": "Let me look into it."},
    ("PUT", "/api/v1/agent/status"): {"status": "away"},
    ("POST", f"{DESK}/ai-draft"): {"use": "discard"},
    ("POST", f"{DESK}/suggestion"): {"message": 1},
    ("POST", f"{DESK}/notes"): {"text": "Checked the order; waiting on the carrier."},
    ("POST", f"{DESK}/transfer"): {"team": "payments", "note": "A double charge."},
    ("POST", "/api/v1/policies/check"): {"text": POLICY},
    ("POST", "/api/v1/policies"): {"text": POLICY, "note": "the same again"},
    ("POST", "/api/v1/agents"): {
        "email": "new@tandem.example",
        "name": "New Agent",
        "password": "a-long-password",
    },
    ("PATCH", "/api/v1/agents/{agent_id}"): {"name": "Spare Agent", "active": False},
    ("PUT", "/api/v1/rollout/topics/{topic}"): {"mode": "on", "note": "as it was"},
    ("POST", "/api/v1/rollout/kill"): {"topic": "invoices", "note": "a test"},
    ("POST", "/api/v1/agents/{agent_id}/reset-password"): {"password": "another-password"},
    ("POST", "/api/v1/macros"): {"title": "Hello", "language": "en", "text": "Hi {first_name}"},
    ("PUT", "/api/v1/macros/{macro_id}"): {"title": "Hi", "language": "en", "text": "Hi there"},
}
MACRO = ("DELETE", "/api/v1/macros/{macro_id}")


@dataclass
class World:
    """Conversation A taken by AGENT, conversation B with the AI, and everyone's token."""

    runtime: Runtime
    conversation: str = ""
    spare: str = ""  # an agent account the lead API changes (no caller logs in with it)
    macro: int = 0  # a macro the lead API changes and deletes
    tokens: dict[str, str] = field(default_factory=dict)  # a customer's: their conversation's

    def __post_init__(self) -> None:
        for caller in AGENT_EMAILS:
            self.log_in(caller)
        with transaction(self.runtime.engine) as connection:
            self.spare = create_agent(connection, "spare@tandem.example", "Spare", DEMO_PASSWORD).id
        b = conversations.start_conversation(self.runtime, "en", None)
        self.tokens[CUSTOMER_B] = b.token
        self.new_conversation_a()
        self.new_macro()

    def new_macro(self) -> None:
        lead = authenticate(self.runtime.engine, self.tokens[LEAD])
        self.macro = macros.create(self.runtime, lead, macros.NewMacro("Hi", "en", "Hi!")).id

    def log_in(self, caller: str) -> None:
        email = AGENT_EMAILS[caller]
        self.tokens[caller], _ = login(self.runtime, email, DEMO_PASSWORD, "in-process")

    def new_conversation_a(self) -> None:
        a = conversations.start_conversation(self.runtime, "en", None)
        self.conversation, self.tokens[CUSTOMER_A] = a.conversation.id, a.token
        conversations.post_customer_message(  # answered at offset 3: a thumb may rate it
            self.runtime, a.conversation.id, a.token, "What are your opening hours?", False
        )
        conversations.post_customer_message(
            self.runtime, a.conversation.id, a.token, "a person", True
        )
        desk.take(
            self.runtime, authenticate(self.runtime.engine, self.tokens[AGENT]), self.conversation
        )

    def after_allowed(self, key: tuple[str, str], caller: str) -> None:
        """Undo what an allowed call changed, so the next caller finds the same world."""
        if key[1].endswith("/logout"):
            self.log_in(caller)
        elif key in CHANGES_CONVERSATION_A:
            self.new_conversation_a()
        elif key == MACRO:
            self.new_macro()


def _routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if isinstance(route.original_route, Mount):  # /static: files, no access rules
            continue
        methods = sorted((route.methods or set()) - {"HEAD"})
        found += [(method, str(route.path)) for method in methods]
    return found


def _path(template: str, world: World) -> str:
    return template.format(
        conversation_id=world.conversation,
        version=1,
        language="en",
        slug="returns",
        agent_id=world.spare,
        offset=3,  # the AI's answer (the greeting and notices get no thumb)
        topic="refunds",
        macro_id=world.macro,
    )


async def _status(
    app: ASGIApp, method: str, target: str, headers: dict[str, str], body: bytes
) -> int:
    """The status the app answers with (the event stream is left at its first line)."""
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    status, started, sent = 0, anyio.Event(), False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            started.set()

    async with anyio.create_task_group() as group:
        group.start_soon(app, scope, receive, send)
        await started.wait()
        group.cancel_scope.cancel()
    return status


def _call(client: TestClient, world: World, key: tuple[str, str], caller: str) -> int:
    method, template = key
    target, headers = _path(template, world), {"Content-Type": "application/json"}
    token = world.tokens.get(caller)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if template.endswith("/stream"):
        target += f"?token={token or ''}"  # EventSource sends the token in the query
    body = json.dumps(BODIES[key]).encode() if key in BODIES else b""
    return anyio.run(_status, client.app, method, target, headers, body)


def test_that_every_route_has_a_row_in_the_matrix(client: TestClient) -> None:
    assert sorted(_routes(client)) == sorted(EXPECTED)


def test_that_each_caller_gets_exactly_the_expected_status_on_every_route(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    world, wrong = World(runtime), []
    for key, row in EXPECTED.items():
        for caller in CALLERS:
            status = _call(client, world, key, caller)
            if status != row[caller]:
                wrong.append(f"{' '.join(key)} by {caller}: {status}, expected {row[caller]}")
            if status < 300:
                world.after_allowed(key, caller)
    assert not wrong, "\n".join(wrong)


def test_that_every_refusal_in_the_matrix_is_documented_in_the_openapi_schema(
    client: TestClient,
) -> None:
    """Each 401/403/404/409... a caller really gets is listed for that operation, with the
    error body (the schema test checks the body's shape)."""
    paths = client.get("/openapi.json").json()["paths"]
    missing = []
    for (method, path), row in EXPECTED.items():
        if not path.startswith("/api/"):
            continue
        documented = paths[path][method.lower()]["responses"]
        missing += [
            f"{method} {path}: {status}"
            for status in sorted({s for s in row.values() if s >= 400})
            if str(status) not in documented
        ]
    assert not missing, "\n".join(missing)
