"""Versioned policies in the database: propose, activate, roll back, and every worker follows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select

from tandem.domain.errors import Conflict, Forbidden, NotFound
from tandem.domain.policy import DEFAULT_POLICY, InvalidPolicy
from tandem.services import policies
from tandem.services.agents import Agent, Role, create_agent
from tandem.services.conversations import post_customer_message, start_conversation
from tandem.services.runtime import Runtime
from tandem.storage.db import transaction
from tandem.storage.tables import conversations
from tandem.storage.tables import policies as policy_table

#: The default policy, but a question about an order goes to a person.
ORDERS_TO_PEOPLE = DEFAULT_POLICY.read_text("utf-8").replace(
    "rules:\n",
    "rules:\n  - {name: orders_to_people, when: 'intent == \"where_is_my_order\"', "
    "action: handoff, reason: business_rule}\n",
    1,
)
#: The default policy with two mistakes: an unknown fact and an unknown reason code.
BROKEN = (
    DEFAULT_POLICY.read_text("utf-8")
    .replace('when: (intent == "complaint"', 'when: (intnet == "complaint"')
    .replace("reason: double_charge", "reason: charged_twice")
)


def line_of(text: str, part: str) -> int:
    return text[: text.index(part)].count("\n") + 1


def make_agent(engine: Engine, role: Role, email: str = "lead@example.com") -> Agent:
    with transaction(engine) as connection:
        return create_agent(connection, email, "Lea Lead", "password123", role)


@pytest.fixture
def lead(runtime: Runtime) -> Agent:
    return make_agent(runtime.engine, Role.LEAD)


def where_is_my_order(runtime: Runtime) -> str | None:
    """A new conversation asks where an order is; the rule that handed it over, if any."""
    started = start_conversation(runtime, "en", None)
    turn = post_customer_message(
        runtime, started.conversation.id, started.token, "Where is my order?"
    )
    return turn.handoff.rule.split("/")[0] if turn.handoff else None  # nobody online: a ticket


def test_that_the_shipped_default_is_stored_as_the_active_version_1(
    runtime: Runtime, lead: Agent
) -> None:
    policies.ensure_default(runtime.engine)  # again, as a second worker starting does
    history = policies.history(runtime.engine, lead)
    assert history.active == 1
    assert [v.version for v in history.versions] == [1]
    assert [(a.version, a.activated_by) for a in history.activations] == [(1, None)]
    assert policies.text_of(runtime.engine, 1, lead) == DEFAULT_POLICY.read_text("utf-8")


def test_that_a_proposed_version_is_stored_but_not_active_until_activated(
    runtime: Runtime, lead: Agent
) -> None:
    version = policies.propose(runtime.engine, ORDERS_TO_PEOPLE, lead, "orders", activate=False)
    assert version == 2
    assert policies.history(runtime.engine, lead).active == 1
    history = policies.activate(runtime.engine, 2, lead)
    assert history.active == 2
    assert (history.activations[0].version, history.activations[0].activated_by) == (2, lead.id)
    assert history.versions[0].note == "orders"


def test_that_an_invalid_policy_is_refused_with_every_problem_and_the_active_one_kept(
    runtime: Runtime, lead: Agent
) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        policies.propose(runtime.engine, BROKEN, lead, None, activate=True)
    assert [problem.line for problem in refused.value.problems] == [
        line_of(BROKEN, "charged_twice"),
        line_of(BROKEN, "intnet"),
    ]
    assert policies.check(BROKEN, lead) == refused.value.problems
    with runtime.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(policy_table)).scalar() == 1
    assert policies.history(runtime.engine, lead).active == 1


def test_that_activating_a_version_changes_the_decision_of_the_next_turn(
    runtime: Runtime, lead: Agent
) -> None:
    assert where_is_my_order(runtime) is None
    policies.propose(runtime.engine, ORDERS_TO_PEOPLE, lead, None, activate=True)
    assert where_is_my_order(runtime) == "orders_to_people"
    with runtime.engine.connect() as connection:
        versions = connection.execute(
            select(conversations.c.policy_version).order_by(conversations.c.created_at)
        ).scalars()
        assert list(versions) == [1, 2]  # decisions record the database version


def test_that_rolling_back_activates_the_version_active_before(
    runtime: Runtime, lead: Agent
) -> None:
    policies.propose(runtime.engine, ORDERS_TO_PEOPLE, lead, None, activate=True)
    assert policies.rollback(runtime.engine, lead).active == 1
    assert where_is_my_order(runtime) is None
    assert (
        policies.rollback(runtime.engine, lead).active == 2
    )  # a second roll-back undoes the first


def test_that_there_is_nothing_to_roll_back_to_at_first(runtime: Runtime, lead: Agent) -> None:
    with pytest.raises(Conflict):
        policies.rollback(runtime.engine, lead)


def test_that_only_a_lead_may_change_the_policy(runtime: Runtime) -> None:
    agent = make_agent(runtime.engine, Role.AGENT, "agent@example.com")
    with pytest.raises(Forbidden):
        policies.propose(runtime.engine, ORDERS_TO_PEOPLE, agent, None, activate=True)
    with pytest.raises(Forbidden):
        policies.activate(runtime.engine, 1, agent)
    with pytest.raises(Forbidden):
        policies.rollback(runtime.engine, agent)
    with pytest.raises(Forbidden):
        policies.history(runtime.engine, agent)


def test_that_activating_an_unknown_version_is_not_found(runtime: Runtime, lead: Agent) -> None:
    with pytest.raises(NotFound):
        policies.activate(runtime.engine, 9, lead)
    with pytest.raises(NotFound):
        policies.text_of(runtime.engine, 9, lead)


def test_that_two_workers_on_the_same_database_switch_at_their_next_turn(
    runtime: Runtime, lead: Agent
) -> None:
    other = replace(runtime, policies=policies.ActivePolicy())  # a second worker process
    assert where_is_my_order(runtime) is None
    assert where_is_my_order(other) is None
    policies.propose(runtime.engine, ORDERS_TO_PEOPLE, lead, None, activate=True)
    assert where_is_my_order(other) == "orders_to_people"
    assert where_is_my_order(runtime) == "orders_to_people"
    policies.rollback(runtime.engine, lead)
    assert where_is_my_order(other) is None
    assert where_is_my_order(runtime) is None
