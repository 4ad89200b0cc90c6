"""When the human team works, and when a ticket must be answered (pure functions)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tandem.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})$"
)


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Opening times per weekday (0 = Monday); an empty schedule means always open."""

    week: tuple[tuple[tuple[dt.time, dt.time], ...], ...] = ((),) * 7
    always: bool = True

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Parse e.g. "mon-fri 09:00-17:00; sat 10:00-16:00"; "" means always open."""
        if not text.strip():
            return cls()
        week: list[list[tuple[dt.time, dt.time]]] = [[] for _ in DAYS]
        for part in (p.strip().lower() for p in text.split(";") if p.strip()):
            match = _PART.match(part)
            if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
                raise InvalidInput(
                    f"office hours: cannot read {part!r} (e.g. 'mon-fri 09:00-17:00')"
                )
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"] or match["first"])
            span = (_time(match["open"]), _time(match["close"]))
            if span[0] >= span[1]:
                raise InvalidInput(f"office hours: {part!r} closes before it opens")
            for day in range(first, last + 1):
                week[day].append(span)
        return cls(tuple(tuple(day) for day in week), always=False)

    def open_at(self, moment: dt.datetime) -> bool:
        if self.always:
            return True
        now = moment.time()
        return any(start <= now < end for start, end in self.week[moment.weekday()])


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"office hours: {text!r} is not a time") from None


def ticket_deadline(created: dt.datetime, answer_hours: int) -> dt.datetime:
    """The answer time promised for a ticket opened at `created`."""
    return created + dt.timedelta(hours=answer_hours)


def working_seconds(
    hours: OfficeHours, zone: dt.tzinfo, start: dt.datetime, end: dt.datetime
) -> float:
    """Seconds of office hours between `start` and `end` (all of them when always open)."""
    if end <= start:
        return 0.0
    if hours.always:
        return (end - start).total_seconds()
    total = 0.0
    for begin, finish in _spans(hours, zone, start, end.astimezone(zone).date()):
        low, high = max(begin, start), min(finish, end)
        if high > low:
            total += (high - low).total_seconds()
    return total


def after_working(
    hours: OfficeHours, zone: dt.tzinfo, start: dt.datetime, seconds: float
) -> dt.datetime | None:
    """The moment `seconds` of office hours after `start`; None when the schedule never opens
    within a year."""
    if hours.always:
        return start + dt.timedelta(seconds=seconds)
    left = seconds
    last = start.astimezone(zone).date() + dt.timedelta(days=366)
    for begin, finish in _spans(hours, zone, start, last):
        low = max(begin, start)
        if finish <= low:
            continue
        available = (finish - low).total_seconds()
        if left <= available:
            return low + dt.timedelta(seconds=left)
        left -= available
    return None


def _spans(
    hours: OfficeHours, zone: dt.tzinfo, start: dt.datetime, last: dt.date
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The opening spans (in UTC) from the day of `start` through `last`, in order."""
    day = start.astimezone(zone).date()
    while day <= last:
        for opens, closes in hours.week[day.weekday()]:
            begin = dt.datetime.combine(day, opens, tzinfo=zone).astimezone(dt.UTC)
            finish = dt.datetime.combine(day, closes, tzinfo=zone).astimezone(dt.UTC)
            yield begin, finish
        day += dt.timedelta(days=1)
