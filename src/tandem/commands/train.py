"""`tandem train`: train the understanding model on the shipped intent catalogue."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tandem.understanding.catalogue import CatalogueError
from tandem.understanding.pipeline import MODEL_FILE, train

DEFAULT_MODEL_DIR = Path("var/models")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "train", help="Train the understanding model on the intent catalogue."
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=DEFAULT_MODEL_DIR,
        help="Where to store the model (default: %(default)s; the server uses TANDEM_MODEL_DIR).",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        understander = train(args.model_dir)
    except CatalogueError as error:
        print(f"tandem train: {error}")
        return 2
    examples = len(understander.catalogue.examples())
    print(
        f"trained on {examples} examples in {time.perf_counter() - start:.1f} s "
        f"-> {args.model_dir / MODEL_FILE}"
    )
    return 0
