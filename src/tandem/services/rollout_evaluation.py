"""`tandem rollout evaluate` and the job `rollout-guardrail`: per topic in `pilot` or `on`, the
AI group against the people (the guardrail, domain/rollout_guard.py) on five metrics
(services/rollout_samples.py), over the topic's current step (since its last change, at most 28
days). A clear drop on any metric steps the topic back automatically (`on` -> `pilot` 50%,
`pilot` -> `shadow`), recorded with ``automatic``, the numbers in the note and every metric's
finding stored beside the change (``rollout_evaluations``); anything else holds the step:
"inconclusive" never means "ship", and promotion is never automatic (only suggested).

The baseline is the people who answered the topic because of the roll-out (the pilot's control
group, or the topic while it was `off` or in `shadow`: hand-over reasons ``rollout_*``); the
AI group is every other conversation of the topic.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Engine, select

from tandem.domain.conversation import EventKind
from tandem.domain.rollout import ROLLOUT_TOPICS, Mode, Setting
from tandem.domain.rollout_guard import BY_NAME, METRICS, MIN_SAMPLE, Finding, Sample, check
from tandem.services import rollout, rollout_samples
from tandem.services.agents import agents_online
from tandem.services.rollout_impact import STEP_BACK, Impact, impact
from tandem.services.waiting_line import handle_minutes
from tandem.storage.conversations import as_utc, now
from tandem.storage.db import reading
from tandem.storage.tables import events, rollout_modes

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(days=28)
#: The queue's load now: conversations handed to people over this period, per hour.
QUEUE_PERIOD = dt.timedelta(days=7)
#: The default minutes an agent needs per conversation, until enough were measured.
DEFAULT_HANDLE_MINUTES = 6.0


@dataclass(frozen=True, slots=True)
class TopicResult:
    topic: str
    mode: str
    since: dt.datetime  # the current step began (or the window's start)
    ai: int  # conversations in the AI group
    people: int  # conversations in the baseline
    findings: tuple[Finding, ...]
    verdict: str  # hold, or "step back to ..."
    impact: Impact  # what a step back does to the queue
    suggestion: str | None = None  # the next step a lead may take (never taken automatically)
    suggested: Setting | None = None  # that step's setting

    @property
    def extra_per_hour(self) -> float:
        return self.impact.extra_per_hour


def evaluate(
    engine: Engine, apply: bool = True, default_handle: float = DEFAULT_HANDLE_MINUTES
) -> tuple[list[TopicResult], int]:
    """Every topic's result; with `apply`, clear drops are stepped back now. Also returns the
    agents online (to weigh the extra conversations a step back sends them)."""
    moment = now()
    with reading(engine) as connection:
        online = agents_online(connection)
        handle = handle_minutes(connection, default_handle)
        changed = dict(
            connection.execute(select(rollout_modes.c.topic, rollout_modes.c.changed_at)).all()
        )
        start = moment - WINDOW
        since = {t: max(start, as_utc(changed.get(t)) or start) for t in ROLLOUT_TOPICS}
        found = rollout_samples.read(connection, since, start)
        queue = rollout_samples.queue_per_hour(connection, moment - QUEUE_PERIOD, moment)
    modes = rollout.modes(engine)
    drafts = _drafts(engine)
    results: list[TopicResult] = []
    for topic in ROLLOUT_TOPICS:
        setting = modes.of(topic)
        ai = found.get((topic, False), rollout_samples.GroupSamples(0, {}))
        people = found.get((topic, True), rollout_samples.GroupSamples(0, {}))
        findings = tuple(
            check(m, ai.metrics.get(m.name, Sample()), people.metrics.get(m.name, Sample()))
            for m in METRICS
        )
        hours = max((moment - since[topic]).total_seconds() / 3600, 1.0)
        effect = impact(setting, ai.conversations / hours, queue, handle, online)
        drops = [f for f in findings if f.drop]
        target = STEP_BACK.get(setting.mode)
        verdict = f"step back to {target.describe()}" if drops and target is not None else "hold"
        if apply and target is not None and drops:
            _step_back(engine, topic, (setting, target), drops, findings, effect)
        hint = _suggest(setting, findings, drafts.get(topic)) if verdict == "hold" else None
        results.append(
            TopicResult(
                topic, setting.describe(), since[topic], ai.conversations,
                people.conversations, findings, verdict, effect,
                f"{hint[0].describe()}: {hint[1]}" if hint else None, hint[0] if hint else None,
            )
        )  # fmt: skip
    return results, online


def _step_back(
    engine: Engine,
    topic: str,
    step: tuple[Setting, Setting],  # from, to
    drops: list[Finding],
    findings: tuple[Finding, ...],
    effect: Impact,
) -> None:
    evaluated, target = step
    why = "guardrail: " + "; ".join(f.describe() for f in drops) + "; " + effect.describe()
    made = rollout.change(
        engine, [topic], target, why[: rollout.MAX_NOTE], None, automatic=True,
        evidence=[rollout.Evidence.of(f, effect) for f in findings], expected=evaluated,
    )  # fmt: skip
    if made:
        log.warning("roll-out: %s stepped back to %s (%s)", topic, target.describe(), why)


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
) -> tuple[Setting, str] | None:
    """Good enough for the next step (and why)? Only a suggestion: a lead decides."""
    if setting.mode is Mode.SHADOW and drafts is not None:
        used, sent = drafts
        if used >= SHADOW_DRAFTS and sent / used >= SHADOW_ACCEPTED:
            return Setting(Mode.PILOT, 10), f"{sent} of {used} drafts were sent unchanged"
    if setting.mode is Mode.PILOT:
        enough = all(min(f.ai.n, f.baseline.n) >= MIN_SAMPLE for f in findings)
        if enough and all(_not_worse(f) for f in findings):
            bigger = Setting(Mode.ON) if (setting.percent or 0) >= 50 else Setting(Mode.PILOT, 50)
            return bigger, "the pilot is at least as good as people on every metric"
    return None


def _not_worse(finding: Finding) -> bool:
    ai, people = finding.ai.mean, finding.baseline.mean
    return ai >= people if BY_NAME[finding.metric].higher_is_better else ai <= people


def report(evaluated: tuple[list[TopicResult], int]) -> str:
    results, online = evaluated
    lines = [f"{'topic':<18} {'mode':<12} {'AI':>6} {'people':>7}  verdict (current step)"]
    for r in results:
        lines.append(f"{r.topic:<18} {r.mode:<12} {r.ai:>6} {r.people:>7}  {r.verdict}")
        for finding in r.findings:
            if finding.ai.n and finding.baseline.n:
                lines.append(f"{'':<20}{finding.describe()}")
        if r.suggestion:
            lines.append(f"{'':<20}suggested (a lead decides): {r.suggestion}")
        if r.verdict != "hold":
            lines.append(f"{'':<20}{r.impact.describe()}")
    stepped = sum(r.verdict != "hold" for r in results)
    lines.append(
        f"{stepped} topic(s) stepped back; the others held (promotion is a lead's call); "
        f"{online} agent(s) online now."
    )
    return "\n".join(lines)
