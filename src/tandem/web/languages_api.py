"""The languages Tandem speaks, for the widget and the console: codes, names and labels, all
read from the data folders (tandem.languages), so a new language needs no script change."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES
from tandem.web.deps import RuntimeDep

router = APIRouter(prefix="/api/v1/languages", tags=["customer"])


class SpokenLanguage(BaseModel):
    code: str = Field(description='The language code ("nl").')
    name: str = Field(description='Its name in the language itself ("Nederlands").')
    labels: dict[str, str] = Field(description="The chat widget's labels in it.")


class Languages(BaseModel):
    default: str = Field(description="The shop's language (TANDEM_DEFAULT_LANGUAGE).")
    languages: list[SpokenLanguage]


@router.get("", response_model=Languages)
def languages(runtime: RuntimeDep) -> Languages:
    """Every language Tandem speaks, with the widget's labels; needs no login."""
    spoken = [
        SpokenLanguage(code=code, name=locale(code).name, labels=dict(locale(code).widget))
        for code in SUPPORTED_LANGUAGES
    ]
    return Languages(default=runtime.settings.default_language, languages=spoken)
