"""The guardrail: is the AI group on a topic clearly worse than the people (the baseline)?

A mixture sequential probability ratio test (mSPRT, Johari et al. 2017) on the difference of
means, with a normal mixture of scale ``tau`` (the size of drop that matters) and plug-in
variances. Its statistic may be looked at after every conversation: the chance that it ever
crosses ``1 / alpha`` while the groups are truly equal is at most ``alpha`` (Ville's
inequality). Two metrics (CSAT, re-contact) each get alpha / 2, so a topic with no true drop
is stepped back with probability at most 5% over its whole life; docs/rollout.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The false-alarm rate over all metrics and all looks (split evenly across METRICS).
ALPHA = 0.05
#: Fewer conversations than this in either group: nothing is concluded (the step is held).
MIN_SAMPLE = 30


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    higher_is_better: bool
    tau: float  # the drop that matters (mixture scale)


CSAT = Metric("csat", True, 0.5)  # points on 1-5
RECONTACT = Metric("recontact", False, 0.10)  # share re-contacting within 7 days
METRICS = (CSAT, RECONTACT)


@dataclass(frozen=True, slots=True)
class Sample:
    """Sufficient statistics of one group's values: count, sum, sum of squares."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        if self.n < 2:
            return 0.0
        return max((self.squares - self.total * self.total / self.n) / (self.n - 1), 0.0)

    def add(self, value: float) -> Sample:
        return Sample(self.n + 1, self.total + value, self.squares + value * value)


@dataclass(frozen=True, slots=True)
class Finding:
    metric: str
    ai: Sample
    baseline: Sample
    statistic: float  # the mixture likelihood ratio; >= threshold: a clear drop
    threshold: float
    drop: bool

    def describe(self) -> str:
        return (
            f"{self.metric}: AI {self.ai.mean:.2f} (n={self.ai.n}) vs people "
            f"{self.baseline.mean:.2f} (n={self.baseline.n}); mSPRT {self.statistic:.1f}"
            f" {'>=' if self.drop else '<'} {self.threshold:.0f}"
        )


def msprt(ai: Sample, baseline: Sample, tau: float) -> float:
    """The mixture likelihood ratio for "the means differ", normal mixture N(0, tau^2)."""
    if ai.n < 2 or baseline.n < 2:
        return 0.0
    v = ai.variance / ai.n + baseline.variance / baseline.n
    v = max(v, 1e-12)
    d = ai.mean - baseline.mean
    t2 = tau * tau
    exponent = t2 * d * d / (2 * v * (v + t2))
    return math.sqrt(v / (v + t2)) * math.exp(min(exponent, 700.0))


def check(metric: Metric, ai: Sample, baseline: Sample) -> Finding:
    threshold = len(METRICS) / ALPHA
    statistic = msprt(ai, baseline, metric.tau)
    worse = ai.mean < baseline.mean if metric.higher_is_better else ai.mean > baseline.mean
    enough = min(ai.n, baseline.n) >= MIN_SAMPLE
    return Finding(
        metric.name,
        ai,
        baseline,
        statistic,
        threshold,
        enough and worse and (statistic >= threshold),
    )
