import shutil
from pathlib import Path

import pytest
import yaml

from tandem.answering.knowledge.articles import BUILTIN_ARTICLES, ArticleError, load_articles
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.types import Language

GIFT_CARDS = """---
id: gift-cards
title: Gift cards
language: en
slug: gift-cards
tags: [gift card, voucher]
---
Gift cards are valid for two years and can be spent on everything in the shop.

A gift card cannot be exchanged for cash.
"""


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.mark.parametrize(
    ("question", "language", "article_id"),
    [
        ("hoe lang duurt de levering naar België", "nl", "delivery"),
        ("how do I return something", "en", "returns"),
        ("wanneer krijg ik mijn geld terug", "nl", "refunds"),
        ("when will I get my money back", "en", "refunds"),
        ("zijn jullie op zaterdag open", "nl", "opening-hours"),
        ("can I pay afterwards with Klarna", "en", "payment-methods"),
        ("I need an invoice with my company's VAT number", "en", "invoices"),
        ("mijn oordopjes zijn kapot", "nl", "warranty"),
        ("combien de temps prend la livraison en Belgique", "fr", "delivery"),
        ("quand est-ce que je serai remboursé", "fr", "refunds"),
        ("vous êtes ouverts le samedi ?", "fr", "opening-hours"),
        ("il me faut une facture avec le numéro de TVA de ma société", "fr", "invoices"),
        ("mes écouteurs sont cassés", "fr", "warranty"),
        ("y a-t-il des frais d'annulation", "fr", "order-changes"),
    ],
)
def test_that_the_right_article_comes_first(
    knowledge: KnowledgeBase, question: str, language: Language, article_id: str
) -> None:
    best = knowledge.search(question, language)[0]
    assert best.article.id == article_id
    assert best.article.language == language
    assert best.passage in best.article.passages


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("How do I start a return?", "en"),
        ("I want to send something back", "en"),
        ("How do I send back an order?", "en"),
        ("How do returns work?", "en"),
        ("I'd like to return my jacket, how does that work?", "en"),
        ("Hoe kan ik iets retourneren?", "nl"),
        ("Ik wil iets terugsturen", "nl"),
        ("Hoe begin ik een retour?", "nl"),
        ("Hoe stuur ik iets terug?", "nl"),
        ("Comment lancer un retour ?", "fr"),
        ("Je veux renvoyer quelque chose", "fr"),
    ],
)
def test_that_starting_a_return_finds_the_returns_article_not_the_refunds_one(
    knowledge: KnowledgeBase, question: str, language: Language
) -> None:
    # The refunds article's title is a question ("When will I get my money back?"): embedded
    # with a short passage it used to draw every question towards itself.
    assert knowledge.search(question, language)[0].article.id == "returns"


def test_that_a_question_shaped_title_does_not_draw_other_questions(tmp_path: Path) -> None:
    for path in BUILTIN_ARTICLES.rglob("*.md"):
        target = tmp_path / path.relative_to(BUILTIN_ARTICLES)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if path.stem in ("delivery", "bezorging"):  # another article's title made a question
            text = text.replace("title: Delivery times and costs", "title: When will it arrive?")
        target.write_text(text, encoding="utf-8")
    knowledge = KnowledgeBase.load(tmp_path)
    asked = {
        "How do I start a return?": "returns",
        "Which payment methods do you accept?": "payment-methods",
        "Can I cancel my order?": "order-changes",
        "When does my order leave the warehouse?": "delivery",
    }
    found = {q: knowledge.search(q, "en")[0].article.id for q in asked}
    assert found == asked


def test_that_the_best_passage_answers_the_question(knowledge: KnowledgeBase) -> None:
    best = knowledge.search("hoe lang duurt de levering naar België", "nl")[0]
    assert "België" in best.passage
    assert best.article.url == "/help/nl/bezorging"
    assert 0 < best.score <= 1


def test_that_links_are_checked_against_the_articles(knowledge: KnowledgeBase) -> None:
    assert knowledge.article_exists("nl", "retourneren")
    assert knowledge.article_exists("en", "returns")
    assert not knowledge.article_exists("en", "retourneren")
    assert not knowledge.article_exists("nl", "no-such-article")


