"""GET /api/v1/languages and the widget script: every language in the data folders, with its
labels, so the widget speaks a new language without a script change."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES


def test_that_the_languages_endpoint_lists_every_language_with_its_labels(
    client: TestClient,
) -> None:
    body = client.get("/api/v1/languages").json()
    assert [x["code"] for x in body["languages"]] == list(SUPPORTED_LANGUAGES)
    assert body["default"] in SUPPORTED_LANGUAGES
    for language in body["languages"]:
        assert language["name"] == locale(language["code"]).name
        assert language["labels"]["humanText"] == locale(language["code"]).widget["humanText"]


def test_that_the_widget_script_carries_every_languages_labels(client: TestClient) -> None:
    script = client.get("/widget.js").text
    line = next(x for x in script.splitlines() if x.startswith("window.__tandemLanguages = "))
    data = json.loads(line.removeprefix("window.__tandemLanguages = ").removesuffix(";"))
    assert set(data["labels"]) == set(SUPPORTED_LANGUAGES)
    assert data["labels"]["de"]["launcher"] == "Chatte mit uns"


def test_that_the_console_offers_every_language_for_a_macro(client: TestClient) -> None:
    page = client.get("/console").text
    for code in SUPPORTED_LANGUAGES:
        assert f'<option value="{code}">{locale(code).name}</option>' in page


def test_that_the_shop_page_links_every_other_language(client: TestClient) -> None:
    page = client.get("/", params={"lang": "de"}).text
    assert 'lang="de"' in page
    for code in SUPPORTED_LANGUAGES:
        if code != "de":
            assert f"lang={code}" in page
