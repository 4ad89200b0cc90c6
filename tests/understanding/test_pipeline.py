import shutil
from pathlib import Path

import pytest

from tandem.understanding import pipeline
from tandem.understanding.catalogue import CATALOGUE_DIR
from tandem.understanding.pipeline import MODEL_FILE, Understander, load_or_train
from tandem.understanding.result import Context


def test_that_a_stored_model_is_loaded_not_retrained(
    understander: Understander, model_dir: Path
) -> None:
    stored = (model_dir / MODEL_FILE).stat().st_mtime_ns
    loaded = load_or_train(model_dir)
    assert (model_dir / MODEL_FILE).stat().st_mtime_ns == stored
    assert loaded.understand("waar is mijn pakket", Context()).intent == "where_is_my_order"


def test_that_a_changed_catalogue_retrains_the_model(
    understander: Understander, model_dir: Path, tmp_path: Path
) -> None:
    catalogue = shutil.copytree(CATALOGUE_DIR, tmp_path / "catalogue")
    english = catalogue / "en.yaml"
    english.write_text(
        english.read_text().replace("  greeting:\n", "  greeting:\n    - g'day mate\n")
    )
    models = shutil.copytree(model_dir, tmp_path / "models")
    before = (models / MODEL_FILE).stat().st_mtime_ns
    load_or_train(models, catalogue)
    assert (models / MODEL_FILE).stat().st_mtime_ns != before


def test_that_an_unreadable_model_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"not a pickle")
    understander = load_or_train(tmp_path)
    assert understander.understand("hallo", Context()).intent == "greeting"


def test_that_the_language_switch_is_reported(understander: Understander) -> None:
    result = understander.understand("where is my order please", Context(language="nl"))
    assert result.language == "en"
    assert result.language_switched


def test_that_a_model_stored_by_other_code_is_retrained(
    understander: Understander, model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = shutil.copytree(model_dir, tmp_path / "models")
    before = (models / MODEL_FILE).stat().st_mtime_ns
    monkeypatch.setattr(pipeline, "_STORED_CODE", ("intents.py",))
    load_or_train(models)
    assert (models / MODEL_FILE).stat().st_mtime_ns != before


@pytest.mark.parametrize(
    ("earlier", "text", "intent"),
    [
        # unsure alone (delivery, 0.62): read with the question before it
        ("What payment methods do you accept?", "and how much does it cost?", "payment_options"),
        ("How long does delivery take?", "and how much does it cost?", "delivery_time"),
        # sure of itself: a follow-up in form keeps its own reading
        ("I want to return my jacket", "and where is it?", "where_is_my_order"),
        ("where is my order TD-1001", "and can I change its address?", "change_address"),
    ],
)
def test_that_a_follow_up_is_read_with_the_question_before_it_only_when_that_is_clearly_surer(
    understander: Understander, earlier: str, text: str, intent: str
) -> None:
    context = Context(language="en", previous_customer_texts=(earlier,))
    assert understander.understand(text, context).intent == intent


@pytest.mark.parametrize(
    ("language", "earlier", "text"),
    [
        ("de", "Wo ist meine Bestellung TD-3001?", "Wie wird das Wetter morgen?"),
        ("fr", "Où en est ma commande TD-4001 ?", "Quel temps fera-t-il demain ?"),
        ("fr", "Où en est ma commande TD-4001 ?", "Je voudrais me désabonner de la newsletter"),
        ("nl", "Waar is mijn bestelling TD-1001?", "Wat voor weer wordt het morgen?"),
        ("en", "Where is my order TD-2002?", "What's the weather like tomorrow?"),
    ],
)
def test_that_a_question_the_shop_does_not_handle_is_never_read_as_a_follow_up(
    understander: Understander, language: str, earlier: str, text: str
) -> None:
    """"das", "il", "het" point back only as pronouns: as articles they made the weather a
    question about the order before it."""
    context = Context(language=language, previous_customer_texts=(earlier,))
    understood = understander.understand(text, context)
    assert understood.out_of_scope and understood.unrelated and not understood.follows