def test_that_every_article_has_both_translations(knowledge: KnowledgeBase) -> None:
    ids = {language: {a.id for a in knowledge.articles(language)} for language in ("nl", "en")}
    assert ids["nl"] == ids["en"]
    assert len(ids["en"]) >= 8


def test_that_an_empty_question_finds_nothing(knowledge: KnowledgeBase) -> None:
    assert knowledge.search("   ", "en") == []


def test_that_a_new_article_is_found_without_restarting(tmp_path: Path) -> None:
    shutil.copytree(BUILTIN_ARTICLES, tmp_path / "articles")
    knowledge = KnowledgeBase.load(tmp_path / "articles")
    question = "can I pay with a gift card voucher"
    assert knowledge.search(question, "en")[0].article.id != "gift-cards"
    (tmp_path / "articles" / "en" / "gift-cards.md").write_text(GIFT_CARDS, encoding="utf-8")
    assert knowledge.search(question, "en")[0].article.id == "gift-cards"
    assert knowledge.article_exists("en", "gift-cards")
    (tmp_path / "articles" / "en" / "gift-cards.md").unlink()
    assert not knowledge.article_exists("en", "gift-cards")


def test_that_the_operators_directory_adds_and_replaces_articles(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "gift-cards.md").write_text(GIFT_CARDS, encoding="utf-8")
    contact = GIFT_CARDS.replace("id: gift-cards", "id: contact").replace(
        "slug: gift-cards", "slug: contact-us"
    )
    (tmp_path / "en" / "contact.md").write_text(contact, encoding="utf-8")
    knowledge = KnowledgeBase.load(extra=tmp_path)
    assert knowledge.article_exists("en", "gift-cards")
    assert knowledge.article_exists("en", "contact-us")
    assert not knowledge.article_exists("en", "contact")  # replaced by the operator's
    assert knowledge.article_exists("nl", "contact")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("No front matter here.", "front matter"),
        ("---\ntitle: x\n---\nBody.", "lacks id"),
        (GIFT_CARDS.replace("language: en", "language: nl"), "match its folder"),
        (GIFT_CARDS.replace("slug: gift-cards", "slug: Gift Cards"), "slug"),
        (GIFT_CARDS.split("---\nGift")[0] + "---\n", "no text"),
    ],
)
def test_that_a_broken_article_is_refused_with_its_file_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "broken.md").write_text(text, encoding="utf-8")
    with pytest.raises(ArticleError, match=reason) as error:
        load_articles([tmp_path])
    assert "broken.md" in str(error.value)


#: General questions labelled with the article and the passage that answers them (shared with
#: bench/bench_knowledge.py, which prints the misses).
PASSAGES = Path(__file__).parents[2] / "bench" / "knowledge_passages.yaml"
#: Measured 41/60 (68%; en 24/30, nl 17/30) choosing the passage by its own meaning and words;
#: it was 35/60 (58%) when the title and tags that every passage shares decided.
MIN_PASSAGE_ACCURACY = 0.63


def test_that_the_quoted_passage_of_the_right_article_answers_general_questions(
    knowledge: KnowledgeBase,
) -> None:
    labelled = yaml.safe_load(PASSAGES.read_text(encoding="utf-8"))
    cases = [(language, case) for language in ("en", "nl") for case in labelled[language]]
    assert len(cases) >= 40
    right = 0
    for language, case in cases:
        hits = knowledge.search(case["q"], language)
        own = next((hit for hit in hits if hit.article.id == case["article"]), None)
        right += own is not None and case["passage"] in own.passage
    assert right / len(cases) >= MIN_PASSAGE_ACCURACY, f"{right}/{len(cases)}"


@pytest.mark.parametrize(
    ("question", "language", "article_id", "phrase"),
    [
        ("What is your return policy?", "en", "returns", "Our return policy"),
        ("Wat is jullie retourbeleid?", "nl", "returns", "Ons retourbeleid"),
        ("What is your refund policy?", "en", "refunds", "We refund to the payment method"),
        ("How do I start a return?", "en", "returns", "To start a return"),
        ("What payment methods do you accept?", "en", "payment-methods", "We accept"),
    ],
)
def test_that_a_general_question_quotes_the_passage_that_answers_it(
    knowledge: KnowledgeBase, question: str, language: Language, article_id: str, phrase: str
) -> None:
    hit = next(hit for hit in knowledge.search(question, language) if hit.article.id == article_id)
    assert phrase in hit.passage
