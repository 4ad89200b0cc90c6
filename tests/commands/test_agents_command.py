"""`tandem agents`: the first lead on an empty database, without the demo; bad input exits 2,
a refusal 1; the password never comes from an argument."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from tandem.cli import main
from tandem.config import get_settings
from tandem.domain.errors import Unauthorized
from tandem.services.agents import authenticate, login
from tandem.services.runtime import Runtime


@pytest.fixture
def empty(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database nothing was ever done to: not migrated, no demo."""
    monkeypatch.setenv("TANDEM_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


@pytest.fixture
def database(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    """The command on the running server's database (no agents in it yet)."""
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.settings.database_url)
    get_settings.cache_clear()
    yield runtime
    get_settings.cache_clear()


def agents(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["agents", *args])


def test_that_the_first_lead_is_created_on_an_empty_database(
    empty: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ("create", "lea@shop.example", "--name", "Lea", "--role", "lead", "--password-stdin")
    assert agents(monkeypatch, *create, stdin="lea-password-1\n") == 0
    assert "created lead lea@shop.example" in capsys.readouterr().out
    assert agents(monkeypatch, "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["email"], a["role"], a["active"]) for a in listed] == [
        ("lea@shop.example", "lead", True)
    ]


def test_that_bad_input_exits_2_and_refusals_exit_1_with_a_clear_message(
    database: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = ("create", "lea@shop.example", "--name", "Lea", "--role", "lead", "--password-stdin")
    for args, stdin, code, says in (
        (lead, "short\n", 2, "password: between 8 and 256"),
        (
            ("create", "no-at-sign", "--name", "X", "--password-stdin"),
            "long-password\n",
            2,
            "email",
        ),
        (lead[:-1], "", 2, "use --password-stdin"),  # no terminal to ask on
        (lead, "lea-password-1\n", 0, ""),
        (lead, "lea-password-1\n", 1, "already exists"),
        (("deactivate", "lea@shop.example"), "", 1, "last active lead"),
        (("deactivate", "nobody@shop.example"), "", 1, "no agent with email"),
        (("reset-password", "nobody@shop.example", "--password-stdin"), "x" * 9, 1, "no agent"),
    ):
        assert agents(monkeypatch, *args, stdin=stdin) == code, args
        assert says in capsys.readouterr().err, args
    with pytest.raises(SystemExit) as exited:  # argparse: an unknown role
        agents(monkeypatch, "create", "a@shop.example", "--name", "A", "--role", "boss")
    assert exited.value.code == 2


def test_that_the_lead_logs_in_and_reset_password_and_deactivate_end_the_sessions(
    database: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for email, role in (("lea@shop.example", "lead"), ("bo@shop.example", "agent")):
        args = ("create", email, "--name", email[:3], "--role", role, "--password-stdin")
        assert agents(monkeypatch, *args, stdin="first-password\n") == 0
    token, lea = login(database, "lea@shop.example", "first-password", "cli-test")
    assert lea.role.value == "lead"
    token, _ = login(database, "bo@shop.example", "first-password", "cli-test")
    reset = ("reset-password", "bo@shop.example", "--password-stdin")
    assert agents(monkeypatch, *reset, stdin="second-password\n") == 0
    with pytest.raises(Unauthorized):
        authenticate(database.engine, token)  # the old session ended
    token, _ = login(database, "bo@shop.example", "second-password", "cli-test")
    assert agents(monkeypatch, "deactivate", "bo@shop.example") == 0
    with pytest.raises(Unauthorized):
        authenticate(database.engine, token)
    with pytest.raises(Unauthorized):
        login(database, "bo@shop.example", "second-password", "cli-test")
    capsys.readouterr()
    assert agents(monkeypatch, "list") == 0
    assert "bo@shop.example" in capsys.readouterr().out.split("(deactivated)")[0]
