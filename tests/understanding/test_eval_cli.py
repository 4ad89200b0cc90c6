import json
from pathlib import Path

import pytest

from tandem.cli import main
from tandem.understanding import datasets
from tandem.understanding.pipeline import Understander


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_that_eval_prints_the_metrics_for_a_tiny_csv(
    understander: Understander, model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "text,label\nik wil een mens spreken,talk_to_person\nwhat's the weather today,oos\n"
    file = write(tmp_path / "tiny.csv", data.encode())
    assert main(["eval", "intents", str(file), "--model-dir", str(model_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 2
    assert report["accuracy"] == 1.0
    assert report["oos_recall"] == 1.0
    assert report["latency_p95_ms"] > 0


def test_that_eval_trains_a_fresh_model_on_another_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [("red apple", "fruit"), ("green apple", "fruit"), ("ripe pear", "fruit")]
    rows += [("old car", "vehicle"), ("fast car", "vehicle"), ("red bike", "vehicle")]
    train = {"train": [list(r) for r in rows], "test": [["sweet apple", "fruit"]]}
    file = write(tmp_path / "data.json", json.dumps(train).encode())
    args = ["eval", "intents", "--train", str(file), "--test", str(file), "--split", "train:test"]
    assert main(args) == 0
    assert "accuracy            100.0%" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "bad.csv:1: expected a header with columns text and label"),
        (b"words,label\nhoi,greeting\n", "bad.csv:1: expected a header"),
        (b"text,label\nhoi,greeting\nhallo,no_such_intent\n", "bad.csv:3: unknown label"),
        (b"text,label\nhoi,greeting\n\xff\xfe oops,greeting\n", "bad.csv:3: not UTF-8"),
        (b"text,label\nhoi,greeting,extra\n", "bad.csv:2: 3 columns"),
        (b"text,label\n,greeting\n", "bad.csv:2: empty text"),
        (b"text,label\n" + b"a" * 10_001 + b",greeting\n", "bad.csv:2: text of 10,001"),
        (b"text,label\n", "bad.csv: no examples"),
    ],
)
def test_that_bad_input_is_refused_with_file_and_line_and_exit_code_2(
    model_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    file = write(tmp_path / "bad.csv", content)
    assert main(["eval", "intents", str(file), "--model-dir", str(model_dir)]) == 2
    assert message in capsys.readouterr().err


def test_that_a_missing_file_and_bad_json_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.csv"
    broken = write(tmp_path / "broken.json", b'{"train": [\n["hoi", "greeting"],,]}')
    assert main(["eval", "intents", "--train", str(missing), "--test", str(missing)]) == 2
    assert "missing.csv: cannot read" in capsys.readouterr().err
    args = ["eval", "intents", "--train", str(broken), "--test", str(broken), "--split", "train:"]
    assert main(args) == 2
    assert "broken.json:2: invalid JSON" in capsys.readouterr().err


def test_that_test_labels_unknown_to_the_training_data_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write(tmp_path / "train.csv", b"text,category\na,x\nb,x\nc,y\nd,y\n")
    test = write(tmp_path / "test.csv", b"text,category\na,x\ne,z\n")
    assert main(["eval", "intents", "--train", str(train), "--test", str(test)]) == 2
    assert "test.csv:3: unknown label 'z'" in capsys.readouterr().err


def test_that_a_huge_file_is_refused_before_reading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(datasets, "MAX_BYTES", 100)
    file = write(tmp_path / "huge.csv", b"text,label\n" + b"hallo,greeting\n" * 20)
    assert main(["eval", "intents", str(file)]) == 2
    assert "huge.csv: 311 bytes is more than the 100 allowed" in capsys.readouterr().err
