import numpy as np

from tandem.understanding.embeddings import embed
from tandem.understanding.intents import IntentClassifier
from tandem.understanding.out_of_scope import (
    IN_SCOPE_BUDGET,
    choose_threshold,
    near_duplicate_groups,
)


def test_that_near_duplicates_of_one_label_share_a_group_and_other_labels_never_do() -> None:
    texts = ["where is my order", "where is my order", "tell me a joke", "where is my order"]
    target = np.array([0, 0, 0, 1])
    groups = near_duplicate_groups(embed(texts), target)
    assert groups[0] == groups[1]
    assert groups[0] != groups[2]
    assert groups[3] not in groups[:3]  # the same words under another label


def test_that_the_threshold_spends_at_most_the_budget_of_in_scope_accuracy() -> None:
    rng = np.random.default_rng(0)
    score = rng.random(1000)
    right = rng.random(1000) < 0.4 + 0.6 * score  # surer messages are more often right
    threshold = choose_threshold(score, right)
    kept = np.mean(right & (score >= threshold))
    assert right.mean() - IN_SCOPE_BUDGET <= kept
    assert threshold > 0.0  # the budget buys something


def test_that_a_message_unlike_every_example_is_out_of_scope_though_an_intent_wins() -> None:
    orders = ["where is my parcel", "my order has not arrived", "when does my package come"]
    returns = ["I want to return my shoes", "how do I send this back", "return the jacket"]
    unrelated = ["what is the weather", "tell me a joke", "who won the match"]
    texts = [*orders * 4, *returns * 4, *unrelated * 4]
    labels = ["order"] * 12 + ["return"] * 12 + ["oos"] * 12
    classifier = IntentClassifier().fit(texts, labels)
    assert classifier.predict(["has my parcel arrived yet"])[0].intent == "order"
    assert classifier.predict(["recommend a good pizza recipe"])[0].out_of_scope
