"""Small server-side SVG charts for the dashboard: geometry only, drawn by a Jinja template.

Each bar and point carries the query of the conversations it counts, so the page can open
exactly those (GET /api/v1/metrics/conversations). No JavaScript draws anything, nothing is
fetched from elsewhere; the SVG scales with its box (viewBox).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 26


@dataclass(frozen=True, slots=True)
class Mark:
    """One bar (x, y, w, h) or one point (x, y) with what it counts."""

    x: float
    y: float
    w: float
    h: float
    kind: str  # the band (or series) it belongs to: its colour
    query: str  # the list filters of the conversations it counts
    title: str  # what it says, for the tooltip and screen readers


@dataclass(frozen=True, slots=True)
class Line:
    kind: str
    path: str
    marks: list[Mark]


@dataclass(slots=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    empty: bool = True


def nice_top(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def _y_ticks(
    top: float, fmt: str, low: float = 0.0, height: int = HEIGHT
) -> list[tuple[float, str]]:
    plot = height - TOP - BOTTOM
    return [(TOP + plot * (1 - i / 4), fmt.format(low + (top - low) * i / 4)) for i in range(5)]


def _x_ticks(labels: Sequence[str], centre: Sequence[float]) -> list[tuple[float, str]]:
    every = max(1, math.ceil(len(labels) / 8))
    return [(centre[i], labels[i]) for i in range(0, len(labels), every)]


def stacked_bars(
    labels: Sequence[str],
    stacks: Sequence[Sequence[tuple[str, int, str, str]]],
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """One bar per label, stacked from its (kind, value, query, title) parts."""
    chart = Chart(width=width, height=height, baseline=height - BOTTOM)
    top = nice_top(max((sum(v for _, v, _, _ in parts) for parts in stacks), default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    bar = max(2.0, slot * 0.72)
    centres = []
    for i, parts in enumerate(stacks):
        x = LEFT + i * slot + (slot - bar) / 2
        centres.append(x + bar / 2)
        base: float = height - BOTTOM
        for kind, value, query, title in parts:
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            chart.marks.append(Mark(round(x, 1), round(base, 1), round(bar, 1), round(h, 1),
                                    kind, query, title))  # fmt: skip
            chart.empty = False
    chart.y_ticks = _y_ticks(top, "{:.0f}", height=height)
    chart.x_ticks = _x_ticks(labels, centres)
    return chart


def lines(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float | None, str, str]]]],
    low: float,
    high: float,
    fmt: str,
) -> Chart:
    """One line per (kind, [(value or None, query, title) per label]) on a fixed axis."""
    chart = Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    centres = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    for kind, values in series:
        marks: list[Mark] = []
        path: list[str] = []
        for i, (value, query, title) in enumerate(values):
            if value is None:
                continue
            y = TOP + plot_h * (1 - (value - low) / (high - low))
            marks.append(Mark(round(centres[i], 1), round(y, 1), 0, 0, kind, query, title))
            path.append(f"{'L' if path else 'M'}{centres[i]:.1f},{y:.1f}")
        if marks:
            chart.lines.append(Line(kind, " ".join(path), marks))
            chart.empty = False
    chart.y_ticks = _y_ticks(high, fmt, low)
    chart.x_ticks = _x_ticks(labels, centres)
    return chart


def hbars(items: Sequence[tuple[str, int, str]], row: int = 26) -> Chart:
    """Horizontal bars, largest first: (label, value, query)."""
    chart = Chart(height=max(row, row * len(items)) + 4)
    top = max((v for _, v, _ in items), default=0) or 1
    left, plot_w = 170, WIDTH - 170 - 48
    for i, (label, value, query) in enumerate(items):
        w = max(2.0, plot_w * value / top)
        chart.marks.append(Mark(left, i * row + 4, round(w, 1), row - 8, "reason", query, label))
        chart.y_ticks.append((i * row + row / 2 + 4, label))
        chart.x_ticks.append((left + w + 6, str(value)))
        chart.empty = False
    return chart
