"""One source of truth for intents and topics: catalogue/intents.yaml, and every list tied to it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tandem.answering.assistant import NO_LOOKUP, SMALL_TALK
from tandem.answering.flows.confirm import PUSHBACK
from tandem.answering.flows.registry import FLOWS, FlowParts, build_flows, check_flow
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.model import OrderStatus
from tandem.desk.summary import SMALL_TALK as SUMMARY_SMALL_TALK
from tandem.desk.summary import wordings
from tandem.domain.policy.facts import INTENTS as FACT_INTENTS
from tandem.domain.policy.facts import ORDER_STATUSES
from tandem.services.thinking import FLOW_TOPICS
from tandem.understanding.catalogue import load_catalogue
from tandem.understanding.topics import (
    CATALOGUE,
    INTENTS,
    TOPICS,
    UnknownIntent,
    check_names,
    load_intents,
)


def test_that_every_language_file_has_exactly_the_catalogue_intents() -> None:
    for language in load_catalogue().languages.values():
        assert set(language.intents) == set(INTENTS), language.language


def test_that_the_policy_facts_know_the_same_intents_and_order_statuses() -> None:
    assert frozenset(INTENTS) == FACT_INTENTS
    assert {"none"} | {status.value for status in OrderStatus} == ORDER_STATUSES


def test_that_every_list_of_intents_in_the_code_names_only_catalogue_intents(
    knowledge: KnowledgeBase,
) -> None:
    named = set(SMALL_TALK) | NO_LOOKUP | PUSHBACK | SUMMARY_SMALL_TALK
    for wording in wordings().values():
        named |= set(wording.intents)
    for flow in build_flows(FlowParts(knowledge)):
        named |= flow.intents
    assert named <= set(INTENTS)


def test_that_every_intent_has_a_declared_topic_and_every_flow_one_too() -> None:
    assert set(CATALOGUE.topic_of.values()) <= set(TOPICS)
    assert set(FLOW_TOPICS) == set(FLOWS.names()) - {"knowledge"}
    assert set(FLOW_TOPICS.values()) <= set(TOPICS)


def test_that_an_intent_with_an_undeclared_topic_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "topics:\n  returns: return\nintents:\n  return_item: returns\n  oops: refnds\n"
    )
    with pytest.raises(UnknownIntent, match=rf"{path}:5: intent 'oops': unknown topic 'refnds'"):
        load_intents(path)


@dataclass(frozen=True, slots=True)
class TypoFlow:
    name: str = "typo"
    intents: frozenset[str] = frozenset({"cancel_ordr"})
    needs_customer: bool = False


def test_that_a_flow_with_an_unknown_intent_stops_the_start_naming_its_file_and_line() -> None:
    where = r"test_topics\.py:\d+: unknown intent\(s\) 'cancel_ordr'"
    with pytest.raises(UnknownIntent, match=where):
        check_flow(TypoFlow())  # type: ignore[arg-type]


def test_that_known_names_pass_the_check() -> None:
    check_names({"cancel_order", "oos"}, "here")
