"""`tandem rollout evaluate`: per topic in `pilot` or `on`, the AI group against the people
(the guardrail, domain/rollout_guard.py), from the per-conversation metrics of the last 28
days (``conversation_metrics``: CSAT, re-contact within 7 days). A clear drop steps the topic
back automatically (`on` -> `pilot` 50%, `pilot` -> `shadow`), recorded with ``automatic`` and
the numbers in the note; anything else holds the step: "inconclusive" never means "ship", and
promotion is never automatic.

The baseline is the people who answered the topic because of the roll-out (the pilot's control
group, or the topic while it was `off` or in `shadow`: hand-over reasons ``rollout_*``); the
AI group is every other conversation of the topic. Not built yet: the periodic run in the
server (exactly once across processes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, Integer, cast, func, select

from tandem.domain.conversation import EventKind
from tandem.domain.rollout import ROLLOUT_TOPICS, Mode, Setting
from tandem.domain.rollout_guard import CSAT, MIN_SAMPLE, RECONTACT, Finding, Sample, check
from tandem.services import rollout
from tandem.services.agents import agents_online
from tandem.storage.conversations import now
from tandem.storage.db import reading
from tandem.storage.tables import conversation_metrics, events, rollout_modes

WINDOW = dt.timedelta(days=28)
STEP_BACK = {Mode.ON: Setting(Mode.PILOT, 50), Mode.PILOT: Setting(Mode.SHADOW)}


@dataclass(frozen=True, slots=True)
class TopicResult:
    topic: str
    mode: str
    ai: int  # conversations in the AI group
    people: int  # conversations in the baseline
    findings: tuple[Finding, ...]
    verdict: str  # hold, or "step back to ..."
    extra_per_hour: float  # conversations per hour that would reach the queue on a step back
    suggestion: str | None = None  # the next step a lead may take (never taken automatically)


def _samples(engine: Engine) -> tuple[dict[tuple[str, bool, str], Sample], int]:
    """Per topic, group and metric: the sample since the topic's current step began (its last
    change), within the window; so a step back is judged afresh, never twice on old data."""
    m = conversation_metrics.c
    baseline = m.handoff_reason.like("rollout\\_%", escape="\\")
    recontact = cast(m.recontacted, Integer)
    found: dict[tuple[str, bool, str], Sample] = {}
    with reading(engine) as connection:
        online = agents_online(connection)
        changed = dict(
            connection.execute(select(rollout_modes.c.topic, rollout_modes.c.changed_at)).all()
        )
        for topic in ROLLOUT_TOPICS:
            since = max(now() - WINDOW, _aware(changed.get(topic)) or now() - WINDOW)
            query = (
                select(
                    baseline.label("baseline"),
                    func.count(),
                    func.count(m.csat),
                    func.coalesce(func.sum(m.csat), 0),
                    func.coalesce(func.sum(m.csat * m.csat), 0),
                    func.coalesce(func.sum(recontact), 0),
                )
                .where(m.topic == topic, m.created_at >= since)
                .group_by(baseline)
            )
            for base, n, rated, total, squares, back in connection.execute(query).all():
                key = bool(base)
                found[(topic, key, CSAT.name)] = Sample(int(rated), float(total), float(squares))
                found[(topic, key, RECONTACT.name)] = Sample(int(n), float(back), float(back))
    return found, online


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive UTC datetimes back."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def evaluate(engine: Engine, apply: bool = True) -> tuple[list[TopicResult], int]:
    """Every topic's result; with `apply`, clear drops are stepped back now. Also returns the
    agents online (to weigh the extra conversations a step back sends them)."""
    samples, online = _samples(engine)
    modes = rollout.modes(engine)
    drafts = _drafts(engine)
    results: list[TopicResult] = []
    for topic in ROLLOUT_TOPICS:
        setting = modes.of(topic)
        findings = tuple(
            check(metric, samples.get((topic, False, metric.name), Sample()),
                  samples.get((topic, True, metric.name), Sample()))
            for metric in (CSAT, RECONTACT)
        )  # fmt: skip
        ai, people = findings[1].ai.n, findings[1].baseline.n
        extra = ai / (WINDOW.total_seconds() / 3600)
        verdict = "hold"
        drops = [f for f in findings if f.drop]
        target = STEP_BACK.get(setting.mode)
        if drops and target is not None:
            verdict = f"step back to {target.describe()}"
            if apply:
                why = "guardrail: " + "; ".join(f.describe() for f in drops)
                rollout.change(engine, [topic], target, why, None, automatic=True)
        hint = _suggest(setting, findings, drafts.get(topic)) if verdict == "hold" else None
        described = setting.describe()
        results.append(TopicResult(topic, described, ai, people, findings, verdict, extra, hint))
    return results, online


#: Shadow drafts a lead needs before a pilot is suggested, and the share sent unchanged.
SHADOW_DRAFTS, SHADOW_ACCEPTED = 30, 0.8


def _drafts(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per topic, in the window: drafts used, and those sent unchanged (`draft_used` events)."""
    query = select(events.c.detail).where(
        events.c.kind == EventKind.DRAFT_USED.value, events.c.created_at >= now() - WINDOW
    )
    counts: dict[str, tuple[int, int]] = {}
    with reading(engine) as connection:
        for (detail,) in connection.execute(query):
            used, sent = counts.get(str(detail.get("topic")), (0, 0))
            counts[str(detail.get("topic"))] = (used + 1, sent + (detail.get("use") == "send"))
    return counts


def _suggest(
    setting: Setting, findings: tuple[Finding, ...], drafts: tuple[int, int] | None
) -> str | None:
    """Good enough for the next step? Only a suggestion: a lead decides."""
    if setting.mode is Mode.SHADOW and drafts is not None:
        used, sent = drafts
        if used >= SHADOW_DRAFTS and sent / used >= SHADOW_ACCEPTED:
            return f"pilot 10%: {sent} of {used} drafts were sent unchanged"
    if setting.mode is Mode.PILOT:
        enough = all(min(f.ai.n, f.baseline.n) >= MIN_SAMPLE for f in findings)
        not_worse = all(
            f.ai.mean >= f.baseline.mean if f.metric == CSAT.name else f.ai.mean <= f.baseline.mean
            for f in findings
        )
        if enough and not_worse:
            bigger = "on" if (setting.percent or 0) >= 50 else "pilot 50%"
            return f"{bigger}: the pilot is at least as good as people on every metric"
    return None


def report(evaluated: tuple[list[TopicResult], int]) -> str:
    results, online = evaluated
    lines = [f"{'topic':<18} {'mode':<12} {'AI':>6} {'people':>7}  verdict (last 28 days)"]
    for r in results:
        lines.append(f"{r.topic:<18} {r.mode:<12} {r.ai:>6} {r.people:>7}  {r.verdict}")
        for finding in r.findings:
            if finding.ai.n and finding.baseline.n:
                lines.append(f"{'':<20}{finding.describe()}")
        if r.suggestion:
            lines.append(f"{'':<20}suggested (a lead decides): {r.suggestion}")
        if r.verdict != "hold":
            lines.append(
                f"{'':<20}about {r.extra_per_hour:.1f} more conversations per hour reach the "
                f"queue; {online} agent(s) online now"
            )
    stepped = sum(r.verdict != "hold" for r in results)
    lines.append(f"{stepped} topic(s) stepped back; the others held (promotion is a lead's call).")
    return "\n".join(lines)
