"""The languages come from the data folders: the registry lists exactly the languages whose files
are there, a language with a missing file stops the start naming it, and every language has the
same template keys, placeholders, widget labels and summary phrases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tandem.answering.replies import check_templates
from tandem.languages import (
    PACKAGE,
    LanguageDataError,
    check_locales,
    discover,
    language_files,
    locale,
)
from tandem.types import SUPPORTED_LANGUAGES
from tandem.understanding.catalogue import CatalogueError, load_catalogue


def _data(tmp_path: Path, codes: tuple[str, ...]) -> Path:
    """A copy of the shipped data folders with only `codes`."""
    for code in codes:
        for source, target in zip(
            language_files(code), language_files(code, tmp_path), strict=True
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy(source, target)
    shutil.copy(
        PACKAGE / "understanding/catalogue/intents.yaml", tmp_path / "understanding/catalogue"
    )
    return tmp_path


def test_that_the_registry_lists_exactly_the_language_folders_present() -> None:
    catalogue = {p.stem for p in (PACKAGE / "understanding/catalogue").glob("*.yaml")}
    articles = {p.name for p in (PACKAGE / "answering/knowledge/articles").iterdir() if p.is_dir()}
    assert set(SUPPORTED_LANGUAGES) == catalogue - {"intents"} == articles
    assert set(SUPPORTED_LANGUAGES) == {p.stem for p in (PACKAGE / "locales").glob("*.yaml")}
    assert {"nl", "en"} <= set(SUPPORTED_LANGUAGES)


def test_that_a_copied_language_folder_set_is_found_and_a_removed_one_is_gone(
    tmp_path: Path,
) -> None:
    root = _data(tmp_path, ("en", "nl"))
    assert discover(root) == ("en", "nl")
    for path in language_files("nl", root):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert discover(root) == ("en",)


@pytest.mark.parametrize("kind", range(4))
def test_that_a_language_missing_a_file_stops_the_start_naming_it(
    tmp_path: Path, kind: int
) -> None:
    root = _data(tmp_path, ("en", "nl"))
    missing = language_files("nl", root)[kind]
    shutil.rmtree(missing) if missing.is_dir() else missing.unlink()
    with pytest.raises(LanguageDataError, match=str(missing)):
        discover(root)


def test_that_an_intent_without_examples_stops_the_start_naming_the_file_and_intent(
    tmp_path: Path,
) -> None:
    root = _data(tmp_path, ("en", "nl"))
    path = root / "understanding/catalogue/nl.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  thanks:\n")
    end = text.index("  goodbye:\n")
    path.write_text(text[:start] + "  thanks: []\n" + text[end:], encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"{path}: intent 'thanks' has no examples"):
        load_catalogue(root / "understanding/catalogue")


def test_that_a_locale_file_lacking_a_section_is_named(tmp_path: Path) -> None:
    root = _data(tmp_path, ("en",))
    path = root / "locales/en.yaml"
    path.write_text("name: English\n", encoding="utf-8")
    from tandem.languages import load_locale

    with pytest.raises(LanguageDataError, match=rf"{path}: lacks widget"):
        load_locale("en", root)


def test_that_every_language_has_the_same_template_keys_and_placeholders() -> None:
    assert check_templates() == []


def test_that_the_template_check_names_a_missing_key_and_a_differing_placeholder(
    tmp_path: Path,
) -> None:
    source = PACKAGE / "answering/templates"
    shutil.copy(source / "en.yaml", tmp_path / "en.yaml")
    nl = (source / "nl.yaml").read_text(encoding="utf-8")
    nl = nl.replace("{order_id}", "{order}", 1)
    start = nl.index("\nthanks_reply:")
    end = nl.index("\ngoodbye_reply:")
    (tmp_path / "nl.yaml").write_text(nl[:start] + nl[end:], encoding="utf-8")
    problems = check_templates(tmp_path)
    assert f"{tmp_path / 'nl.yaml'}: lacks thanks_reply" in problems
    assert any("placeholders differ" in problem for problem in problems)


def test_that_every_language_has_every_label_and_summary_phrase() -> None:
    assert check_locales() == []
    for code in SUPPORTED_LANGUAGES:
        assert locale(code).name and locale(code).widget["humanText"]


def test_that_a_language_without_its_reading_words_is_reported_by_key(tmp_path: Path) -> None:
    root = _data(tmp_path, ("en", "nl"))
    nl = root / "locales/nl.yaml"
    text = nl.read_text(encoding="utf-8")
    nl.write_text(text[: text.index("\nwords:")] + "\n", encoding="utf-8")
    problems = check_locales(root)
    assert f"{nl}: words.stopwords" in problems
    assert f"{nl}: words.items.not_before" in problems
    assert not any("en.yaml" in problem for problem in problems)
