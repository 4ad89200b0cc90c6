"""Before stepping back, can the people take it? The extra conversations per hour a topic's
step back sends to the queue, and the agents that needs by Erlang C (desk/capacity.py) against
the agents online now. Pure arithmetic over measured rates; the evaluation feeds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.desk.capacity import DEFAULT_MAX_AGENTS, Target, Workload, staff
from tandem.domain.rollout import Mode, Setting

#: The service level the staffing is judged by (the capacity API's default).
TARGET = Target(0.8, 60.0)
#: A step back from each mode, and the share of the AI group it sends to people.
STEP_BACK = {Mode.ON: Setting(Mode.PILOT, 50), Mode.PILOT: Setting(Mode.SHADOW)}


@dataclass(frozen=True, slots=True)
class Impact:
    step: str | None  # the mode a step back goes to; None: the topic is already with people
    extra_per_hour: float  # conversations per hour that would reach the queue in addition
    queue_per_hour: float  # conversations per hour reaching people now
    handle_minutes: float
    agents_online: int
    agents_needed_now: int | None  # Erlang C, 80% answered within 60 s; None: beyond reach
    agents_needed_after: int | None
    target: str = f"{TARGET.service_level:.0%} answered within {TARGET.answer_within_seconds:g} s"

    @property
    def extra_agents(self) -> int | None:
        if self.agents_needed_now is None or self.agents_needed_after is None:
            return None
        return self.agents_needed_after - self.agents_needed_now

    @property
    def people_can_take_it(self) -> bool:
        """The agents online now meet the target after the step back."""
        needed = self.agents_needed_after
        return needed is not None and self.agents_online >= needed

    def describe(self) -> str:
        if self.step is None:
            return "people already answer this topic: a step back sends nobody more"
        needed = "beyond reach" if self.agents_needed_after is None else self.agents_needed_after
        extra = "" if self.extra_agents is None else f" ({self.extra_agents:+d})"
        return (
            f"about {self.extra_per_hour:.1f} more conversations per hour reach the queue "
            f"(now {self.queue_per_hour:.1f}); {needed} agent(s) needed{extra} for {self.target}, "
            f"{self.agents_online} online now"
        )


def moved_share(setting: Setting) -> float:
    """The share of the topic's AI group a step back hands to people."""
    if setting.mode is Mode.ON:
        return 1.0 - (STEP_BACK[Mode.ON].percent or 0) / 100
    return 1.0 if setting.mode is Mode.PILOT else 0.0


def _needed(per_hour: float, handle_minutes: float) -> int | None:
    staffing = staff(Workload(per_hour, handle_minutes), TARGET, DEFAULT_MAX_AGENTS)
    return staffing.agents if staffing.met else None


def impact(
    setting: Setting, ai_per_hour: float, queue_per_hour: float, handle: float, online: int
) -> Impact:
    """What stepping a topic in `setting` back does to the queue (`ai_per_hour`: its AI
    group's conversations per hour in the current step)."""
    target = STEP_BACK.get(setting.mode)
    extra = ai_per_hour * moved_share(setting) if target is not None else 0.0
    return Impact(
        target.describe() if target is not None else None,
        extra,
        queue_per_hour,
        handle,
        online,
        _needed(queue_per_hour, handle),
        _needed(queue_per_hour + extra, handle),
    )
