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

from handoff_judgment import heldout, judge


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_heldout_texts_never_occur_in_the_training_examples(language: str) -> None:
    trained = {text.strip().lower() for text, _ in load_catalogue(CATALOGUE_DIR).examples()}
    leaked = [text for text, _ in heldout(language) if text.strip().lower() in trained]
    assert leaked == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_people_who_need_a_person_reach_one_in_the_first_turn(
    understander: Understander, language: str
) -> None:
    judgment = judge(understander, language)
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
    assert understander.understand(text, Context(language=language)).frustration < 0.6


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you useless idiots, where is my parcel", "en"),
        ("WHERE IS MY PARCEL, THIS IS THE THIRD TIME I ASK!!!", "en"),
        ("jullie zijn waardeloze oplichters", "nl"),
    ],
)
def test_insults_and_shouting_still_count(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).frustration >= 0.7
