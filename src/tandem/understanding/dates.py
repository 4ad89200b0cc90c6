"""Dates in a message: ISO and day-month dates, and relative ones from the catalogue's words.

Relative phrases ("gisteren", "3 days ago", "last Monday", "afgelopen maandag") come from each
language file, and so do the ways a day of the month is written ("1st", "1er", "1.", "premier");
a weekday always means its most recent past occurrence (a week ago on the same weekday).
Day-month dates without a year ("12 maart") take the latest such date not after today; numeric
dates are read day first (31/12/2025), as in the Netherlands and the UK.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from tandem.understanding.catalogue import DateWords

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_DAY = re.compile(r"\d{1,2}")

Resolver = Callable[[re.Match[str], dt.date], dt.date | None]
Rules = list[tuple[re.Pattern[str], Resolver]]


class DateFinder:
    """Finds dates using the phrases of every language in ``words``."""

    def __init__(self, words: Iterable[DateWords]) -> None:
        self._rules: Rules = [
            (_ISO, _iso),
            (_NUMERIC, _day_first),
        ]
        for language in words:
            self._rules.extend(_language_rules(language))

    def find(self, text: str, today: dt.date) -> tuple[dt.date, ...]:
        """Distinct dates in the order they appear; matched text is not read twice."""
        found: list[tuple[int, dt.date]] = []
        taken: list[tuple[int, int]] = []
        for pattern, resolve in self._rules:
            for match in pattern.finditer(text):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                date = resolve(match, today)
                if date is not None:
                    found.append((match.start(), date))
                    taken.append(match.span())
        return tuple(dict.fromkeys(date for _, date in sorted(found)))


def _language_rules(words: DateWords) -> Rules:
    numbers = {**{str(n): n for n in range(1, 32)}, **words.number_words}
    number = "(?P<n>" + "|".join(sorted(map(re.escape, numbers), key=len, reverse=True)) + ")"
    weekday = "(?P<weekday>" + "|".join(map(re.escape, words.weekdays)) + ")"
    month = "(?P<month>" + "|".join(map(re.escape, words.months)) + ")"

    def phrases(templates: Iterable[str], resolve: Resolver) -> Rules:
        """One pattern per template (group names may not repeat), longest first."""
        filled = [
            re.escape(t).replace(r"\{n\}", number).replace(r"\{weekday\}", weekday)
            for t in sorted(templates, key=len, reverse=True)
        ]
        return [(re.compile(rf"\b{f}\b", re.IGNORECASE), resolve) for f in filled]

    def days_back(days: int) -> Resolver:
        return lambda _match, today: today - dt.timedelta(days=days)

    def ago(unit_days: int) -> Resolver:
        return lambda m, today: today - dt.timedelta(days=unit_days * _count(m, numbers))

    def last_weekday(m: re.Match[str], today: dt.date) -> dt.date:
        target = [w.lower() for w in words.weekdays].index(m["weekday"].lower())
        return today - dt.timedelta(days=(today.weekday() - target - 1) % 7 + 1)

    days = {word.lower(): n for word, n in words.day_words.items()}
    suffixes = "|".join(sorted(map(re.escape, words.day_suffixes), key=len, reverse=True))
    spelled = "".join(f"|{re.escape(word)}\\b" for word in days)
    # a day: "4", "1st", "1er", "1." or "premier" (no letter or digit right after a number)
    day = rf"(?P<day>\d{{1,2}}(?:{suffixes})?(?!\w){spelled})"

    def day_month(m: re.Match[str], today: dt.date) -> dt.date | None:
        month_number = [w.lower() for w in words.months].index(m["month"].lower()) + 1
        said = m["day"].lower()
        number = days[said] if said in days else int(_DAY.findall(said)[0])
        return _latest(number, month_number, today)

    return [
        *phrases(words.day_before_yesterday, days_back(2)),
        *phrases(words.days_ago, ago(1)),
        *phrases(words.weeks_ago, ago(7)),
        *phrases(words.last_weekday, last_weekday),
        (re.compile(rf"\b{day} {month}\b", re.IGNORECASE), day_month),
        (re.compile(rf"\b{month} {day}", re.IGNORECASE), day_month),
        *phrases(words.yesterday, days_back(1)),
        *phrases(words.today, days_back(0)),
    ]


def _count(match: re.Match[str], numbers: dict[str, int]) -> int:
    """The number in a "{n} ... ago" phrase; phrases without one ("a week ago") mean 1."""
    group = match.groupdict().get("n")
    return numbers[group.lower()] if group else 1


def _latest(day: int, month: int, today: dt.date) -> dt.date | None:
    for year in (today.year, today.year - 1):
        date = _date(year, month, day)
        if date is not None and date <= today:
            return date
    return None


def _iso(match: re.Match[str], _today: dt.date) -> dt.date | None:
    return _date(int(match[1]), int(match[2]), int(match[3]))


def _day_first(match: re.Match[str], _today: dt.date) -> dt.date | None:
    return _date(int(match[3]), int(match[2]), int(match[1]))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
