"""The ONE settings object: read once from the environment (prefix TANDEM_), failing loudly."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tandem.desk.hours import OfficeHours
from tandem.domain.errors import InvalidInput

Port = Annotated[int, Field(ge=1, le=65535)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="forbid", frozen=True)

    database_url: str = Field(
        "sqlite:///var/tandem.db",
        description="SQLAlchemy URL. SQLite (WAL) by default; postgresql+psycopg://... to scale.",
    )
    host: str = Field("127.0.0.1", description="Address the web server binds to.")
    port: Port = Field(8000, description="Port the web server listens on.")
    model_dir: Path = Field(
        Path("var/models"), description="Where trained understanding models are stored."
    )
    knowledge_dir: Path | None = Field(
        None,
        description=(
            "A folder of your own help articles (<language>/<slug>.md); they are added to the "
            "built-in ones and replace those with the same id. Re-read when files change."
        ),
    )
    demo: bool = Field(True, description="Serve the demo shop page and seed the demo shop.")
    demo_password: str = Field(
        "",
        description="Password of the demo agent accounts; random (and printed) when empty.",
    )
    shop_backend: str = Field(
        "demo", description="Commerce backend: 'demo' (built-in shop) or 'http' (your REST shop)."
    )
    shop_database_url: str = Field(
        "sqlite:///var/shop.db",
        description=(
            "Database of the built-in demo shop. It stands in for an external shop, so on "
            "SQLite it lives in its own file; on PostgreSQL it may share the main database."
        ),
    )
    shop_url: str = Field("", description="Base URL of your shop's REST API (shop_backend=http).")
    shop_token: str = Field("", description="Bearer token for your shop's REST API.")
    cors_origins: str = Field(
        "",
        description=(
            "Comma-separated origins of shop pages that embed the widget from another origin "
            "(e.g. 'https://shop.example'); only the customer API answers them. Empty: same "
            "origin only. '*' allows any page (safe, as the API uses no cookies, but any site "
            "can then run your widget)."
        ),
    )
    max_body_bytes: int = Field(
        65536,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get 413 unread.",
    )
    timezone: str = Field(
        "Europe/Amsterdam", description="The support team's time zone (office hours, promises)."
    )
    office_hours: str = Field(
        "",
        description=(
            "When people can take over, e.g. 'mon-fri 09:00-17:00; sat 10:00-16:00'. Outside "
            "them a hand-over becomes a ticket. Empty: always open."
        ),
    )
    ticket_answer_hours: int = Field(
        24, ge=1, description="Hours within which a person answers a ticket (the promise made)."
    )
    answer_budget_ms: int = Field(
        4000, ge=1, description="An AI answer slower than this hands over (reason too_slow)."
    )
    session_hours: int = Field(12, ge=1, description="How long an agent login stays valid.")
    max_message_chars: int = Field(
        4000, ge=1, description="Longest customer or agent message accepted, in characters."
    )
    stream_poll_seconds: float = Field(
        0.5, gt=0, description="How often the live stream checks for new messages."
    )
    llm_url: str = Field(
        "",
        description=(
            "Optional OpenAI-compatible endpoint (e.g. http://localhost:8080/v1). It only "
            "rephrases grounded answers, summarises hand-overs and drafts agent replies."
        ),
    )
    llm_model: str = Field("", description="Model name to ask the LLM endpoint for.")
    llm_api_key: str = Field("", description="Bearer key for the LLM endpoint, if it needs one.")
    llm_timeout: float = Field(
        4.0, gt=0, description="Seconds to wait for the LLM before using the template answer."
    )
    log_level: str = Field("info", description="Log level: debug, info, warning or error.")

    @field_validator("office_hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        try:
            OfficeHours.parse(value)
        except InvalidInput as error:
            raise ValueError(error.message) from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def hours(self) -> OfficeHours:
        return OfficeHours.parse(self.office_hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@functools.cache
def get_settings() -> Settings:
    return Settings()


def reference() -> str:
    """The configuration reference in Markdown (docs/configuration.md is generated from it)."""
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable with the prefix `TANDEM_`, read once at start.",
        "Generated by `python -m tandem.config`; a test keeps this page in step with the code.",
        "",
        "| variable | default | what it does |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "" if field.default is None else str(field.default)
        lines.append(f"| `TANDEM_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
