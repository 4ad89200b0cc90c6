"""Scripted conversations through the real HTTP API: outcomes, languages, repeated questions,
handoff cards and silent turns, per language. The measures live in conversation_metrics.py.

Each conversation in bench/conversations/*.yaml runs on its own fresh database (a copy of one
migrated, seeded template) with the real understanding models (loaded once) and the default
policy. A script:

    name:
      language: en            # every reply must be in it
      turns: ["...", "..."]   # the customer's messages, all sent (also after a handoff)
      expected: resolved      # resolved: no person needed | person: must reach a person
      situation: policy       # optional: the group failures are reported under
      customer_email: ...     # optional: a signed-in shop customer
      start_language: null    # optional: the language the widget starts with (null: none)
      agent_online: true      # optional: an agent is logged in during the conversation
      card: {orders: [TD-1004], amounts: ["114.95"], reason: double_charge}  # optional: the
                              # card's facts (orders exactly; amounts; handoff reason if given)
      unchanged: [TD-1003]    # optional: orders no turn may change (nothing was confirmed)
      returned: {TD-1002: {hoodie-m-grey: 1, socks-36-40-grey: 0}}  # optional: returned
                              # quantity per order line afterwards (partial returns)

    .venv/bin/python bench/bench_conversations.py [--verbose] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conversation_metrics import (
    CardExpectation,
    Findings,
    Transcript,
    Turn,
    findings,
    summarise,
    table,
)
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed
from tandem.commerce.demo.tables import (
    shop_order_lines,
    shop_orders,
    shop_payments,
    shop_refunds,
)
from tandem.config import Settings
from tandem.security.identity import signature
from tandem.services.agents import Role, create_agent
from tandem.services.policies import ensure_default
from tandem.services.runtime import Understands, assemble
from tandem.services.secrets import token_hash
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.migrate import upgrade
from tandem.storage.tables import agent_sessions
from tandem.types import SUPPORTED_LANGUAGES
from tandem.understanding.pipeline import load_or_train
from tandem.web.app import create_app

CONVERSATIONS = Path(__file__).with_name("conversations")
#: The bench's own trained models (trained on first use).
MODELS = Path("var/bench-models")
#: The secret the bench's "shop" signs its signed-in customers with (TANDEM_IDENTITY_SECRET).
SECRET = "bench-identity-secret-of-32-bytes"
#: The lead who reads the handoff cards through the agent API (created in the template with a
#: session last seen long ago, so it is not "online" until it makes a call; no Argon2 per script).
LEAD = ("bench-lead@tandem.example", "bench-lead-password")
LEAD_TOKEN = "bench-lead-session-token"


@dataclass(frozen=True, slots=True)
class Script:
    name: str
    language: str
    turns: tuple[str, ...]
    expected: str  # "resolved" | "person"
    customer_email: str | None = None
    situation: str = "routine"
    start_language: str | None = None
    agent_online: bool = False
    card: CardExpectation | None = None
    unchanged: tuple[str, ...] = ()
    returned: tuple[tuple[str, str, int], ...] = ()  # (order, variant, returned quantity)


def load_scripts(folder: Path = CONVERSATIONS) -> list[Script]:
    scripts: list[Script] = []
    for path in sorted(folder.glob("*.yaml")):
        for name, raw in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if any(script.name == name for script in scripts):
                raise SystemExit(f"{path.name}: {name}: a script of this name exists already")
            if raw["expected"] not in ("resolved", "person"):
                raise SystemExit(f"{path.name}: {name}: expected must be resolved or person")
            card = raw.get("card")
            scripts.append(
                Script(
                    name,
                    raw["language"],
                    tuple(raw["turns"]),
                    raw["expected"],
                    raw.get("customer_email"),
                    raw.get("situation") or ("handoff" if raw["expected"] == "person"
                                             else "routine"),
                    raw.get("start_language", raw["language"]),
                    bool(raw.get("agent_online", False)),
                    None if card is None else CardExpectation(
                        tuple(card.get("orders") or ()),
                        tuple(str(a) for a in card.get("amounts") or ()),
                        card.get("reason"),
                    ),
                    tuple(raw.get("unchanged") or ()),
                    tuple(
                        (order, variant, int(quantity))
                        for order, lines in (raw.get("returned") or {}).items()
                        for variant, quantity in lines.items()
                    ),
                )
            )
    return scripts


def run(script: Script, template: Path, work: Path, parts: tuple[Understands, KnowledgeBase]) -> \
        Transcript:
    """Play the script on a fresh copy of the template databases."""
    for name in ("tandem.db", "shop.db"):
        shutil.copy(template / name, work / name)
    engine = make_engine(f"sqlite:///{work / 'tandem.db'}")
    shop_engine = make_engine(f"sqlite:///{work / 'shop.db'}")
    settings = Settings(
        database_url=str(engine.url), shop_database_url=str(shop_engine.url), identity_secret=SECRET
    )
    runtime = assemble(settings, engine, DemoShop(shop_engine), parts[0], parts[1])
    before = {order: _snapshot(shop_engine, order) for order in script.unchanged}
    turns: list[Turn] = []
    with TestClient(create_app(settings, runtime)) as client:
        lead = {"Authorization": f"Bearer {LEAD_TOKEN}"}
        if script.agent_online:
            client.get("/api/v1/agent/me", headers=lead).raise_for_status()  # now online
        body: dict[str, Any] = {}
        if script.start_language:
            body["language"] = script.start_language
        if script.customer_email:
            body["customer_email"] = script.customer_email
            body["customer_signature"] = signature(SECRET.encode(), script.customer_email)
        started = client.post("/api/v1/conversations", json=body).json()
        conversation = f"/api/v1/conversations/{started['id']}"
        headers = {"Authorization": f"Bearer {started['token']}"}
        greeting = tuple((m["author"], m["text"]) for m in started["messages"]
                         if script.start_language)
        seen = max((m["offset"] for m in started["messages"]), default=0)
        for text in script.turns:
            answer = client.post(f"{conversation}/messages", json={"text": text}, headers=headers)
            answer.raise_for_status()
            turn = answer.json()
            # anything that arrived after the turn's own reply (nothing, today) counts for it
            later = client.get(f"{conversation}/messages", params={"after": seen},
                               headers=headers).json()
            messages = {m["offset"]: m for m in turn["messages"] + later["messages"]}
            seen = max([seen, *messages])
            replies = tuple(
                (m["author"], m["text"]) for _, m in sorted(messages.items())
                if m["author"] != "customer"
            )
            turns.append(Turn(text, replies, later["state"], turn["handoff"] is not None))
        detail = client.get(f"/api/v1/agent/conversations/{started['id']}", headers=lead).json()
    problems = [f"{o} changed without confirmation" for o in script.unchanged
                if _snapshot(shop_engine, o) != before[o]]
    problems += _wrong_returns(shop_engine, script.returned)
    engine.dispose()
    shop_engine.dispose()
    return Transcript(
        script.name, script.language, script.expected, tuple(turns), script.situation,
        script.card, detail.get("card"), detail.get("language"), greeting, tuple(problems),
    )


def _snapshot(engine: Engine, order: str) -> tuple[object, ...]:
    """Everything the shop holds about one order."""
    with reading(engine) as connection:
        return tuple(
            tuple(tuple(row) for row in connection.execute(select(table).where(column == order)))
            for table, column in (
                (shop_orders, shop_orders.c.id),
                (shop_order_lines, shop_order_lines.c.order_id),
                (shop_payments, shop_payments.c.order_id),
                (shop_refunds, shop_refunds.c.order_id),
            )
        )


def _wrong_returns(engine: Engine, expected: tuple[tuple[str, str, int], ...]) -> list[str]:
    problems = []
    with reading(engine) as connection:
        for order, variant, quantity in expected:
            found = connection.execute(
                select(shop_order_lines.c.returned_quantity).where(
                    shop_order_lines.c.order_id == order, shop_order_lines.c.variant_id == variant
                )
            ).scalar()
            if found != quantity:
                problems.append(f"{order} {variant}: {found} returned, expected {quantity}")
    return problems


def prepare(directory: Path) -> None:
    """A migrated Tandem database (default policy, the bench's lead) and a migrated, seeded
    shop database, copied for each script."""
    engine = make_engine(f"sqlite:///{directory / 'tandem.db'}")
    upgrade(engine)
    ensure_default(engine)
    with transaction(engine) as connection:
        lead = create_agent(
            connection, LEAD[0], "Bench Lead", LEAD[1], Role.LEAD, tuple(SUPPORTED_LANGUAGES)
        )
        long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        connection.execute(insert(agent_sessions).values(
            token_hash=token_hash(LEAD_TOKEN), agent_id=lead.id, created_at=long_ago,
            expires_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC), last_seen_at=long_ago,
        ))
    engine.dispose()
    shop = make_engine(f"sqlite:///{directory / 'shop.db'}")
    upgrade(shop)
    seed(shop)
    shop.dispose()


def transcript_lines(transcript: Transcript) -> list[str]:
    lines = [f"  {author}: {text}" for author, text in transcript.greeting]
    for turn in transcript.turns:
        lines.append(f"  customer: {turn.text}")
        lines += [f"  {author}: {text}" for author, text in turn.replies]
        if turn.handoff or turn.state != "ai":
            lines.append(f"    [state {turn.state}{', handed over' if turn.handoff else ''}]")
    if transcript.card is not None:
        card = transcript.card
        orders = [(o.get("id"), o.get("total")) for o in card.get("orders") or ()]
        lines.append(f"    [card: reason {card.get('reason')}, orders {orders}, "
                     f"summary {card.get('summary')!r}, tried {card.get('tried')}]")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true",
                        help="Print each failing conversation with its transcript.")
    parser.add_argument("--all", action="store_true", help="Print every transcript.")
    parser.add_argument("--only", help="Run only the scripts whose name contains this.")
    args = parser.parse_args()
    scripts = [s for s in load_scripts() if not args.only or args.only in s.name]
    began = time.monotonic()
    parts = (load_or_train(MODELS), KnowledgeBase.load())
    results: list[tuple[Transcript, Findings]] = []
    with tempfile.TemporaryDirectory() as temporary:
        template, work = Path(temporary, "template"), Path(temporary, "work")
        template.mkdir()
        work.mkdir()
        prepare(template)
        for script in scripts:
            transcript = run(script, template, work, parts)
            found = findings(transcript)
            results.append((transcript, found))
            if args.all or (args.verbose and not found.ok):
                print(f"{'ok  ' if found.ok else 'FAIL'} {script.name} [{script.situation}, "
                      f"expected {script.expected}]")
                print("\n".join(f"  ! {p}" for p in found.problems()))
                print("\n".join(transcript_lines(transcript)))
                print()
    failures: dict[str, list[str]] = defaultdict(list)
    for transcript, found in results:
        if not found.ok:
            failures[transcript.situation].append(transcript.name)
    print(table(summarise(results)))
    print(f"{len(results)} conversations in {time.monotonic() - began:.0f} s")
    if failures:
        print("Failing conversations by situation:")
        for situation, names in sorted(failures.items()):
            print(f"  {situation} ({len(names)}): {', '.join(names)}")


if __name__ == "__main__":
    main()
