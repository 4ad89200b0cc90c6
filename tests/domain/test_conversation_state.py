import itertools

import pytest

from tandem.domain.conversation import Actor, EventKind, State, allowed, transition
from tandem.domain.errors import InvalidTransition

LEGAL = {
    (State.AI, State.QUEUED): EventKind.HANDED_OFF,
    (State.QUEUED, State.HUMAN): EventKind.TAKEN,
    (State.HUMAN, State.QUEUED): EventKind.RETURNED,
    (State.HUMAN, State.AI): EventKind.HANDED_BACK,
    (State.HUMAN, State.CLOSED): EventKind.CLOSED,
    (State.AI, State.CLOSED): EventKind.CLOSED,
    (State.QUEUED, State.CLOSED): EventKind.CLOSED,
}


def test_that_the_ai_hands_a_conversation_to_the_queue_and_records_why() -> None:
    change = transition(State.AI, State.QUEUED, Actor.AI, "customer_request")
    assert change.kind is EventKind.HANDED_OFF
    assert (change.from_state, change.to_state) == (State.AI, State.QUEUED)
    assert change.actor is Actor.AI and change.reason == "customer_request"


def test_that_only_an_agent_takes_a_queued_conversation_or_routing_assigns_it() -> None:
    assert transition(State.QUEUED, State.HUMAN, Actor.AGENT, "taken").kind is EventKind.TAKEN
    assert transition(State.QUEUED, State.HUMAN, Actor.SYSTEM, "assigned").kind is EventKind.TAKEN
    for actor in (Actor.AI, Actor.CUSTOMER):
        with pytest.raises(InvalidTransition):
            transition(State.QUEUED, State.HUMAN, actor, "taken")


def test_that_only_an_agent_hands_a_conversation_back_to_the_ai() -> None:
    assert transition(State.HUMAN, State.AI, Actor.AGENT, "back").kind is EventKind.HANDED_BACK
    with pytest.raises(InvalidTransition):
        transition(State.HUMAN, State.AI, Actor.AI, "back")


def test_that_a_closed_conversation_never_changes_owner_again() -> None:
    for target, actor in itertools.product(State, Actor):
        assert not allowed(State.CLOSED, target, actor)


def test_that_the_ai_can_never_take_a_conversation_from_a_human() -> None:
    assert not allowed(State.HUMAN, State.QUEUED, Actor.AI)
    assert not allowed(State.HUMAN, State.QUEUED, Actor.CUSTOMER)
    assert not allowed(State.HUMAN, State.AI, Actor.AI)


def test_that_every_pair_of_states_outside_the_rule_table_is_refused() -> None:
    for source, target in itertools.product(State, State):
        if (source, target) in LEGAL:
            continue
        for actor in Actor:
            with pytest.raises(InvalidTransition):
                transition(source, target, actor, "any")


def test_that_each_legal_change_appends_the_event_of_its_kind() -> None:
    for (source, target), kind in LEGAL.items():
        actor = next(a for a in Actor if allowed(source, target, a))
        assert transition(source, target, actor, "why").kind is kind
