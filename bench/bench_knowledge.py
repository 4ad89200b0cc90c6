"""Knowledge retrieval: latency per question (p50/p95) and top-1 accuracy per language.

Questions and the article that answers them are in bench/knowledge_questions.yaml; they are
worded the way customers ask, not copied from the articles.

    .venv/bin/python bench/bench_knowledge.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.types import SUPPORTED_LANGUAGES

QUESTIONS = Path(__file__).with_name("knowledge_questions.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="Times each question is asked.")
    args = parser.parse_args()
    labelled = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    started = time.perf_counter()
    knowledge = KnowledgeBase.load()
    print(f"load + index (model included): {time.perf_counter() - started:.2f} s")
    for language in SUPPORTED_LANGUAGES:
        timings, misses = [], []
        for question, expected in labelled[language].items():
            for _ in range(args.rounds):
                started = time.perf_counter()
                hits = knowledge.search(question, language)
                timings.append((time.perf_counter() - started) * 1000)
            if not hits or hits[0].article.id != expected:
                misses.append(f"{question!r} -> {hits[0].article.id if hits else None}")
        total = len(labelled[language])
        p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[-1]
        print(
            f"{language}: top-1 {total - len(misses)}/{total} "
            f"({(total - len(misses)) / total:.0%}), p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )
        for miss in misses:
            print(f"  miss: {miss} (expected another article)")


if __name__ == "__main__":
    main()
