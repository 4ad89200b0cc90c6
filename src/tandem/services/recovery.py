"""No conversation left unanswered after a crash: the recovery job.

A customer's message is committed before the AI's turn runs, in a transaction of its own, so
a process that dies in between (kill -9, power loss, an out-of-memory kill) leaves a stored
message that no turn ever answered, in a conversation the AI still owns. Such a message is
*unanswered* (defined in :mod:`tandem.storage.unanswered`); once it is older than
``recovery_grace_seconds`` (so a turn still in progress is never raced), the job:

- re-runs its turn, once: the attempt is committed before the turn runs, so a message whose
  re-run kills the process again is never retried in a loop;
- hands the conversation to a person with reason ``system_error`` instead when the re-run
  fails, when an earlier re-run never finished (begun longer than the grace time ago), or
  when the message is older than ``recovery_max_age_seconds`` (no late AI answer to a
  customer who waited that long).

Each conversation is handled under its lock and the turn checks the message's handled mark,
so the job, a retry of the message and a turn in progress never answer it twice, in any
number of processes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tandem.domain.conversation import State
from tandem.services.conversations import answer_customer_message, hand_over_unanswered
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit, now
from tandem.storage.db import reading, transaction
from tandem.storage.unanswered import mark_retried, pending_messages, unanswered_conversations

log = logging.getLogger(__name__)

#: Conversations looked at per run; more wait for the next run.
BATCH = 100


class Recovery(StrEnum):
    NOTHING = "nothing"  # answered meanwhile (a retry, another process): nothing to do
    RERUN = "rerun"  # the turn ran again
    HANDED_OVER = "handed_over"  # a person takes over (reason system_error)


@dataclass(frozen=True, slots=True)
class Recovered:
    rerun: int = 0
    handed_over: int = 0


def recover_unanswered(runtime: Runtime, stopping: Callable[[], bool] = lambda: False) -> Recovered:
    """One run of the job: every conversation with an unanswered message past the grace time."""
    settings = runtime.settings
    stored_before = now() - dt.timedelta(seconds=settings.recovery_grace_seconds)
    with reading(runtime.engine) as connection:
        found = unanswered_conversations(connection, stored_before, BATCH)
    outcomes: list[Recovery] = []
    for conversation_id in dict.fromkeys(found):
        if stopping():
            break
        outcomes.append(recover_conversation(runtime, conversation_id))
    recovered = Recovered(outcomes.count(Recovery.RERUN), outcomes.count(Recovery.HANDED_OVER))
    if recovered != Recovered():
        log.warning(
            "recovered unanswered messages: %d turns re-run, %d handed to a person",
            recovered.rerun,
            recovered.handed_over,
        )
    return recovered


def recover_conversation(runtime: Runtime, conversation_id: str) -> Recovery:
    """Answer this conversation's unanswered messages: re-run their turns once, or hand over."""
    settings = runtime.settings
    moment = now()
    too_old = moment - dt.timedelta(seconds=settings.recovery_max_age_seconds)
    in_progress = moment - dt.timedelta(seconds=settings.recovery_grace_seconds)
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        if unit.conversation.state is not State.AI:
            return Recovery.NOTHING
        pending = pending_messages(connection, conversation_id)
        retried = [p.retried_at for p in pending if p.retried_at is not None]
        if not pending or any(at > in_progress for at in retried):
            return Recovery.NOTHING  # answered meanwhile, or a re-run is under way elsewhere
        give_up = bool(retried) or pending[0].message.created_at < too_old
        if not give_up:
            mark_retried(connection, *(p.message.id for p in pending))
    if give_up:
        hand_over_unanswered(runtime, conversation_id, pending[-1].message)
        return Recovery.HANDED_OVER
    for waiting in pending:
        answer_customer_message(runtime, conversation_id, waiting.message)
    return Recovery.RERUN
