"""`tandem --version` and `tandem --help` speak to the person at the terminal."""

from __future__ import annotations

import os
from importlib.metadata import version

import pytest

from tandem.cli import main


def test_that_tandem_version_prints_the_installed_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"tandem {version('tandem')}"


def test_that_tandem_help_describes_tandem_and_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "AI assistant and a human team" in help_text
    assert "`tandem ...`" not in help_text  # not the module's developer docstring
    for command, line in (
        ("serve", "Run the web server"),
        ("demo", "Create the demo shop"),
        ("db", "Database schema commands"),
        ("agents", "Manage agent accounts"),
        ("policy", "Check and test handoff policies"),
        ("train", "Train the understanding model"),
        ("eval", "Evaluate models"),
    ):
        assert f"{command} {line}" in help_text


@pytest.mark.parametrize("workers", ["0", "-1", str((os.cpu_count() or 1) * 4 + 1)])
def test_that_tandem_serve_refuses_a_worker_count_it_cannot_run_before_loading_anything(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--workers", workers]) == 2
    said = capsys.readouterr()
    assert said.out == ""  # nothing loaded, nothing migrated
    assert said.err.startswith("tandem serve: --workers must be between 1 and ")
    assert said.err.rstrip().endswith(f"not {workers}")
