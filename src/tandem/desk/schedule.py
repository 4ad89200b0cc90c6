"""Agents scheduled per half hour of the week, from a lead's short text (pure).

    mon-fri 09:00-17:00 4; sat 10:00-14:00 2

Each part is days, a time range and a number of agents; parts are separated by ';' or new
lines. Days: one day (mon..sun), a range (mon-fri, fri-mon wraps), a list (mon,wed,fri) or
`daily`. Times on the half hour, 00:00 to 24:00, the end after the start (split a night shift
in two: `mon 22:00-24:00 1; tue 00:00-06:00 1`). Overlapping parts add up, as overlapping
shifts do; a half hour no part names has nobody. A plain number, e.g. `4`, means that many
agents every half hour. Every mistake is refused with the part and what is wrong with it.
"""

from __future__ import annotations

import re

from tandem.desk.capacity import LARGEST_MAX_AGENTS
from tandem.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS_PER_DAY = 48
WEEK_SLOTS = 7 * SLOTS_PER_DAY
MAX_TEXT = 2_000
MAX_PARTS = 100

Schedule = tuple[int, ...]  # agents per half hour of the week, mon 00:00 first

_PART = re.compile(r"(\S+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s+(\d+)")


def parse(text: str) -> Schedule:
    """The agents per half hour that ``text`` schedules; InvalidInput says what is wrong."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"schedule: at most {MAX_TEXT} characters")
    stripped = text.strip()
    if stripped.isdigit():
        return (_agents(stripped, stripped),) * WEEK_SLOTS
    parts = [p.strip() for p in re.split(r"[;\n]", stripped) if p.strip()]
    if not parts:
        raise InvalidInput("schedule: empty; e.g. 'mon-fri 09:00-17:00 4; sat 10:00-14:00 2'")
    if len(parts) > MAX_PARTS:
        raise InvalidInput(f"schedule: at most {MAX_PARTS} parts")
    agents = [0] * WEEK_SLOTS
    for part in parts:
        _add(agents, part)
    if max(agents) > LARGEST_MAX_AGENTS:
        raise InvalidInput(f"schedule: more than {LARGEST_MAX_AGENTS} agents in a half hour")
    return tuple(agents)


def _add(agents: list[int], part: str) -> None:
    match = _PART.fullmatch(part.lower())
    if match is None:
        raise InvalidInput(
            f"schedule: {part!r} is not DAYS HH:MM-HH:MM AGENTS, e.g. 'mon-fri 09:00-17:00 4'"
        )
    days_text, start_h, start_m, end_h, end_m, count = match.groups()
    days = _days(days_text, part)
    first = _slot(int(start_h), int(start_m), part)
    last = _slot(int(end_h), int(end_m), part)
    if last <= first:
        raise InvalidInput(
            f"schedule: {part!r} ends before it starts; split a night shift at 24:00"
        )
    number = _agents(count, part)
    for day in days:
        for slot in range(first, last):
            agents[day * SLOTS_PER_DAY + slot] += number


def _days(text: str, part: str) -> list[int]:
    if text in ("daily", "all", "mon-sun"):
        return list(range(7))
    chosen: list[int] = []
    for piece in text.split(","):
        start, dash, end = piece.partition("-")
        first = _day(start, part)
        if not dash:
            chosen.append(first)
            continue
        last = _day(end, part)
        chosen += [(first + k) % 7 for k in range((last - first) % 7 + 1)]
    return sorted(set(chosen))


def _day(name: str, part: str) -> int:
    if name not in DAYS:
        raise InvalidInput(f"schedule: in {part!r}, {name!r} is not a day (mon..sun or daily)")
    return DAYS.index(name)


def _slot(hour: int, minute: int, part: str) -> int:
    if minute not in (0, 30) or hour > 24 or (hour == 24 and minute):
        raise InvalidInput(
            f"schedule: in {part!r}, {hour:02d}:{minute:02d} is not a half hour from 00:00 to 24:00"
        )
    return hour * 2 + minute // 30


def _agents(text: str, part: str) -> int:
    number = int(text)
    if number > LARGEST_MAX_AGENTS:
        raise InvalidInput(f"schedule: in {part!r}, at most {LARGEST_MAX_AGENTS} agents")
    return number
