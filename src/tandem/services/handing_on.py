"""Notes between colleagues and handing a conversation on: an internal note, a transfer to a
team or an agent with a note, a hand-back to the AI with a note.

A note is a ``note`` event (actor agent): the agent side shows it in the timeline; the
customer's API reads messages only, so the customer never sees one. A transfer to a team puts
the conversation back in the queue for that team (keeping its first queue time, so it comes
back at the front) and routing offers it to whoever fits; nobody online in that team is allowed
(it waits, and the answer says so). A transfer to an agent needs them online with room.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from tandem.answering.replies import replies
from tandem.domain.conversation import Actor, State
from tandem.domain.errors import Conflict, InvalidInput
from tandem.security.redaction import Redacted, redact
from tandem.services import routing
from tandem.services.agent_accounts import known_teams
from tandem.services.agents import Agent
from tandem.services.desk import (
    MAX_NOTE,
    ConversationView,
    record_note,
    require_owner,
    view,
    view_of,
)
from tandem.services.runtime import Runtime
from tandem.services.validation import clean_text
from tandem.storage.conversations import ConversationUnit
from tandem.storage.db import transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents, conversations
from tandem.types import AgentId


@dataclass(frozen=True, slots=True)
class Handed:
    view: ConversationView
    waiting: bool  # True: in the queue, nobody took it yet
    told: str  # what happened, for the agent who handed it on


def note_text(text: str | None) -> Redacted:
    if not (text or "").strip():
        raise InvalidInput("note: write what your colleague should know")
    return redact(clean_text(str(text), MAX_NOTE))


def add_note(runtime: Runtime, agent: Agent, conversation_id: str, text: str) -> ConversationView:
    """Any agent may leave a note on any conversation (for whoever works on it next)."""
    note = note_text(text)
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        record_note(unit, agent, note)
        return view_of(runtime, connection, unit.conversation)


def transfer_to_team(
    runtime: Runtime, agent: Agent, conversation_id: str, team: str, note: str | None
) -> Handed:
    """The owner puts the conversation back in the queue for `team`, with a note."""
    text = note_text(note)
    with transaction(runtime.engine) as connection:
        known = known_teams(
            runtime.settings.team_names, runtime.policies.current(connection).policy
        )
        name = team.strip().lower()
        if name not in known:
            raise InvalidInput(f"team: unknown team {team!r}; known: {', '.join(known)}")
        unit = ConversationUnit.load(connection, conversation_id)
        require_owner(unit, agent)
        first_queued = unit.conversation.queued_at or unit.conversation.created_at
        record_note(unit, agent, text, transfer_to=f"team:{name}")
        unit.move(
            State.QUEUED, Actor.AGENT, "transferred", agent_id=agent.id, detail={"team": name}
        )
        unit.set(queued_at=first_queued, handoff_team=name)
        unit.say(Actor.SYSTEM, replies(unit.conversation.language).say("transferred").text)
        online = _online_in(connection, name, unit.conversation.language)
    routing.assign_waiting(runtime)
    after = view(runtime, conversation_id)
    if after.conversation.state is State.HUMAN:
        told = f"Transferred to {name}: {after.agent_name or 'an agent'} has it now."
    elif online:
        told = f"Transferred to {name}: it waits in the queue until someone there has room."
    else:
        minutes = runtime.settings.routing_fallback_minutes
        told = (
            f"Transferred to {name}, but nobody in {name} who speaks "
            f"{after.conversation.language.upper()} is online: it waits in the queue (after "
            f"{minutes:g} minutes any online agent may get it)."
        )
    return Handed(after, after.conversation.state is State.QUEUED, told)


def transfer_to_agent(
    runtime: Runtime, agent: Agent, conversation_id: str, to: str, note: str | None
) -> Handed:
    """The owner hands the conversation straight to a colleague who is online and has room."""
    text = note_text(note)
    if to == agent.id:
        raise InvalidInput("agent_id: that is you; choose a colleague")
    with transaction(runtime.engine) as connection:
        serialise(connection, routing.LOCK)  # loads are read after other assigners commit
        target = connection.execute(
            select(agents.c.id, agents.c.name, agents.c.status, agents.c.max_concurrent).where(
                agents.c.id == to, agents.c.active
            )
        ).first()
        if target is None:
            raise InvalidInput("agent_id: no active agent with this id")
        unit = ConversationUnit.load(connection, conversation_id)
        require_owner(unit, agent)
        if target.status != "online":
            raise Conflict(f"{target.name} is {target.status}; transfer to their team instead")
        load = connection.execute(
            select(func.count()).where(
                conversations.c.state == State.HUMAN.value, conversations.c.agent_id == to
            )
        ).scalar_one()
        if load >= target.max_concurrent:
            raise Conflict(f"{target.name} has no room ({load} of {target.max_concurrent} open)")
        first_queued = unit.conversation.queued_at or unit.conversation.created_at
        record_note(unit, agent, text, transfer_to=f"agent:{to}")
        unit.move(State.QUEUED, Actor.AGENT, "transferred", agent_id=agent.id)
        unit.set(queued_at=first_queued)
        unit.move(State.HUMAN, Actor.AGENT, "transferred", agent_id=AgentId(to))
        say = replies(unit.conversation.language).say
        unit.say(Actor.SYSTEM, say("agent_joined", agent=target.name).text)
        handed = view_of(runtime, connection, unit.conversation)
    routing.assign_waiting(runtime)  # the agent who handed it on has room again
    return Handed(handed, False, f"Transferred to {target.name}.")


def _online_in(connection: Connection, team: str, language: str) -> bool:
    """Someone online in `team` who speaks `language` (full or not)."""
    rows = connection.execute(
        select(agents.c.teams, agents.c.languages).where(
            agents.c.active, agents.c.status == "online"
        )
    ).all()
    return any(
        team in row.teams.split(",") and language in row.languages.split(",") for row in rows
    )
