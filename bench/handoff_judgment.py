"""Handoff judgment on held-out wording: does the FIRST message reach a person when it should?

The sets ``catalogue/heldout_handoff_<lang>.csv`` (columns ``text,expect`` with expect ``person``
or ``ai``) are written separately from the training examples: requests for a person, complaints
("claim", "reclamation", "grievance"), payment problems (failed, pending, unknown or duplicate
debits), strong anger, and routine questions that must NOT hand over (payment methods, refund
policy, cancellation fees, a routine request with one curse in it). Each message is understood
and decided by the shipped default policy as a first turn (two agents online, office hours).

A second set per language, ``heldout_handoff2_<lang>.csv`` (same columns), was written later by
someone else, with testers' habits in mind: typos, no capitals or punctuation, long rambling
messages, a request for a person inside another request. It is a separate measurement, never
read while writing training examples (``SETS`` names them all). Sets 3 and 4 (25 + 25 and
20 + 20 per language) were each written after a round of changes and are only measured.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from tandem.domain.decision import Action
from tandem.domain.policy import DEFAULT_POLICY, load_policy
from tandem.domain.policy.dialogue import CustomerTurn, Understands, converse
from tandem.domain.policy.engine import Engine
from tandem.domain.policy.scenario_runner import SCENARIO_SURROUNDINGS
from tandem.understanding.catalogue import CATALOGUE_DIR


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    expected: str  # "person" or "ai"
    intent: str
    reason: str


@dataclass(slots=True)
class Judgment:
    language: str
    should_reach_person: int = 0
    reached_person: int = 0
    routine: int = 0
    routine_handed_over: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def person_recall(self) -> float:
        return self.reached_person / self.should_reach_person

    @property
    def wrong_handover_rate(self) -> float:
        return self.routine_handed_over / self.routine


#: The held-out sets, by file name prefix: ``<set>_<lang>.csv``.
SETS = ("heldout_handoff", "heldout_handoff2", "heldout_handoff3", "heldout_handoff4")


def sets_of(language: str, directory: Path = CATALOGUE_DIR) -> list[str]:
    """The held-out sets that exist for `language` (the second set is not in every language)."""
    return [name for name in SETS if (directory / f"{name}_{language}.csv").exists()]


def heldout(
    language: str, directory: Path = CATALOGUE_DIR, name: str = SETS[0]
) -> list[tuple[str, str]]:
    with (directory / f"{name}_{language}.csv").open(encoding="utf-8", newline="") as f:
        rows = [(row["text"], row["expect"]) for row in csv.DictReader(f)]
    unknown = {expect for _, expect in rows} - {"person", "ai"}
    if unknown:
        raise ValueError(f"{name}_{language}.csv: unknown expect {sorted(unknown)}")
    return rows


def judge(understander: Understands, language: str, name: str = SETS[0]) -> Judgment:
    engine = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))
    result = Judgment(language)
    for text, expected in heldout(language, name=name):
        turn = CustomerTurn(text, SCENARIO_SURROUNDINGS)
        exchange = next(iter(converse(engine, understander, [turn])))
        decision = exchange.turn.decision
        handed_over = decision.action is Action.HANDOFF
        if expected == "person":
            result.should_reach_person += 1
            result.reached_person += handed_over
        else:
            result.routine += 1
            result.routine_handed_over += handed_over
        if handed_over != (expected == "person"):
            intent = exchange.understanding.intent
            result.misses.append(Miss(text, expected, intent, decision.reason))
    return result
