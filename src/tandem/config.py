"""The ONE settings object: read once from the environment (prefix TANDEM_), failing loudly."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Port = Annotated[int, Field(ge=1, le=65535)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="forbid", frozen=True)

    database_url: str = Field(
        "sqlite:///var/tandem.db",
        description="SQLAlchemy URL. SQLite (WAL) by default; postgresql+psycopg://... to scale.",
    )
    host: str = Field("127.0.0.1", description="Address the web server binds to.")
    port: Port = Field(8000, description="Port the web server listens on.")
    public_url: str = Field(
        "",
        description="Base URL customers reach the server on (for links); defaults to host:port.",
    )
    model_dir: Path = Field(
        Path("var/models"), description="Where trained understanding models are stored."
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
        "*",
        description=(
            "Comma-separated origins whose pages may call the API (the widget on your shop). "
            "'*' allows any: the API uses bearer tokens, never cookies."
        ),
    )
    session_hours: int = Field(12, ge=1, description="How long an agent login stays valid.")
    max_message_chars: int = Field(
        4000, ge=1, description="Longest customer or agent message accepted, in characters."
    )
    stream_poll_seconds: float = Field(
        0.5, gt=0, description="How often the live stream checks for new messages."
    )
    log_level: str = Field("info", description="Log level: debug, info, warning or error.")


@functools.cache
def get_settings() -> Settings:
    return Settings()
