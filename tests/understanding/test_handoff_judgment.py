"""Handoff judgment on held-out wording (issue: understanding on unseen wording).

The held-out sets are written apart from the training examples; every message goes through the
real models and the shipped policy as a first turn. Targets: every message that needs a person
reaches one in the same turn; at most one routine message per language is wrongly handed over.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tandem.types import SUPPORTED_LANGUAGES
from tandem.understanding.catalogue import CATALOGUE_DIR, load_catalogue
from tandem.understanding.pipeline import Understander
from tandem.understanding.result import Context

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from handoff_judgment import SETS, heldout, judge, sets_of

#: (language, set) for every held-out set that exists (the second set is not in every language)
EVERY_SET = [(language, name) for language in SUPPORTED_LANGUAGES for name in sets_of(language)]
#: The sets held to the target. The third set was written after the last round of changes and
#: is only measured (bench_understanding.py prints it): the next round may look at its misses,
#: then holds it to the target too and writes a fresh one.
TARGET_SETS = [(language, name) for language, name in EVERY_SET if name in SETS[:2]]


@pytest.mark.parametrize(("language", "name"), EVERY_SET)
def test_heldout_texts_never_occur_in_the_training_examples(language: str, name: str) -> None:
    trained = {text.strip().lower() for text, _ in load_catalogue(CATALOGUE_DIR).examples()}
    leaked = [text for text, _ in heldout(language, name=name) if text.strip().lower() in trained]
    assert leaked == []


def test_that_the_second_set_is_in_english_dutch_and_german() -> None:
    assert all(SETS[1] in sets_of(language) for language in ("en", "nl", "de"))


@pytest.mark.parametrize(("language", "name"), TARGET_SETS)
def test_people_who_need_a_person_reach_one_in_the_first_turn(
    understander: Understander, language: str, name: str
) -> None:
    judgment = judge(understander, language, name)
    misses = [m for m in judgment.misses if m.expected == "person"]
    # 95 % at least: one miss in ~60 is allowed, the misses are printed for the next round.
    assert judgment.person_recall >= 0.95, misses
    wrongly = [m for m in judgment.misses if m.expected == "ai"]
    assert judgment.routine_handed_over <= 1, wrongly


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where is my damn parcel", "en"),
        ("crap, I typed the wrong address. can you change it?", "en"),
        ("waar blijft verdomme mijn pakket", "nl"),
        ("kut, verkeerde maat besteld. kan ik ruilen?", "nl"),
    ],
)
def test_one_curse_in_a_calm_request_is_not_a_reason_to_hand_over(
    understander: Understander, text: str, language: str
) -> None:
    # below even the offer of a person (0.45), with a margin: the curse is counted once
    assert understander.understand(text, Context(language=language)).frustration < 0.4


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you useless idiots, where is my parcel", "en"),
        ("WHERE IS MY PARCEL, THIS IS THE THIRD TIME I ASK!!!", "en"),
        ("jullie zijn waardeloze oplichters", "nl"),
        ("stelletje nutteloze prutsers", "nl"),
        ("ihr unfähigen Betrüger", "de"),
    ],
)
def test_insults_and_shouting_still_count(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).frustration >= 0.7
