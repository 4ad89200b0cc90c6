"""Knowledge retrieval: latency per question (p50/p95), top-1 article and passage accuracy.

Questions and the article that answers them are in bench/knowledge_questions.yaml; general
questions with the article AND the paragraph that answers them are in
bench/knowledge_passages.yaml. Both are worded the way customers ask, not copied from the
articles.

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
PASSAGES = Path(__file__).with_name("knowledge_passages.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="Times each question is asked.")
    args = parser.parse_args()
    labelled = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    started = time.perf_counter()
    knowledge = KnowledgeBase.load()
    print(f"load + index (model included): {time.perf_counter() - started:.2f} s")
    for language in SUPPORTED_LANGUAGES:
        if language not in labelled:
            print(f"{language}: no labelled questions in {QUESTIONS.name}")
            continue
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
    passages(knowledge)


def passages(knowledge: KnowledgeBase) -> None:
    """Per language: the top article and its passage (what an answer quotes), and the passage
    of the expected article among the top 3 (what the knowledge flow quotes when the intent's
    topic picks that article)."""
    labelled = yaml.safe_load(PASSAGES.read_text(encoding="utf-8"))
    for language in SUPPORTED_LANGUAGES:
        if language not in labelled:
            print(f"{language}: no labelled passages in {PASSAGES.name}")
            continue
        cases = labelled[language]
        article = top = within = 0
        misses = []
        for case in cases:
            hits = knowledge.search(case["q"], language)
            first = hits[0] if hits else None
            if first is not None and first.article.id == case["article"]:
                article += 1
                top += case["passage"] in first.passage
            own = next((h for h in hits if h.article.id == case["article"]), None)
            if own is not None and case["passage"] in own.passage:
                within += 1
            else:
                got = own.passage[:60] if own else "not in the top 3"
                misses.append(f"{case['q']!r} -> {got!r} (expected {case['passage']!r})")
        total = len(cases)
        print(
            f"{language} passages: top-1 article {article}/{total}, top-1 article+passage "
            f"{top}/{total} ({top / total:.0%}), passage of the expected article "
            f"{within}/{total} ({within / total:.0%})"
        )
        for miss in misses:
            print(f"  wrong passage: {miss}")


if __name__ == "__main__":
    main()
