"""The demo shop page in every language: its texts are data (web/shop_texts/<code>.yaml), its
products are named by the demo shop, and its language switch comes from the registry."""

from __future__ import annotations

import re

import yaml
from fastapi.testclient import TestClient

from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES
from tandem.web.shop_page import TEXTS, texts


def _keys(data: dict[str, object], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in data.items():
        found |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return found


def test_that_every_shop_texts_file_has_exactly_the_english_keys() -> None:
    english = _keys(yaml.safe_load((TEXTS / "en.yaml").read_text("utf-8")))
    files = sorted(TEXTS.glob("*.yaml"))
    assert {path.stem for path in files} >= {"en", "nl", "de", "fr"}
    for path in files:
        assert _keys(yaml.safe_load(path.read_text("utf-8"))) == english, path.name


def test_that_a_language_without_shop_texts_reads_them_in_english() -> None:
    assert texts("xx") == texts("en")
    assert texts("xx")["heroTitle"] == "Good things for every day"


def test_that_the_german_page_speaks_german_and_names_products_as_the_shop_does(
    client: TestClient,
) -> None:
    page = client.get("/", params={"as": "lukas", "lang": "de"}).text
    assert '<html lang="de">' in page
    for text in ("Gute Dinge für jeden Tag", "Angemeldet als", "In den Warenkorb",
                 "Regenjacke", "Kapuzenpullover", "119,00 €", "als Lukas ansehen"):
        assert text in page
    for english in ("Add to basket", "Rain jacket", "Signed in as", "This is a demo"):
        assert english not in page
    assert re.search(r'data-tandem-email="lukas@example.de"', page)


def test_that_the_switch_lists_every_language_of_the_registry_and_marks_the_chosen_one(
    client: TestClient,
) -> None:
    page = client.get("/", params={"lang": "de"}).text
    found = re.findall(r'lang="([a-z]+)" hreflang="[a-z]+" aria-current="(true|false)">([^<]+)<',
                       page)
    assert [code for code, _, _ in found] == list(SUPPORTED_LANGUAGES)
    assert [(c, n) for c, current, n in found if current == "true"] == [("de", "Deutsch")]
    assert {n for _, _, n in found} == {locale(code).name for code in SUPPORTED_LANGUAGES}


def test_that_every_demo_customer_is_on_the_page_and_browsing_as_one_signs_them(
    client: TestClient,
) -> None:
    page = client.get("/", params={"lang": "en"}).text
    for slug, email in (("emma", "emma@example.nl"), ("james", "james@example.com"),
                        ("lukas", "lukas@example.de"), ("claire", "claire@example.fr")):
        assert f"<code>{email}</code>" in page
        signed = client.get("/", params={"as": slug}).text
        assert f'data-tandem-email="{email}"' in signed
        assert "data-tandem-signature" in signed
    unknown = client.get("/", params={"as": "mallory"}).text
    assert "data-tandem-email" not in unknown  # an unknown name browses as a guest
