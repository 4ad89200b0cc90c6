"""The roll-out guardrail (domain/rollout_guard.py) on simulated streams with a known truth.

Each simulated roll-out is a stream of conversations split evenly between the AI and people;
a share of them is rated (CSAT 1-5) and each re-contacts or not. After every 20 conversations
the guardrail looks. Targets (issue 13): with no true drop at most 5% of 1,000 roll-outs are
stepped back; a drop of 0.5 CSAT points, or +10 points of re-contact, is caught (the median
number of conversations printed); evaluating 100,000 conversations takes at most 1 s.

    .venv/bin/python bench/bench_rollout.py [--runs 1000] [--length 4000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from tandem.domain.rollout_guard import CSAT, RECONTACT, Sample, check

SCORES = np.arange(1, 6)
BASE_CSAT = np.array([0.03, 0.04, 0.08, 0.35, 0.50])  # mean 4.25
DROPPED_CSAT = np.array([0.08, 0.08, 0.15, 0.39, 0.30])  # mean 3.75: 0.5 points lower
RATED = 0.3  # the share of conversations with a CSAT answer
BASE_RECONTACT = 0.15
LOOK_EVERY = 20


def _sample(values: np.ndarray) -> Sample:
    return Sample(int(values.size), float(values.sum()), float((values * values).sum()))


def roll_out(rng: np.random.Generator, length: int, csat: np.ndarray, recontact: float) -> int:
    """Conversations until the guardrail steps back (0: never, within `length`)."""
    half = length // 2
    ai_rated = rng.random(half) < RATED
    base_rated = rng.random(half) < RATED
    ai_scores = rng.choice(SCORES, half, p=csat).astype(float)
    base_scores = rng.choice(SCORES, half, p=BASE_CSAT).astype(float)
    ai_back = (rng.random(half) < recontact).astype(float)
    base_back = (rng.random(half) < BASE_RECONTACT).astype(float)
    for seen in range(LOOK_EVERY, half + 1, LOOK_EVERY // 2):
        ai_csat = _sample(ai_scores[:seen][ai_rated[:seen]])
        base_csat = _sample(base_scores[:seen][base_rated[:seen]])
        if check(CSAT, ai_csat, base_csat).drop:
            return seen * 2
        if check(RECONTACT, _sample(ai_back[:seen]), _sample(base_back[:seen])).drop:
            return seen * 2
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--length", type=int, default=4000, help="conversations per roll-out")
    args = parser.parse_args()
    rng = np.random.default_rng(13)

    false_alarms = sum(
        roll_out(rng, args.length, BASE_CSAT, BASE_RECONTACT) > 0 for _ in range(args.runs)
    )
    rate = false_alarms / args.runs
    print(
        f"no true drop: {false_alarms}/{args.runs} roll-outs stepped back"
        f" ({rate:.1%}; target <= 5%)"
    )

    for name, csat, recontact in (
        ("CSAT -0.5", DROPPED_CSAT, BASE_RECONTACT),
        ("re-contact +10 pts", BASE_CSAT, BASE_RECONTACT + 0.10),
    ):
        found = [roll_out(rng, args.length, csat, recontact) for _ in range(200)]
        caught = [n for n in found if n]
        median = statistics.median(caught) if caught else float("nan")
        print(
            f"{name}: caught in {len(caught)}/200 roll-outs; median {median:.0f} conversations"
            f" (both groups)"
        )

    values = rng.choice(SCORES, 100_000, p=BASE_CSAT).astype(float)
    started = time.perf_counter()
    samples = [Sample(), Sample()]
    for i, value in enumerate(values.tolist()):  # the worst case: one value at a time
        samples[i % 2] = samples[i % 2].add(value)
    check(CSAT, samples[0], samples[1])
    seconds = time.perf_counter() - started
    print(f"evaluating 100,000 conversations: {seconds:.3f} s (target <= 1 s)")
    if rate > 0.05 or seconds > 1:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
