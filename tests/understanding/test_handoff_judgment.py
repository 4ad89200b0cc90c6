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
#: The sets held to the target (the first two, in every language that has them). The third and
#: fourth sets were written after a round of changes and are only measured
#: (bench_understanding.py prints them): a next round may look at their misses, then writes a
#: fresh one.
TARGET_SETS = [(language, name) for language, name in EVERY_SET if name in SETS[:2]]


@pytest.mark.parametrize(("language", "name"), EVERY_SET)
def test_heldout_texts_never_occur_in_the_training_examples(language: str, name: str) -> None:
    trained = {text.strip().lower() for text, _ in load_catalogue(CATALOGUE_DIR).examples()}
    leaked = [text for text, _ in heldout(language, name=name) if text.strip().lower() in trained]
    assert leaked == []


def test_that_the_second_set_is_in_english_dutch_german_and_french() -> None:
    assert all(SETS[1] in sets_of(language) for language in ("en", "nl", "de", "fr"))


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


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can you check TD-1002 for me. and I'd like to lodge a complaint about the driver", "en"),
        ("kun je TD-1002 nakijken en ik wil ook een klacht indienen over de chauffeur", "nl"),
        ("kannst du TD-1002 prüfen und ich möchte mich über den fahrer beschweren", "de"),
        ("tu peux verifier TD-1002 et je veux deposer une reclamation contre le livreur", "fr"),
    ],
)
def test_a_complaint_inside_another_request_is_read_in_its_part(
    understander: Understander, text: str, language: str
) -> None:
    # the policy's complaint rule hands over at 0.85
    assert understander.understand(text, Context(language=language)).complaint_request >= 0.85


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where is TD-1001? also my card was charged twice", "en"),
        ("waar blijft TD-1001 en ik ben twee keer afgeschreven", "nl"),
        ("wo ist TD-1001 und außerdem wurde meine karte doppelt belastet", "de"),
        ("ou est TD-1001 et en plus j'ai ete debite deux fois", "fr"),
    ],
)
def test_a_payment_problem_inside_another_request_is_read_in_its_part(
    understander: Understander, text: str, language: str
) -> None:
    # the policy's payment_problem rule hands over at 0.85
    assert understander.understand(text, Context(language=language)).payment_request >= 0.85


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I paid with iDEAL yesterday. when will it ship?", "en"),
        ("ik heb gisteren met ideal betaald, wanneer wordt het verzonden", "nl"),
        ("ich habe gestern mit paypal bezahlt wann wird es verschickt", "de"),
        ("two things: where is my order and can I pay with klarna", "en"),
    ],
)
def test_paying_told_as_context_is_no_payment_request(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).payment_request < 0.5


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my parcel never came i want to talk to someone", "en"),
        ("mein paket ist nie angekommen ich will mit jemandem sprechen", "de"),
        ("mon colis n'est jamais arrive je veux parler a quelqu'un", "fr"),
    ],
)
def test_a_request_for_a_person_in_a_run_on_message_is_read_in_its_clause(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).person_request >= 0.5


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("WHERE IS MY ORDER I PAID TWO WEEKS AGO", "en"),
        ("WAAR IS MIJN BESTELLING IK HEB TWEE WEKEN GELEDEN BETAALD", "nl"),
        ("WO IST MEINE BESTELLUNG ICH HABE VOR ZWEI WOCHEN BEZAHLT", "de"),
        ("OU EST MA COMMANDE J'AI PAYE IL Y A DEUX SEMAINES", "fr"),
    ],
)
def test_a_sentence_shouted_in_capitals_hands_over_in_every_language(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).frustration >= 0.7


@pytest.mark.parametrize(
    ("text", "language"),
    [("THANK YOU", "en"), ("HALLO DAAR", "nl"), ("DANKE SCHÖN", "de"), ("MERCI BEAUCOUP", "fr")],
)
def test_a_short_courtesy_in_capitals_is_not_shouting(
    understander: Understander, text: str, language: str
) -> None:
    assert understander.understand(text, Context(language=language)).frustration < 0.45


def test_a_repetition_cue_typed_without_accents_still_counts(understander: Understander) -> None:
    typed = understander.understand("je l'ai deja demande, ou est ma commande", Context("fr"))
    accented = understander.understand("je l'ai déjà demandé, où est ma commande", Context("fr"))
    assert abs(typed.frustration - accented.frustration) < 0.1
