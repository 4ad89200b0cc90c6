"""The stored per-conversation summaries: brought up to date, then aggregated in SQL.

:func:`refresh` recomputes the summary of every conversation changed since its summary was
made (``conversations.updated_at``: every message and event moves it), through the ONE
definitions module, and marks re-contacts among the customer's other conversations. It runs
as a periodic job and before every report, so a report counts everything written so far while
the work per request stays small. :func:`tallies` is one ``GROUP BY`` over the summaries of a
period; :func:`rows` the summaries behind a figure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from tandem.domain.metrics.definitions import (
    RESOLVED,
    Band,
    History,
    Resolution,
    Said,
    Step,
    Summary,
    Tally,
    recontacts,
    summarise,
)
from tandem.domain.metrics.selection import Filters, Period
from tandem.storage.conversations import as_utc
from tandem.storage.locks import serialise
from tandem.storage.tables import conversation_metrics as cm
from tandem.storage.tables import conversations, events, messages
from tandem.storage.tables import metrics_daily as daily

#: A conversation changed this long before the newest summary is looked at again: a turn
#: stamps ``updated_at`` before it commits, so a late commit is not missed.
LATE_COMMIT = dt.timedelta(minutes=5)
_CHUNK = 500


def stale(connection: Connection) -> list[tuple[str, dt.datetime]]:
    """The conversations whose summary is missing or older than their last change."""
    return _stale(connection)


def refresh_chunk(
    connection: Connection, chunk: Sequence[tuple[str, dt.datetime]], recontact_days: int
) -> set[dt.date]:
    """Recompute these conversations' summaries (and re-contacts); the days to rebuild. Run in
    a write transaction (serialised across processes)."""
    serialise(connection, "metrics-refresh")
    summaries = [summarise(h) for h in _histories(connection, [c for c, _ in chunk])]
    _store(connection, summaries, dict(chunk))
    days = {s.created_at.date() for s in summaries}
    return days | _mark_recontacts(connection, summaries, recontact_days)


def rebuild_days(connection: Connection, days: Iterable[dt.date]) -> None:
    serialise(connection, "metrics-refresh")
    for day in sorted(set(days)):
        _rebuild_day(connection, day)


CHUNK = _CHUNK


def _stale(connection: Connection) -> list[tuple[str, dt.datetime]]:
    newest = connection.execute(select(func.max(cm.c.source_updated_at))).scalar()
    query = select(conversations.c.id, conversations.c.updated_at)
    if newest is not None:  # only what changed lately (an index range), never a full join
        query = query.where(conversations.c.updated_at >= as_utc(newest) - LATE_COMMIT)  # type: ignore[operator]
    changed = {
        str(row.id): as_utc(row.updated_at) or row.updated_at for row in connection.execute(query)
    }
    made: dict[str, dt.datetime | None] = {}
    ids = list(changed)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = select(cm.c.conversation_id, cm.c.source_updated_at).where(
            cm.c.conversation_id.in_(chunk)
        )
        made |= {
            row.conversation_id: as_utc(row.source_updated_at) for row in connection.execute(found)
        }
    return [(cid, stamp) for cid, stamp in changed.items() if made.get(cid) != stamp]


def _histories(connection: Connection, ids: Sequence[str]) -> list[History]:
    steps: dict[str, list[Step]] = defaultdict(list)
    said: dict[str, list[Said]] = defaultdict(list)
    query = (
        select(events)
        .where(events.c.conversation_id.in_(ids))
        .order_by(events.c.conversation_id, events.c.seq)
    )
    for e in connection.execute(query):
        at = as_utc(e.created_at) or e.created_at
        step = Step(e.kind, e.actor, at, e.reason, e.from_state, e.to_state, e.detail or {})
        steps[e.conversation_id].append(step)
    query = (
        select(
            messages.c.conversation_id,
            messages.c.offset,
            messages.c.author,
            messages.c.created_at,
            messages.c.frustration,
            messages.c.intent,
        )
        .where(messages.c.conversation_id.in_(ids))
        .order_by(messages.c.conversation_id, messages.c.offset)
    )
    for m in connection.execute(query):
        at = as_utc(m.created_at) or m.created_at
        said[m.conversation_id].append(Said(m.offset, m.author, at, m.frustration, m.intent))
    query = select(
        conversations.c.id,
        conversations.c.created_at,
        conversations.c.customer_id,
        conversations.c.customer_email,
        conversations.c.contact_email,
        conversations.c.language,
    ).where(conversations.c.id.in_(ids))
    return [
        History(
            c.id,
            as_utc(c.created_at) or c.created_at,
            c.customer_id,
            c.customer_email or c.contact_email,
            c.language,
            steps[c.id],
            said[c.id],
        )
        for c in connection.execute(query)
    ]


def _values(summary: Summary, stamp: dt.datetime) -> dict[str, Any]:
    s = summary
    return {
        "conversation_id": s.conversation_id,
        "created_at": s.created_at,
        "ended_at": s.ended_at,
        "customer_id": s.customer_id,
        "email": s.email,
        "language": s.language,
        "topic": s.topic,
        "band": s.band.value,
        "resolution": s.resolution.value,
        "handoff_reason": s.handoff_reason,
        "csat": s.csat,
        "nps": s.nps,
        "thumbs_up": s.thumbs_up,
        "thumbs_down": s.thumbs_down,
        "human_seconds": s.human_seconds,
        "first_response_seconds": s.first_response_seconds,
        "ai_answer_seconds": s.ai_answer_seconds,
        "ai_answers": s.ai_answers,
        "frustration_start": s.frustration_start,
        "frustration_end": s.frustration_end,
        "recontacted": s.recontacted,
        "complained": s.complained,
        "source_updated_at": stamp,
    }


def _store(connection: Connection, summaries: Sequence[Summary], stamps: dict[str, Any]) -> None:
    if not summaries:
        return
    ids = [s.conversation_id for s in summaries]
    connection.execute(delete(cm).where(cm.c.conversation_id.in_(ids)))
    connection.execute(insert(cm), [_values(s, stamps[s.conversation_id]) for s in summaries])


def to_summary(row: Any) -> Summary:
    m = row._mapping
    return Summary(
        conversation_id=m["conversation_id"],
        created_at=as_utc(m["created_at"]) or m["created_at"],
        ended_at=as_utc(m["ended_at"]),
        customer_id=m["customer_id"],
        email=m["email"],
        language=m["language"],
        topic=m["topic"],
        band=Band(m["band"]),
        resolution=Resolution(m["resolution"]),
        handoff_reason=m["handoff_reason"],
        csat=m["csat"],
        nps=m["nps"],
        thumbs_up=m["thumbs_up"],
        thumbs_down=m["thumbs_down"],
        human_seconds=m["human_seconds"],
        first_response_seconds=m["first_response_seconds"],
        ai_answer_seconds=m["ai_answer_seconds"],
        ai_answers=m["ai_answers"],
        frustration_start=m["frustration_start"],
        frustration_end=m["frustration_end"],
        recontacted=bool(m["recontacted"]),
        complained=bool(m["complained"]),
    )


def _mark_recontacts(connection: Connection, changed: Sequence[Summary], days: int) -> set[dt.date]:
    """Re-contacts between the changed summaries and the same customers' other conversations,
    both ways; the days of the other conversations whose flag changed."""
    keyed = [s for s in changed if s.customer_id or s.email]
    if not keyed:
        return set()
    ids = {s.customer_id for s in keyed if s.customer_id}
    emails = {s.email for s in keyed if s.email}
    query = select(cm).where(or_(cm.c.customer_id.in_(ids), cm.c.email.in_(emails)))
    theirs = {row.conversation_id: to_summary(row) for row in connection.execute(query)}
    groups: dict[str, list[Summary]] = defaultdict(list)
    for s in theirs.values():
        for key in _keys(s):
            groups[key].append(s)
    changed_ids = {s.conversation_id for s in keyed}
    touched: set[dt.date] = set()
    flips: list[dict[str, Any]] = []
    for earlier in theirs.values():
        others = [x for key in _keys(earlier) for x in groups[key]]
        if earlier.conversation_id in changed_ids:  # computed afresh from all the others
            flag = any(recontacts(earlier, later, days) for later in others)
        else:
            flag = earlier.recontacted or any(
                recontacts(earlier, later, days)
                for later in others
                if later.conversation_id in changed_ids
            )
        if flag != earlier.recontacted:
            flips.append({"cid": earlier.conversation_id, "flag": flag})
            touched.add(earlier.created_at.date())
    if flips:
        connection.execute(
            update(cm)
            .where(cm.c.conversation_id == bindparam("cid"))
            .values(recontacted=bindparam("flag")),
            flips,
        )
    return touched


def _keys(s: Summary) -> list[str]:
    return [
        key
        for key in (
            f"id:{s.customer_id}" if s.customer_id else "",
            f"@:{s.email}" if s.email else "",
        )
        if key
    ]


def _rebuild_day(connection: Connection, day: dt.date) -> None:
    """The daily sums of ``day`` from its summaries, afresh."""
    connection.execute(delete(daily).where(daily.c.day == day))
    rows = [
        {
            "day": day,
            "topic": t.topic,
            "band": t.band.value,
            "resolution": t.resolution.value,
            "handoff_reason": t.handoff_reason,
            "recontacted": t.recontacted,
            **{name: getattr(t, name) for name in _SUMS},
        }
        for t in _summed(connection, Period(day, day))
    ]
    if rows:
        connection.execute(insert(daily), rows)


def _in(period: Period) -> ColumnElement[bool]:
    return and_(cm.c.created_at >= period.since, cm.c.created_at < period.until)


def tallies(connection: Connection, period: Period) -> list[Tally]:
    """One row per (topic, band, resolution, first reason, re-contacted) in the period, from
    the daily sums (a few thousand rows for months, whatever the traffic)."""
    keys = (
        daily.c.topic,
        daily.c.band,
        daily.c.resolution,
        daily.c.handoff_reason,
        daily.c.recontacted,
    )
    query = (
        select(*keys, *(func.sum(daily.c[name]) for name in _SUMS))
        .where(daily.c.day >= period.start, daily.c.day <= period.end)
        .group_by(*keys)
    )
    return [_tally(row) for row in connection.execute(query)]


def by_day(connection: Connection, period: Period) -> dict[dt.date, list[Tally]]:
    """The tallies of each day of the period that had conversations."""
    query = select(daily).where(daily.c.day >= period.start, daily.c.day <= period.end)
    found: dict[dt.date, list[Tally]] = defaultdict(list)
    for row in connection.execute(query):
        m = row._mapping
        found[m["day"]].append(
            Tally(
                m["topic"], Band(m["band"]), Resolution(m["resolution"]), m["handoff_reason"],
                bool(m["recontacted"]), **{name: m[name] for name in _SUMS},
            )
        )  # fmt: skip
    return dict(found)


def _summed(connection: Connection, period: Period) -> list[Tally]:
    """One row per (topic, band, resolution, first reason, re-contacted), from the summaries."""
    measured = and_(cm.c.frustration_start.is_not(None), cm.c.frustration_end.is_not(None))

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    keys = (cm.c.topic, cm.c.band, cm.c.resolution, cm.c.handoff_reason, cm.c.recontacted)
    query = (
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(cm.c.csat), 0),
            func.count(cm.c.csat),
            count_if(cm.c.nps >= 9),
            count_if(cm.c.nps <= 6),
            func.count(cm.c.nps),
            func.sum(cm.c.thumbs_up),
            func.sum(cm.c.thumbs_down),
            func.sum(cm.c.human_seconds),
            func.coalesce(func.sum(cm.c.first_response_seconds), 0.0),
            func.count(cm.c.first_response_seconds),
            func.sum(cm.c.ai_answer_seconds),
            func.sum(cm.c.ai_answers),
            func.sum(case((measured, cm.c.frustration_start), else_=0.0)),
            func.sum(case((measured, cm.c.frustration_end), else_=0.0)),
            count_if(measured),
        )
        .where(_in(period))
        .group_by(*keys)
    )
    return [_tally(row) for row in connection.execute(query)]


_SUMS = (
    "conversations", "csat_sum", "csat_responses", "nps_promoters", "nps_detractors",
    "nps_responses", "thumbs_up", "thumbs_down", "human_seconds", "first_response_sum",
    "first_responses", "ai_answer_sum", "ai_answers", "frustration_start_sum",
    "frustration_end_sum", "frustration_measured",
)  # fmt: skip


def _tally(row: Any) -> Tally:
    topic, band, resolution, reason, recontacted, *sums = tuple(row)
    kinds = Tally.__dataclass_fields__
    counted: dict[str, Any] = {
        name: (float(value or 0) if kinds[name].type == "float" else int(value or 0))
        for name, value in zip(_SUMS, sums, strict=True)
    }
    return Tally(topic, Band(band), Resolution(resolution), reason, bool(recontacted), **counted)


def _filtered(filters: Filters, table: Table = cm) -> list[ColumnElement[bool]]:
    """The filters as conditions on the summaries, or (but the rating) on the daily sums."""
    c = table.c
    where: list[ColumnElement[bool]] = []
    if filters.band is not None:
        where.append(c.band == filters.band.value)
    if filters.topic is not None:
        where.append(c.topic == filters.topic)
    if filters.reason is not None:
        where.append(c.handoff_reason == filters.reason)
    if filters.rating is not None:
        where.append(c.csat == filters.rating)
    if filters.has == "handoff":
        where.append(c.handoff_reason.is_not(None))
    elif filters.has in ("csat", "nps") and table is cm:  # the daily sums count them instead
        where.append(c[filters.has].is_not(None))
    resolved = c.resolution.in_([r.value for r in RESOLVED])
    match filters.resolution:
        case None:
            pass
        case "resolved":
            where.append(resolved)
        case "honest":
            where += [resolved, c.recontacted.is_(false())]
        case "recontacted":
            where += [c.recontacted.is_(true()), c.resolution != Resolution.OPEN.value]
        case name:
            where.append(c.resolution == name)
    return where


def _count(connection: Connection, period: Period, filters: Filters) -> int:
    """How many summaries match: from the daily sums unless a rating is asked for."""
    if filters.rating is not None:
        where = [_in(period), *_filtered(filters)]
        return int(
            connection.execute(select(func.count()).select_from(cm).where(*where)).scalar_one()
        )
    in_days = [daily.c.day >= period.start, daily.c.day <= period.end]
    # With a CSAT or NPS answer: the daily sums count those answers, one per conversation.
    counted = {"csat": daily.c.csat_responses, "nps": daily.c.nps_responses}.get(
        filters.has or "", daily.c.conversations
    )
    query = select(func.coalesce(func.sum(counted), 0)).where(*in_days, *_filtered(filters, daily))
    return int(connection.execute(query).scalar_one())


def rows(
    connection: Connection, period: Period, filters: Filters, limit: int | None, offset: int = 0
) -> tuple[int, list[Summary]]:
    """The summaries a figure counts (newest first, one page) and how many there are."""
    where = [_in(period), *_filtered(filters)]
    total = _count(connection, period, filters)
    query = select(cm).where(*where).order_by(cm.c.created_at.desc(), cm.c.conversation_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return int(total), [to_summary(row) for row in connection.execute(query)]
