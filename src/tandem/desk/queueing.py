"""The queueing formulas behind capacity planning: Erlang B, C and A, with chat slots (pure maths).

One birth-death picture covers all three models. Chats arrive at rate λ; `slots` chats can be
in hand at once (agents * chats per agent); with n chats in hand they finish at rate μ(n), and
with every slot taken at the constant rate a = μ(slots). A waiting customer gives up at rate
θ = 1 / patience (Erlang A), or never (Erlang C). Times are in minutes. Erlang C is μ(n) = n/h.

The states below the full line are summed with the Erlang B recursion, which never forms a
factorial or a power: B(n) = r·B(n-1) / (1 + r·B(n-1)) with r = λ/μ(n). The waiting part is
closed form: without patience the queue is geometric and a wait is exponential with rate a - λ;
with patience (Palm's M/M/n+M) it uses A(x, y) = Σ_k y^k / ((x+1)…(x+k)), x = a/θ, y = λ/θ
(Mandelbaum & Zeltyn), summed in log space, or from the Gamma function when its tail is
negligible. Derivations: docs/capacity.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: A series term this far (in natural log) below the sum is negligible (e^-42 ≈ 6e-19).
_NEGLIGIBLE = -42.0
#: The Gamma(b) tail beyond y counts as zero when its Chernoff bound is below e^-50.
_TAIL = -50.0


@dataclass(frozen=True, slots=True)
class Below:
    """The states with free or just-full slots: the Erlang B probability and the mean in hand."""

    blocking: float  # P(all slots taken | no one waits): Erlang B for plain agents
    mean_busy: float  # mean chats in hand, given no one waits


@dataclass(frozen=True, slots=True)
class Outcome:
    """What customers see in the long run (times in minutes)."""

    stable: bool
    probability_of_waiting: float
    service_level: float  # share of all customers answered within the target time
    answer_wait: float  # mean wait of the answered customers (inf when unstable)
    abandonment: float  # share of customers who give up (0 without patience)
    busy_slots: float  # mean chats in hand


def below_step(below: Below, n: int, ratio: float) -> Below:
    """The Erlang B recursion one slot further, `ratio` being λ / μ(n)."""
    grown = ratio * below.blocking
    blocking = grown / (1.0 + grown)
    return Below(blocking, below.mean_busy * (1.0 - blocking) + n * blocking)


def erlang_b(servers: int, load: float) -> float:
    """Erlang B: the probability that all `servers` are busy with `load` Erlangs, no queue."""
    below = Below(1.0, 0.0)
    for n in range(1, servers + 1):
        below = below_step(below, n, load / n)
    return below.blocking


def outcome(
    arrival_rate: float,
    below: Below,
    slots: int,
    full_rate: float,
    patience: float | None,
    within: float,
) -> Outcome:
    """The long-run outcome given the states below the full line and the full service rate."""
    if patience is None:
        return _no_patience(arrival_rate, below, slots, full_rate, within)
    return _with_patience(arrival_rate, below, slots, full_rate, 1.0 / patience, within)


def _no_patience(lam: float, below: Below, slots: int, a: float, within: float) -> Outcome:
    if lam >= a:
        return Outcome(False, 1.0, 0.0, math.inf, 0.0, float(slots))
    rho = lam / a
    b = below.blocking
    denominator = 1.0 - rho + rho * b
    waiting = b / denominator
    busy = (below.mean_busy * (1.0 - rho) + slots * b * rho) / denominator
    level = 1.0 - waiting * math.exp(-(a - lam) * within)
    return Outcome(True, waiting, _unit(level), waiting / (a - lam), 0.0, busy)


def _with_patience(
    lam: float, below: Below, slots: int, a: float, theta: float, within: float
) -> Outcome:
    x, y = a / theta, lam / theta
    log_a = log_series(x, y)[0]
    b = below.blocking
    if b <= 0.0:  # so few customers that no one ever waits (underflow)
        return Outcome(True, 0.0, 1.0, 0.0, 0.0, below.mean_busy)
    # With q = 1 / (B·A): P(wait) = 1 / (1 + (1 - B)·q), and q·P(wait) for the busy slots;
    # q itself may be far beyond a float (B tiny), so only its inverse or itself when small.
    log_q = -math.log(b) - log_a
    if log_q > 0.0:
        inverse = math.exp(-log_q)
        waiting, q_waiting = inverse / (inverse + 1.0 - b), 1.0 / (inverse + 1.0 - b)
    else:
        q = math.exp(log_q)
        waiting, q_waiting = 1.0 / (1.0 + (1.0 - b) * q), q / (1.0 + (1.0 - b) * q)
    served_if_waiting = (x / y) * -math.expm1(-log_a)
    abandonment = waiting * (1.0 - served_if_waiting)
    log_a1, mean_log = log_series(x + 1.0, y)
    z = y * math.exp(-theta * within)
    late = -theta * within * (x + 1.0) + (y - z) + log_series(x + 1.0, z)[0] - log_a
    within_if_waiting = x / (x + 1.0) * (math.exp(log_a1 - log_a) - math.exp(late))
    level = 1.0 - waiting + waiting * within_if_waiting
    answered = 1.0 - abandonment
    answer_wait = waiting * served_if_waiting * mean_log / theta / answered if answered else 0.0
    busy = below.mean_busy * q_waiting + slots * -math.expm1(-log_a) * waiting
    return Outcome(True, waiting, _unit(level), answer_wait, _unit(abandonment), busy)


def log_series(b: float, y: float) -> tuple[float, float]:
    """log A(b, y), and E[log(y/U)] for U ~ Gamma(b) cut at y (the answered wait, in 1/θ).

    A(b, y) = Σ_k T_k with T_k = y^k / ((b+1)…(b+k)); the mean is Σ T_k·H_k / Σ T_k with
    H_k = Σ_{j=0..k} 1/(b+j). When Gamma(b)'s mass beyond y is negligible, both are closed form.
    """
    if y <= 0.0:
        return 0.0, 1.0 / b
    if y > b and b * math.log(y / b) + b - y < _TAIL:
        return y - b * math.log(y) + math.lgamma(b + 1.0), math.log(y) - digamma(b)
    return _summed(b, y)


def _summed(b: float, y: float) -> tuple[float, float]:
    """The series in log space: terms rise until k ≈ y - b, then fall faster than geometrically.

    Outside the closed-form case the peak is within about y - b + 10·√y terms, so the loop is
    bounded by the inputs' own size.
    """
    log_y = math.log(y)
    log_term, top = 0.0, 0.0  # the current term and the scale of the sums, in logs
    total, weighted, harmonic = 1.0, 1.0 / b, 1.0 / b
    k = 0
    while True:
        k += 1
        log_term += log_y - math.log(b + k)
        harmonic += 1.0 / (b + k)
        if log_term > top:
            shrink = math.exp(top - log_term)
            total, weighted, top = total * shrink, weighted * shrink, log_term
        term = math.exp(log_term - top)
        total += term
        weighted += term * harmonic
        ratio = y / (b + k + 1.0)
        if ratio < 1.0 and log_term - top + math.log(ratio / (1.0 - ratio)) < _NEGLIGIBLE:
            return top + math.log(total), weighted / total


def digamma(x: float) -> float:
    """ψ(x) for x > 0: the recurrence up to x ≥ 12, then the asymptotic series (error < 1e-14)."""
    result = 0.0
    while x < 12.0:
        result -= 1.0 / x
        x += 1.0
    inverse = 1.0 / (x * x)
    series = inverse * (
        1 / 12 - inverse * (1 / 120 - inverse * (1 / 252 - inverse * (1 / 240 - inverse / 132)))
    )
    return result + math.log(x) - 0.5 / x - series


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))
