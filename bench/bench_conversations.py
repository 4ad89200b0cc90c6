"""Routine-flow conversations through the real HTTP API: how many end without a person, and
whether every one that should reach a person does. Per language.

Each conversation in bench/conversations/*.yaml runs on its own fresh database and freshly
seeded demo shop, with the real understanding models and the default policy.

    .venv/bin/python bench/bench_conversations.py [--verbose]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed
from tandem.config import Settings
from tandem.security.identity import signature
from tandem.services.policies import ensure_default
from tandem.services.runtime import Understands, assemble
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade
from tandem.understanding.pipeline import load_or_train
from tandem.web.app import create_app

CONVERSATIONS = Path(__file__).with_name("conversations")
#: The bench's own trained models (trained on first use).
MODELS = Path("var/bench-models")
#: The secret the bench's "shop" signs its signed-in customers with (TANDEM_IDENTITY_SECRET).
SECRET = "bench-identity-secret-of-32-bytes"


@dataclass(frozen=True, slots=True)
class Script:
    name: str
    language: str
    turns: tuple[str, ...]
    expected: str  # "resolved" | "person"
    customer_email: str | None = None


def load_scripts() -> list[Script]:
    scripts = []
    for path in sorted(CONVERSATIONS.glob("*.yaml")):
        for name, raw in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            scripts.append(
                Script(name, raw["language"], tuple(raw["turns"]), raw["expected"],
                       raw.get("customer_email"))
            )
    return scripts


def run(script: Script, template: Path, work: Path, parts: tuple[Understands, KnowledgeBase]) -> \
        tuple[bool, list[str]]:
    """Whether the conversation reached a person, and its transcript."""
    for name in ("tandem.db", "shop.db"):
        shutil.copy(template / name, work / name)
    engine = make_engine(f"sqlite:///{work / 'tandem.db'}")
    shop_engine = make_engine(f"sqlite:///{work / 'shop.db'}")
    settings = Settings(
        database_url=str(engine.url), shop_database_url=str(shop_engine.url), identity_secret=SECRET
    )
    shop = DemoShop(shop_engine)
    runtime = assemble(settings, engine, shop, parts[0], parts[1])
    transcript: list[str] = []
    reached = False
    with TestClient(create_app(settings, runtime)) as client:
        body: dict[str, Any] = {"language": script.language}
        if script.customer_email:
            body["customer_email"] = script.customer_email
            body["customer_signature"] = signature(SECRET.encode(), script.customer_email)
        started = client.post("/api/v1/conversations", json=body).json()
        headers = {"Authorization": f"Bearer {started['token']}"}
        for text in script.turns:
            turn = client.post(
                f"/api/v1/conversations/{started['id']}/messages", json={"text": text},
                headers=headers,
            ).json()
            transcript += [f"  {m['author']}: {m['text']}" for m in turn["messages"]]
            if turn["handoff"] is not None or turn["state"] != "ai":
                reached = True
                break
    engine.dispose()
    shop_engine.dispose()
    return reached, transcript


def prepare(directory: Path) -> None:
    """A migrated Tandem database and a migrated, seeded shop database to copy per script."""
    for name, seeded in (("tandem.db", False), ("shop.db", True)):
        engine = make_engine(f"sqlite:///{directory / name}")
        upgrade(engine)
        if seeded:
            seed(engine)
        else:
            ensure_default(engine)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="Print every transcript.")
    args = parser.parse_args()
    parts = (load_or_train(MODELS), KnowledgeBase.load())
    tally: dict[tuple[str, str], list[bool]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as temporary:
        template, work = Path(temporary, "template"), Path(temporary, "work")
        template.mkdir()
        work.mkdir()
        prepare(template)
        for script in load_scripts():
            reached, transcript = run(script, template, work, parts)
            ok = reached == (script.expected == "person")
            tally[(script.language, script.expected)].append(ok)
            if args.verbose or not ok:
                print(f"{'ok  ' if ok else 'MISS'} {script.name} (expected {script.expected})")
                print("\n".join(transcript))
    for language in ("nl", "en"):
        resolved = tally[(language, "resolved")]
        person = tally[(language, "person")]
        print(
            f"{language}: resolved without a person {sum(resolved)}/{len(resolved)} "
            f"({_share(resolved)}), reached a person {sum(person)}/{len(person)} "
            f"({_share(person)})"
        )


def _share(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.0f}%" if values else "-"


if __name__ == "__main__":
    main()
