import csv

from tandem.understanding.catalogue import CATALOGUE_DIR, INTENTS, load_catalogue


def test_that_every_language_has_at_least_forty_examples_per_intent() -> None:
    for language in load_catalogue().languages.values():
        for intent in INTENTS:
            assert len(set(language.intents[intent])) >= 40, (language.language, intent)


def test_that_the_eval_sets_share_no_text_with_training() -> None:
    catalogue = load_catalogue()
    trained = {text.lower() for text, _ in catalogue.examples()}
    for language in catalogue.languages:
        with (CATALOGUE_DIR / f"eval_{language}.csv").open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        assert {row["label"] for row in rows} == set(INTENTS)
        assert not [row["text"] for row in rows if row["text"].lower() in trained]
