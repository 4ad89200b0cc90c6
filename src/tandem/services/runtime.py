"""Everything a running Tandem needs, built once at start-up and shared by every request."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol

from sqlalchemy import Engine

from tandem.answering.assistant import Assistant
from tandem.answering.flows.base import Flow
from tandem.answering.flows.registry import FlowParts, build_flows
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.answering.llm import NoLlm, Writer, writer
from tandem.commerce.backends import ShopOptions, make_backend
from tandem.commerce.model import CommerceBackend
from tandem.config import Settings
from tandem.desk import summary
from tandem.desk.summary import wordings
from tandem.domain.policy.engine import Engine as PolicyEngine
from tandem.domain.policy.loader import load_policy
from tandem.security.hashing import HashingGate
from tandem.security.identity import IdentityCheck, identity_check
from tandem.security.limits import RateLimits
from tandem.services.policies import ActivePolicy, ensure_default
from tandem.storage.changes import ChangeFeed, RedisChangeFeed
from tandem.storage.db import follow_changes, make_engine
from tandem.storage.migrate import upgrade
from tandem.understanding.result import Context, Understanding
from tandem.understanding.topics import check_names

log = logging.getLogger(__name__)


class Understands(Protocol):
    def understand(self, text: str, context: Context) -> Understanding: ...


def default_flows(knowledge: KnowledgeBase) -> list[Flow]:
    """The registered flows (the built-ins first), in the order the assistant considers them;
    a flow naming an intent the catalogue does not know stops the start."""
    return build_flows(FlowParts(knowledge))


def check_wordings() -> None:
    """The summaries' wordings may only name intents of the catalogue."""
    for language, wording in wordings().items():
        check_names(wording.intents, f"{summary.__file__} ({language} wording)")


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    shop: CommerceBackend
    understander: Understands
    policies: ActivePolicy  # the active version in the database, checked every turn
    assistant: Assistant
    knowledge: KnowledgeBase  # the help centre, also served as pages at /help/{language}/{slug}
    limits: RateLimits  # per account and per client address, in Redis or memory
    hashing: HashingGate  # password checks one at a time, so floods cannot take the CPU
    writer: Writer = field(default_factory=NoLlm)  # the optional LLM, or none
    identity: IdentityCheck = field(default_factory=IdentityCheck)  # the shop's signatures
    changes: ChangeFeed = field(default_factory=ChangeFeed)  # wakes the live streams


def make_shop(settings: Settings) -> CommerceBackend:
    """The backend `settings.shop_backend` names, from the registry the built-ins use too."""
    options = ShopOptions(settings.shop_database_url, settings.shop_url, settings.shop_token)
    return make_backend(settings.shop_backend, options)


def default_policy() -> PolicyEngine:
    text = resources.files("tandem.domain.policy").joinpath("default.yaml").read_text("utf-8")
    return PolicyEngine(load_policy(text))


def assemble(
    settings: Settings,
    engine: Engine,
    shop: CommerceBackend,
    understander: Understands,
    knowledge: KnowledgeBase,
) -> Runtime:
    """A runtime from its parts (the server builds them in build_runtime; tests bring their own)."""
    ensure_default(engine)
    check_wordings()
    changes = RedisChangeFeed(settings.redis_url) if settings.redis_url else ChangeFeed()
    follow_changes(engine, changes)
    return Runtime(
        settings,
        engine,
        shop,
        understander,
        ActivePolicy(),
        Assistant(shop, default_flows(knowledge)),
        knowledge,
        limits=RateLimits(settings),
        hashing=HashingGate(settings.login_hash_queue),
        writer=writer(
            settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout
        ),
        identity=identity_check(settings),
        changes=changes,
    )


def build_runtime(settings: Settings) -> Runtime:
    """Migrate the database and load the models; the server calls this once."""
    from tandem.services.secrets import dummy_hash
    from tandem.understanding.pipeline import load_or_train

    dummy_hash()  # made now, so the first unknown email takes no longer than a known one
    engine = make_engine(settings.database_url)
    upgrade(engine)
    knowledge = KnowledgeBase.load(extra=settings.knowledge_dir)
    return assemble(
        settings, engine, make_shop(settings), load_or_train(settings.model_dir), knowledge
    )
