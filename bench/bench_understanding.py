"""Benchmark of the understanding step: public intent datasets, our catalogue, latency and memory.

Run: .venv/bin/python bench/bench_understanding.py   (a few minutes on 2 cores)

- Banking77: the official test split is not available here, so the model trains on a stratified
  80 % of train.csv (seed 0) and is scored on the other 20 %.
- CLINC150: trains on train + oos_train; the one out-of-scope threshold is chosen on
  out-of-fold predictions over that training data; scored on val + oos_val (the official
  validation split, not the test split).
- Our catalogue: trained from the shipped YAML, scored on the held-out eval_{nl,en}.csv.
- Latency: the whole understanding step per message, one thread, next to the sentence encoder
  alone (most of it); memory: RSS of a fresh process that loads the stored model and
  understands one message.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy: single-thread measurements
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import functools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from handoff_judgment import judge, sets_of
from tandem.types import SUPPORTED_LANGUAGES
from tandem.understanding.catalogue import CATALOGUE_DIR
from tandem.understanding.datasets import Example, load_examples
from tandem.understanding.embeddings import embed
from tandem.understanding.evaluation import Report, evaluate, score
from tandem.understanding.intents import IntentClassifier
from tandem.understanding.pipeline import Understander, train
from tandem.understanding.result import Context

DATA = Path(os.environ.get("TANDEM_BENCH_DATA", "/work/shared/data"))


@dataclass(frozen=True)
class Row:
    benchmark: str
    metric: str
    measured: str
    target: str


def fit_and_score(
    train_set: Sequence[Example], test_set: Sequence[Example]
) -> tuple[Report, float]:
    start = time.perf_counter()
    classifier = IntentClassifier().fit([e.text for e in train_set], [e.label for e in train_set])
    seconds = time.perf_counter() - start
    predicted = [p.intent for p in classifier.predict([e.text for e in test_set])]
    return score([e.label for e in test_set], predicted, [0.0]), seconds


def banking77() -> list[Row]:
    examples = load_examples(DATA / "banking77" / "train.csv")
    labels = [e.label for e in examples]
    train_set, test_set = train_test_split(examples, test_size=0.2, stratify=labels, random_state=0)
    report, seconds = fit_and_score(train_set, test_set)
    return [
        Row("Banking77 (20% held out of train)", "accuracy", f"{report.accuracy:.1%}", ">= 94%"),
        Row("Banking77", "training time (8,002 examples)", f"{seconds:.0f} s", "< 120 s"),
    ]


def clinc150() -> list[Row]:
    file = DATA / "clinc150" / "train_val.json"
    report, seconds = fit_and_score(
        load_examples(file, ["train", "oos_train"]), load_examples(file, ["val", "oos_val"])
    )
    return [
        Row(
            "CLINC150 (val + oos_val)",
            "in-scope accuracy",
            f"{report.in_scope_accuracy:.1%}",
            ">= 95%",
        ),
        Row("CLINC150", "OOS recall (one threshold)", f"{report.oos_recall:.1%}", ">= 80%"),
        Row("CLINC150", "OOS precision", f"{report.oos_precision:.1%}", ""),
        Row("CLINC150", "training time (15,100 examples)", f"{seconds:.0f} s", ""),
    ]


def catalogue(model_dir: Path) -> tuple[list[Row], list[str]]:
    start = time.perf_counter()
    understander = train(model_dir)
    seconds = time.perf_counter() - start
    rows = [Row("catalogue", "training time (tandem train)", f"{seconds:.1f} s", "< 60 s")]
    details = []
    for language in SUPPORTED_LANGUAGES:
        name = f"catalogue eval_{language}.csv"
        context = Context(language=language)
        test = load_examples(CATALOGUE_DIR / f"eval_{language}.csv")
        report = evaluate(functools.partial(intent_of, understander, context), test)
        rows.append(Row(name, "accuracy", f"{report.accuracy:.1%}", ">= 95%"))
        rows.append(Row(name, "macro-F1", f"{report.macro_f1:.3f}", ""))
        oos = f"{report.oos_recall or 0:.0%} / {report.oos_precision or 0:.0%}"
        rows.append(Row(name, "OOS recall / precision", oos, ""))
        per_label = report.per_label_accuracy.items()
        details.append(f"{language}: " + ", ".join(f"{k} {v:.0%}" for k, v in per_label))
        for held in sets_of(language):
            judgment = judge(understander, language, held)
            handoff = f"handoff judgment {held}_{language}.csv"
            reached = f"{judgment.reached_person}/{judgment.should_reach_person}"
            wrong = f"{judgment.routine_handed_over}/{judgment.routine}"
            rows.append(Row(handoff, "first message reaches a person", reached, "all"))
            rows.append(Row(handoff, "routine message handed over", wrong, "none"))
            details += [
                f"  {language} {held} miss: {m.expected} {m.text!r} ({m.intent}, {m.reason})"
                for m in judgment.misses
            ]
    return rows + latency(understander) + resident_memory(model_dir), details


def intent_of(understander: Understander, context: Context, text: str) -> str:
    return understander.understand(text, context).intent


def latency(understander: Understander) -> list[Row]:
    texts = [
        e.text
        for language in SUPPORTED_LANGUAGES
        for e in load_examples(CATALOGUE_DIR / f"eval_{language}.csv")
    ]
    step, encoder = [], []
    for _ in range(3):
        for text in texts:
            step.append(_milliseconds(understander.understand, text, Context()))
            encoder.append(_milliseconds(embed, [text]))
    p50, p95 = np.percentile(step, [50, 95])
    alone = "{:.2f} / {:.2f} ms".format(*np.percentile(encoder, [50, 95]))
    load = os.getloadavg()[0]  # other processes on the machine inflate the latency
    return [
        Row("understanding step, 1 thread", "latency p50", f"{p50:.2f} ms", "<= 3 ms"),
        Row("understanding step, 1 thread", "latency p95", f"{p95:.2f} ms", "<= 8 ms"),
        Row("understanding step, 1 thread", "of which sentence encoder p50 / p95", alone, ""),
        Row("understanding step, 1 thread", "machine load average (1 min)", f"{load:.1f}", ""),
    ]


def _milliseconds(function: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1000


def resident_memory(model_dir: Path) -> list[Row]:
    probe = (
        "import time, pathlib;"
        "from tandem.understanding.pipeline import load_or_train;"
        "from tandem.understanding.result import Context;"
        "t = time.perf_counter();"
        f"u = load_or_train(pathlib.Path({str(model_dir)!r}));"
        "s = time.perf_counter() - t;"
        "u.understand('waar is mijn bestelling TD-1001?', Context());"
        "rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1];"
        "print(int(rss) / 1024, s)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    rss, seconds = map(float, out.stdout.split())
    return [
        Row("loaded model (fresh process)", "resident memory (RSS)", f"{rss:.0f} MB", "< 500 MB"),
        Row("loaded model (fresh process)", "load time", f"{seconds:.1f} s", ""),
    ]


def main() -> None:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as model_dir:
        rows, details = catalogue(Path(model_dir))
    rows += banking77() + clinc150()
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("benchmark", "metric", "measured")]
    print(f"{'benchmark':<{widths[0]}}  {'metric':<{widths[1]}}  {'measured':>{widths[2]}}  target")
    for r in rows:
        name, metric = f"{r.benchmark:<{widths[0]}}", f"{r.metric:<{widths[1]}}"
        print(f"{name}  {metric}  {r.measured:>{widths[2]}}  {r.target}")
    print("\nper-intent accuracy on the catalogue eval sets")
    print("\n".join(details))
    print(
        f"\n(total {time.perf_counter() - start:.0f} s; {os.cpu_count()} CPUs; "
        f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']})"
    )
    if "--json" in sys.argv:
        print(json.dumps([r.__dict__ for r in rows]))


if __name__ == "__main__":
    main()
