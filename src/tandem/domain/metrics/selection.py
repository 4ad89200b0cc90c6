"""Which conversations a figure covers: the period (days, UTC) and the list filters, checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from tandem.domain.errors import InvalidInput
from tandem.domain.metrics.definitions import Band, Resolution

#: The longest period a report covers.
MAX_DAYS = 2 * 366
#: The default period: four weeks up to today.
DEFAULT_DAYS = 28
#: Resolution filters beyond the resolutions themselves.
DERIVED = ("resolved", "honest", "recontacted")


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date  # inclusive
    end: dt.date  # inclusive

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), dt.UTC)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.UTC)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        days = (self.end - self.start).days + 1
        return Period(self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1))


def _day(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{name}: {text[:32]!r} is not a date (YYYY-MM-DD)") from None


def parse_period(start: str | None, end: str | None, today: dt.date) -> Period:
    """The period from the texts given; 422 (naming the field) when it makes no sense."""
    last = _day(end, "to") if end else today
    first = _day(start, "from") if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise InvalidInput("to: must not be before from")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"to: the period may be at most {MAX_DAYS} days (two years)")
    return Period(first, last)


@dataclass(frozen=True, slots=True)
class Filters:
    band: Band | None = None
    topic: str | None = None
    reason: str | None = None
    resolution: str | None = None  # a Resolution, or one of DERIVED
    rating: int | None = None

    @classmethod
    def parse(
        cls,
        band: str | None,
        topic: str | None,
        reason: str | None,
        resolution: str | None,
        rating: int | None,
        *,
        topics: Collection[str],
        reasons: Collection[str],
    ) -> Filters:
        """Filters from query texts; an unknown name is a 422 that names the field."""
        if band is not None and band not in set(Band):
            raise InvalidInput(f"band: unknown band {band[:32]!r} ({', '.join(Band)})")
        if topic is not None and topic not in topics:
            raise InvalidInput(f"topic: unknown topic {topic[:48]!r}")
        if reason is not None and reason not in reasons:
            raise InvalidInput(f"reason: unknown reason code {reason[:48]!r}")
        if resolution is not None and resolution not in (*Resolution, *DERIVED):
            names = ", ".join((*Resolution, *DERIVED))
            raise InvalidInput(f"resolution: unknown {resolution[:32]!r} ({names})")
        if rating is not None and not 1 <= rating <= 5:
            raise InvalidInput("rating: must be from 1 to 5")
        return cls(Band(band) if band else None, topic, reason, resolution, rating)
