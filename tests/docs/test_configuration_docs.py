from pathlib import Path

from tandem.config import Settings, reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_that_the_configuration_page_is_generated_from_the_settings() -> None:
    assert DOCS.read_text(encoding="utf-8") == reference()


def test_that_every_setting_has_help_text() -> None:
    assert all(field.description for field in Settings.model_fields.values())
