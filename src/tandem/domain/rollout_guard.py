"""The guardrail: is the AI group on a topic clearly worse than the people (the baseline)?

A mixture sequential probability ratio test (mSPRT, Johari et al. 2017) on the difference of
means, with a normal mixture of scale ``tau`` (the size of drop that matters) and plug-in
variances. Its statistic may be looked at after every conversation: the chance that it ever
crosses ``1 / alpha`` while the groups are truly equal is at most ``alpha`` (Ville's
inequality). The five metrics each get alpha / 5, so a topic with no true drop is stepped back
with probability at most 5% over its whole step. Inverting the same test gives an always-valid
interval for the difference (AI minus people): a drop is declared exactly when that interval
lies wholly on the worse side of zero. docs/rollout.md.
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
    label: str  # how a lead reads it
    higher_is_better: bool
    tau: float  # the drop that matters (mixture scale)
    share: bool  # a share of conversations (0/1 values), shown in percent


CSAT = Metric("csat", "CSAT (1-5)", True, 0.5, False)
HONEST = Metric("honest", "honest resolution", True, 0.10, True)
RECONTACT = Metric("recontact", "re-contact within 7 days", False, 0.10, True)
THUMBS_DOWN = Metric("thumbs_down", "thumbs down", False, 0.05, True)
COMPLAINTS = Metric("complaints", "complaints", False, 0.05, True)
METRICS = (CSAT, HONEST, RECONTACT, THUMBS_DOWN, COMPLAINTS)
BY_NAME = {metric.name: metric for metric in METRICS}
#: The statistic a clear drop must reach: 1 / (alpha per metric).
THRESHOLD = len(METRICS) / ALPHA


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
    low: float | None  # the always-valid interval of AI minus people; None: too few to say
    high: float | None
    drop: bool

    def describe(self) -> str:
        metric = BY_NAME[self.metric]
        interval = ""
        if self.low is not None and self.high is not None:
            interval = f", difference {_fmt(metric, self.ai.mean - self.baseline.mean)} in "
            interval += f"[{_fmt(metric, self.low)}, {_fmt(metric, self.high)}]"
        return (
            f"{self.metric}: AI {_fmt(metric, self.ai.mean, False)} (n={self.ai.n}) vs people "
            f"{_fmt(metric, self.baseline.mean, False)} (n={self.baseline.n}){interval}; mSPRT "
            f"{_stat(self.statistic)} {'>=' if self.drop else '<'} {self.threshold:.0f}"
        )


def _stat(statistic: float) -> str:
    return "> 1,000,000" if statistic > 1e6 else f"{statistic:.1f}"


def _fmt(metric: Metric, value: float, signed: bool = True) -> str:
    if metric.share:  # a share in percent; a difference of shares in percentage points
        return f"{value * 100:+.1f} pts" if signed else f"{value * 100:.1f}%"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


#: The least spread assumed of one CSAT answer: a group whose few answers happen to agree is
#: not taken as certain.
MIN_CSAT_VARIANCE = 0.25


def _spread(sample: Sample, share: bool) -> float:
    """One value's variance: for a share, of the share smoothed by one success and one failure
    (so no events in 40 conversations is not read as "never"); for CSAT, at least a floor."""
    if share:
        p = (sample.total + 1) / (sample.n + 2)
        return p * (1 - p)
    return max(sample.variance, MIN_CSAT_VARIANCE)


def _variance(ai: Sample, baseline: Sample, share: bool) -> float:
    return _spread(ai, share) / ai.n + _spread(baseline, share) / baseline.n


def msprt(ai: Sample, baseline: Sample, tau: float, share: bool = False) -> float:
    """The mixture likelihood ratio for "the means differ", normal mixture N(0, tau^2)."""
    if ai.n < 2 or baseline.n < 2:
        return 0.0
    v = _variance(ai, baseline, share)
    d = ai.mean - baseline.mean
    t2 = tau * tau
    exponent = t2 * d * d / (2 * v * (v + t2))
    return math.sqrt(v / (v + t2)) * math.exp(min(exponent, 700.0))


def interval(
    ai: Sample, baseline: Sample, tau: float, share: bool = False
) -> tuple[float, float] | None:
    """The differences (AI minus people) the test cannot reject now: an always-valid
    confidence interval at 1 - alpha per metric, holding at every look (the mSPRT inverted)."""
    if ai.n < 2 or baseline.n < 2:
        return None
    v = _variance(ai, baseline, share)
    t2 = tau * tau
    half = math.sqrt(2 * v * (v + t2) / t2 * (math.log(THRESHOLD) + 0.5 * math.log((v + t2) / v)))
    d = ai.mean - baseline.mean
    return d - half, d + half


def check(metric: Metric, ai: Sample, baseline: Sample) -> Finding:
    statistic = msprt(ai, baseline, metric.tau, metric.share)
    worse = ai.mean < baseline.mean if metric.higher_is_better else ai.mean > baseline.mean
    enough = min(ai.n, baseline.n) >= MIN_SAMPLE
    bounds = interval(ai, baseline, metric.tau, metric.share)
    low, high = bounds if bounds is not None else (None, None)
    drop = enough and worse and statistic >= THRESHOLD
    return Finding(metric.name, ai, baseline, statistic, THRESHOLD, low, high, drop)
