"""Generated roll-out histories for the guardrail's tests: closed conversations of a topic with
known CSAT answers and shares of re-contacts, thumbs down, complaints and unresolved ones,
written straight into the per-conversation summaries (``conversation_metrics``)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from sqlalchemy import Engine, insert

from tandem.storage.conversations import now
from tandem.storage.db import transaction
from tandem.storage.tables import conversation_metrics, conversations, messages


def history(
    engine: Engine,
    topic: str,
    reason: str | None,
    csat: list[int],
    back: float,
    thumbs_down: float = 0.0,
    complaints: float = 0.0,
    unresolved: float = 0.0,
    at: dt.datetime | None = None,
) -> None:
    """Closed conversations of `topic` with these CSAT answers; the first shares `back`
    re-contacted, `thumbs_down` with a thumbs down, `complaints` with a customer message
    understood as a complaint, `unresolved` unresolved (not an honest resolution); opened `at`
    (default: now)."""
    moment = at or now()
    with transaction(engine) as connection:
        for i, score in enumerate(csat):
            cid = str(uuid.uuid4())
            connection.execute(
                insert(conversations).values(
                    id=cid, token_hash="x" * 64, state="closed", language="en",
                    created_at=moment, updated_at=moment,
                )
            )  # fmt: skip
            if i < complaints * len(csat):
                connection.execute(
                    insert(messages).values(
                        conversation_id=cid, offset=0, author="customer", text="unacceptable",
                        created_at=moment, intent="complaint",
                    )
                )  # fmt: skip
            connection.execute(
                insert(conversation_metrics).values(
                    conversation_id=cid, created_at=moment, language="en", topic=topic,
                    band="ai_only" if reason is None else "human_only",
                    resolution="unresolved" if i < unresolved * len(csat) else "confirmed",
                    handoff_reason=reason, csat=score, thumbs_up=0,
                    thumbs_down=int(i < thumbs_down * len(csat)),
                    human_seconds=0.0, ai_answer_seconds=1.0, ai_answers=1,
                    recontacted=i < back * len(csat), complained=i < complaints * len(csat),
                    source_updated_at=moment,
                )
            )  # fmt: skip


GOOD = list(itertools.islice(itertools.cycle([5, 4, 5, 4, 5, 3]), 90))  # mean 4.33
WORSE = list(itertools.islice(itertools.cycle([4, 3, 2, 4, 3, 5]), 90))  # mean 3.5
