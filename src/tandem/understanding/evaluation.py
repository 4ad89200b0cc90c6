"""Intent evaluation: accuracy, macro-F1, out-of-scope recall and precision, confusions, latency.

Latency is measured per message, one call at a time, as the server would see it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import f1_score

from tandem.understanding.catalogue import OUT_OF_SCOPE
from tandem.understanding.datasets import Example

#: How many of the most confused (expected, predicted) pairs a report lists.
TOP_CONFUSIONS = 10


@dataclass(frozen=True, slots=True)
class Confusion:
    expected: str
    predicted: str
    count: int


@dataclass(frozen=True, slots=True)
class Report:
    examples: int
    accuracy: float
    macro_f1: float
    in_scope_accuracy: float | None  # None without in-scope examples
    oos_recall: float | None  # None without out-of-scope examples
    oos_precision: float | None  # None when nothing was predicted out of scope
    latency_p50_ms: float
    latency_p95_ms: float
    per_label_accuracy: dict[str, float]
    confusions: tuple[Confusion, ...]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def evaluate(predict: Callable[[str], str], examples: Sequence[Example]) -> Report:
    """Run ``predict`` (text -> label, ``oos`` for out of scope) on each example."""
    predicted: list[str] = []
    latencies: list[float] = []
    for example in examples:
        start = time.perf_counter()
        predicted.append(predict(example.text))
        latencies.append((time.perf_counter() - start) * 1000)
    return score([e.label for e in examples], predicted, latencies)


def score(
    expected: Sequence[str], predicted: Sequence[str], latencies_ms: Sequence[float]
) -> Report:
    truth, guess = np.asarray(expected), np.asarray(predicted)
    right = truth == guess
    is_oos, said_oos = truth == OUT_OF_SCOPE, guess == OUT_OF_SCOPE
    pairs = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    return Report(
        examples=len(truth),
        accuracy=float(right.mean()),
        macro_f1=float(f1_score(truth, guess, average="macro", zero_division=0.0)),
        in_scope_accuracy=_mean(right[~is_oos]),
        oos_recall=_mean(said_oos[is_oos]),
        oos_precision=_mean(is_oos[said_oos]),
        latency_p50_ms=float(np.percentile(latencies_ms, 50)),
        latency_p95_ms=float(np.percentile(latencies_ms, 95)),
        per_label_accuracy={
            str(label): float(right[truth == label].mean()) for label in sorted(set(expected))
        },
        confusions=tuple(Confusion(e, p, n) for (e, p), n in pairs.most_common(TOP_CONFUSIONS)),
    )


def format_report(report: Report) -> str:
    """A short human-readable report."""
    lines = [
        f"examples            {report.examples}",
        f"accuracy            {report.accuracy:.1%}",
        f"macro-F1            {report.macro_f1:.3f}",
        f"in-scope accuracy   {_percent(report.in_scope_accuracy)}",
        f"OOS recall          {_percent(report.oos_recall)}",
        f"OOS precision       {_percent(report.oos_precision)}",
        f"latency p50 / p95   {report.latency_p50_ms:.2f} / {report.latency_p95_ms:.2f} ms",
    ]
    if report.confusions:
        lines.append("most confused (expected -> predicted: count)")
        lines += [f"  {c.expected} -> {c.predicted}: {c.count}" for c in report.confusions]
    return "\n".join(lines)


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
