"""`tandem demo [--reset]`: migrate the database, fill the demo shop and play the demo
history (eight weeks of past conversations); idempotent."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sqlalchemy import Engine

from tandem.commerce.demo.generate import seed
from tandem.commerce.demo.personas import CLAIRE, EMMA, JAMES, LUKAS
from tandem.config import get_settings
from tandem.services import demo_history
from tandem.services.demo_agents import demo_password, ensure_demo_agents
from tandem.services.rollout import ensure_demo_rollout
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade

PERSONAS = (
    (
        EMMA,
        "TD-1001 shipped (PostNL, tracking known) · TD-1002 delivered 5 days ago "
        "(returnable) · TD-1003 pending (cancellable) · TD-1004 charged twice",
    ),
    (
        JAMES,
        "TD-2001 delivered 40 days ago (past the return window) · TD-2002 processing · "
        "TD-2003 refund on its way",
    ),
    (
        LUKAS,
        "TD-3001 shipped (bpost, expected tomorrow) · TD-3002 delivered 4 days ago "
        "(returnable; the jacket comes a size smaller) · TD-3003 processing (cancellable)",
    ),
    (
        CLAIRE,
        "TD-4001 delivered 10 days ago (returnable) · TD-4002 pending, card payment failed · "
        "TD-4003 shipped, expected today",
    ),
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("demo", help="Create the demo shop (customers, orders).")
    parser.add_argument(
        "--reset", action="store_true", help="Throw the demo shop away and generate it anew."
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    shop_engine = make_engine(settings.shop_database_url)
    engine = make_engine(settings.database_url)
    try:
        upgrade(shop_engine)
        print(seed_demo_shop(shop_engine, reset=args.reset))
        upgrade(engine)
        password = demo_password(settings.demo_password)
        print("Demo agents (console):")
        for email, name, role in ensure_demo_agents(engine, password):
            print(f"  {email:<22} {name:<14} ({role.value})  password: {password}")
        print(seed_demo_history(engine))
        for change in ensure_demo_rollout(engine):
            print(f"Roll-out: {change.topic} {change.setting.describe()}")
    finally:
        shop_engine.dispose()
        engine.dispose()
    return 0


def seed_demo_history(engine: Engine) -> str:
    """Eight weeks of past conversations for the dashboard (once; fixed seed)."""
    played = demo_history.generate(engine, dt.datetime.now(dt.UTC).date())
    if not played:
        return "Demo history already there (eight weeks of conversations)."
    return f"Demo history: {played} conversations over the past eight weeks (/console/dashboard)."


def seed_demo_shop(engine: Engine, *, reset: bool = False) -> str:
    """Seed the demo shop and describe it, personas first (the text `tandem demo` prints)."""
    summary = seed(engine, reset=reset)
    headline = "Demo shop created" if summary.created else "Demo shop already there (--reset)"
    statuses = ", ".join(f"{count} {status}" for status, count in summary.orders_by_status.items())
    lines = [
        f"{headline}: {summary.customers} customers, {summary.products} products "
        f"({summary.variants} variants), {summary.orders} orders, {summary.payments} payments, "
        f"{summary.refunds} refunds.",
        f"Orders: {statuses}.",
        "Try these customers (verify with the e-mail address or postcode):",
    ]
    for persona, story in PERSONAS:
        lines.append(
            f"  {persona['name']} <{persona['email']}>, {persona['postcode']}, "
            f"speaks {persona['language']}: {story}"
        )
    return "\n".join(lines)
