"""`tandem eval intents ...`: measure intent classification on labelled data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tandem.commands.train import DEFAULT_MODEL_DIR
from tandem.understanding.catalogue import INTENTS, OUT_OF_SCOPE
from tandem.understanding.datasets import DatasetError, Example, check_labels, load_examples
from tandem.understanding.evaluation import Report, evaluate, format_report
from tandem.understanding.intents import IntentClassifier, TrainingError
from tandem.understanding.pipeline import load_or_train
from tandem.understanding.result import Context

USAGE = """\
Evaluate the catalogue model on FILE, or train a fresh model on TRAIN and evaluate it on TEST.
Files are CSV with a header naming the columns text and label (or category), or JSON objects of
lists of [text, label] (CLINC150 style). The label oos means out of scope.

--split TRAIN_KEYS:TEST_KEYS names the JSON lists to use, comma-separated, e.g.
  tandem eval intents --train clinc.json --test clinc.json --split train,oos_train:val,oos_val
  tandem eval intents clinc.json --split :val,oos_val
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("eval", help="Evaluate models on labelled data.")
    kinds = parser.add_subparsers(dest="kind", required=True)
    intents = kinds.add_parser(
        "intents",
        help="Accuracy, macro-F1, OOS recall/precision, confusions and latency.",
        description=USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    intents.add_argument("file", type=Path, nargs="?", help="Test data for the catalogue model.")
    intents.add_argument("--train", type=Path, help="Train a fresh model on this data first.")
    intents.add_argument("--test", type=Path, help="Test data for the model trained on --train.")
    intents.add_argument("--split", default=":", help="JSON keys: TRAIN_KEYS:TEST_KEYS.")
    intents.add_argument(
        "--model-dir",
        type=Path,
        default=DEFAULT_MODEL_DIR,
        help="The catalogue model (trained there when missing; default: %(default)s).",
    )
    intents.add_argument("--json", action="store_true", help="Print one JSON object.")
    intents.set_defaults(func=run_intents, parser=intents)


def run_intents(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    if (args.file is None) == (args.train is None and args.test is None):
        parser.error("give either FILE or both --train and --test")
    if args.file is None and (args.train is None or args.test is None):
        parser.error("--train and --test go together")
    try:
        report = _run(args)
    except (DatasetError, TrainingError) as error:
        print(f"tandem eval intents: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict()) if args.json else format_report(report))
    return 0


def _run(args: argparse.Namespace) -> Report:
    train_keys, test_keys = _split(args.split)
    if args.file is not None:
        test = load_examples(args.file, test_keys)
        check_labels(test, set(INTENTS), "the intent catalogue")
        understander = load_or_train(args.model_dir)
        return evaluate(lambda text: understander.understand(text, Context()).intent, test)
    train = load_examples(args.train, train_keys)
    test = load_examples(args.test, test_keys)
    labels = {example.label for example in train}
    check_labels(test, labels | {OUT_OF_SCOPE}, f"the labels of {args.train}")
    classifier = _fit(train)
    return evaluate(lambda text: classifier.predict([text])[0].intent, test)


def _fit(examples: list[Example]) -> IntentClassifier:
    return IntentClassifier().fit([e.text for e in examples], [e.label for e in examples])


def _split(value: str) -> tuple[list[str], list[str]]:
    train, sep, test = value.partition(":")
    if not sep:
        raise DatasetError(f"--split {value!r}: expected TRAIN_KEYS:TEST_KEYS")
    return [k for k in train.split(",") if k], [k for k in test.split(",") if k]
