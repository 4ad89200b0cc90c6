"""Who gets a waiting conversation: automatic assignment as pure functions (no I/O).

An agent fits a conversation when they are online, have room (fewer open conversations than
their capacity), are in the conversation's team and speak its language. Among those who fit,
the least busy gets it; a tie goes to whoever finished a conversation least recently (never
finished counts as longest ago), then to the lower id so the choice is deterministic. A
conversation whose team or language no online agent has at all falls back to any online agent
with room once it has waited ``fallback_after``. services/routing.py applies the plan under
the database's locks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Candidate:
    agent_id: str
    teams: frozenset[str]
    languages: frozenset[str]
    capacity: int
    load: int  # conversations the agent has open now
    last_closed_at: dt.datetime | None = None
    online: bool = True

    @property
    def has_room(self) -> bool:
        return self.online and self.load < self.capacity

    def skilled(self, need: Need) -> bool:
        return need.team in self.teams and need.language in self.languages


@dataclass(frozen=True, slots=True)
class Need:
    """A queued conversation, in queue order when several are planned at once."""

    conversation_id: str
    team: str
    language: str
    queued_at: dt.datetime


def pick(
    need: Need, candidates: Iterable[Candidate], moment: dt.datetime, fallback_after: dt.timedelta
) -> Candidate | None:
    """The agent who gets ``need`` now, or None: it waits."""
    online = [c for c in candidates if c.online]
    fits = [c for c in online if c.has_room and c.skilled(need)]
    nobody_skilled = not any(c.skilled(need) for c in online)
    if not fits and nobody_skilled and moment - need.queued_at >= fallback_after:
        fits = [c for c in online if c.has_room]
    if not fits:
        return None
    return min(fits, key=lambda c: (c.load, c.last_closed_at or _NEVER, c.agent_id))


def plan(
    needs: Sequence[Need],
    candidates: Iterable[Candidate],
    moment: dt.datetime,
    fallback_after: dt.timedelta,
) -> list[tuple[str, str]]:
    """(conversation id, agent id) for every need that can be assigned now, in queue order;
    each assignment counts towards the agent's load for the next."""
    agents = {c.agent_id: c for c in candidates}
    assigned: list[tuple[str, str]] = []
    for need in needs:
        if not any(c.has_room for c in agents.values()):
            break
        chosen = pick(need, agents.values(), moment, fallback_after)
        if chosen is not None:
            agents[chosen.agent_id] = replace(chosen, load=chosen.load + 1)
            assigned.append((need.conversation_id, chosen.agent_id))
    return assigned
