"""Labelled examples from files: CSV (``text,label`` or ``text,category``) or CLINC-style JSON.

Every problem is a :class:`DatasetError` that names the file and, where there is one, the line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Files larger than this are refused rather than read into memory.
MAX_BYTES = 50_000_000
#: Texts longer than this are refused (a chat message is far shorter).
MAX_TEXT_CHARS = 10_000
LABEL_COLUMNS = ("label", "category")


class DatasetError(ValueError):
    """A data file cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    where: str  # "file:line" (CSV) or "file:key[index]" (JSON), for error messages


def load_examples(path: Path, keys: Sequence[str] = ()) -> list[Example]:
    """Examples from a CSV file, or from the lists under ``keys`` of a JSON file."""
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        examples = _from_json(path, text, keys)
    elif keys:
        raise DatasetError(f"{path}: --split keys only apply to JSON files")
    else:
        examples = _from_csv(path, text)
    if not examples:
        raise DatasetError(f"{path}: no examples")
    return examples


def check_labels(examples: Sequence[Example], known: set[str], what: str) -> None:
    """Refuse the first example whose label is not in ``known``."""
    for example in examples:
        if example.label not in known:
            raise DatasetError(f"{example.where}: unknown label {example.label!r} (not in {what})")


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DatasetError(f"{path}: {size:,} bytes is more than the {MAX_BYTES:,} allowed")
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from exc


def _from_csv(path: Path, text: str) -> list[Example]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    label_column = next((c for c in LABEL_COLUMNS if c in header), None)
    if "text" not in header or label_column is None:
        raise DatasetError(
            f"{path}:1: expected a header with columns text and label (or category), "
            f"got {','.join(header) or 'nothing'}"
        )
    text_at, label_at = header.index("text"), header.index(label_column)
    examples = []
    for row in reader:
        where = f"{path}:{reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DatasetError(f"{where}: {len(row)} columns, the header has {len(header)}")
        examples.append(_example(row[text_at], row[label_at], where))
    return examples


def _from_json(path: Path, text: str, keys: Sequence[str]) -> list[Example]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise DatasetError(f"{path}:1: expected an object of lists of [text, label]")
    if not keys:
        raise DatasetError(f"{path}: name the lists to use with --split ({', '.join(data)})")
    examples = []
    for key in keys:
        if not isinstance(data.get(key), list):
            raise DatasetError(f"{path}: no list {key!r} (has {', '.join(data)})")
        for index, item in enumerate(data[key]):
            where = f"{path}:{key}[{index}]"
            if not (
                isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)
            ):
                raise DatasetError(f"{where}: expected [text, label], got {item!r:.80}")
            examples.append(_example(item[0], item[1], where))
    return examples


def _example(text: str, label: str, where: str) -> Example:
    text, label = text.strip(), label.strip()
    if not text:
        raise DatasetError(f"{where}: empty text")
    if not label:
        raise DatasetError(f"{where}: empty label")
    if len(text) > MAX_TEXT_CHARS:
        raise DatasetError(
            f"{where}: text of {len(text):,} characters (at most {MAX_TEXT_CHARS:,})"
        )
    return Example(text, label, where)
