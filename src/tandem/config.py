"""The ONE settings object: read once from the environment (prefix TANDEM_), failing loudly."""

from __future__ import annotations

import functools
import ipaddress
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tandem.commerce.backends import BACKENDS
from tandem.desk.hours import OfficeHours
from tandem.desk.sla import Rules, Targets, WorkingTime, parse_targets
from tandem.domain.errors import InvalidInput
from tandem.security.limits import tiers
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

#: The shortest identity secret accepted: 256 bits, the HMAC-SHA256 key size.
MIN_SECRET_BYTES = 32

#: A team name, as the policy's `team:` and the agents' teams spell it.
_TEAM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")

Port = Annotated[int, Field(ge=1, le=65535)]
LogLevel = Literal["debug", "info", "warning", "error"]
SmtpSecurity = Literal["starttls", "tls", "none"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    # Errors never echo the value given: it may be a secret (TANDEM_IDENTITY_SECRET, keys).
    model_config = SettingsConfigDict(
        env_prefix="TANDEM_", extra="forbid", frozen=True, hide_input_in_errors=True
    )

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
    default_language: str = Field(
        DEFAULT_LANGUAGE,
        description=(
            "The shop's language: a new conversation's until the customer writes in another "
            "one Tandem speaks (one of the languages in the data folders, docs/languages.md), "
            "and the language a message in a language Tandem does not speak is answered in."
        ),
    )
    demo: bool = Field(True, description="Serve the demo shop page and seed the demo shop.")
    demo_history: bool = Field(
        True,
        description="With the demo on, also play eight weeks of past conversations (once, "
        "fixed seed) so the lead's dashboard is full on first start.",
    )
    demo_password: str = Field(
        "",
        description="Password of the demo agent accounts; random (and printed) when empty.",
    )
    shop_backend: str = Field(
        "demo",
        description=(
            "Commerce backend: 'demo' (built-in shop), 'http' (your REST shop) or one registered "
            "by a plug-in; an unknown name stops the start."
        ),
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
    identity_secret: SecretStr | None = Field(
        None,
        description=(
            "Secret (at least 32 bytes) your shop signs its signed-in customer's e-mail with "
            "(customer_signature, see docs/widget.md). Unset: every customer is a guest who "
            "verifies in the chat; with the demo on, a random secret for this process."
        ),
    )
    verification_max_failures: int = Field(
        5,
        ge=1,
        description=(
            "Failed in-chat verifications (order number + postcode or e-mail) of one order, or "
            "from one client address, within the window that lock it."
        ),
    )
    verification_window_minutes: float = Field(
        15.0, gt=0, description="The window in which failed verifications are counted."
    )
    verification_lock_minutes: float = Field(
        15.0,
        gt=0,
        description="How long an order or address stays locked for verification once locked.",
    )
    max_body_bytes: int = Field(
        65536,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get 413 unread.",
    )
    request_read_seconds: float = Field(
        30.0,
        gt=0,
        le=600,
        description=(
            "Longest time a client may take to send a request body; a slower one gets 408 and"
            " the connection is closed (it never holds a lock: bodies are read before a turn)."
        ),
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
    teams: str = Field(
        "general,payments",
        description=(
            "Comma-separated agent teams a lead can put agents in; the teams the active handoff "
            "policy routes to are always known too."
        ),
    )
    away_after_seconds: float = Field(
        120.0,
        gt=0,
        description=(
            "An online agent whose console sent no heartbeat for this long (browser closed) "
            "becomes away, and their open conversations go back to the queue."
        ),
    )
    default_handle_minutes: float = Field(
        6.0,
        gt=0,
        description=(
            "Minutes an agent needs per conversation, for the wait a queued customer is told, "
            "until enough conversations were measured (take to close)."
        ),
    )
    routing_fallback_minutes: float = Field(
        10.0,
        ge=0,
        description=(
            "A queued conversation whose team or language no online agent has is offered to "
            "any online agent after waiting this long."
        ),
    )
    sla_first_response_minutes: str = Field(
        "urgent=5,high=15,normal=30,low=120",
        description=(
            "First-response target per priority, in minutes from the hand-over to an agent's "
            "first message ('priority=minutes', comma-separated; a priority left out has no "
            "clock). Counted in office hours when TANDEM_OFFICE_HOURS is set."
        ),
    )
    sla_next_response_minutes: str = Field(
        "urgent=5,high=10,normal=20,low=60",
        description=(
            "Next-response target per priority, in minutes from a customer's message that "
            "follows an agent's message to the agent's next one; no clock runs while the "
            "conversation waits on the customer."
        ),
    )
    sla_approaching_share: float = Field(
        0.75,
        gt=0,
        lt=1,
        description="A running clock past this share of its target is 'approaching'.",
    )
    sla_interval_seconds: float = Field(
        30.0,
        gt=0,
        description="How often the sla-clocks job records approaching and breached clocks.",
    )
    redis_url: str = Field(
        "",
        description=(
            "Redis (redis://host:6379/0). When set, rate limits are counted there and shared by "
            "every process, and every process's live streams hear of changes made by the others "
            "at once; empty: each process counts in its own memory, and streams re-read every "
            "TANDEM_STREAM_POLL_SECONDS for changes made by other processes."
        ),
    )
    rate_limits: bool = Field(
        True,
        description=(
            "The per-address limits (logins, opening conversations, asking for a person). "
            "'off' only for load tests sent from one address: the per-account login limit "
            "stays on."
        ),
    )
    login_limit_per_account: str = Field(
        "5/minute; 10/15 minutes; 20/hour; 50/day",
        description=(
            "Login attempts per account email (a success starts the count again). Each tier is "
            "a moving window, so the wait grows: about a minute after 5 attempts, then 15 "
            "minutes, an hour, a day. A correct password is refused during the wait too."
        ),
    )
    login_limit_per_address: str = Field(
        "20/minute; 200/hour",
        description="Login attempts per client address, over all accounts (answered 429).",
    )
    conversation_limit_per_address: str = Field(
        "20/minute; 200/hour",
        description="Conversations a client address may open (answered 429 past it).",
    )
    person_limit_per_address: str = Field(
        "3/minute; 10/hour",
        description=(
            "Requests for a person per client address: the widget's button (request_human, "
            "answered 429 past the limit) and each hand-over a customer's message causes "
            "(counted)."
        ),
    )
    refusal_pause_seconds: float = Field(
        1.0,
        ge=0,
        description=(
            "A 429 or 503 is answered after this pause (never longer than its Retry-After), so "
            "a client that ignores Retry-After sends about one request a second, not hundreds."
        ),
    )
    login_hash_queue: int = Field(
        4,
        ge=0,
        description=(
            "Logins that may wait for their password check; one runs at a time, at the lowest "
            "CPU priority. More are answered 429 (retry in a second)."
        ),
    )
    trusted_proxies: str = Field(
        "",
        description=(
            "Comma-separated addresses or networks (10.0.0.0/8) of your reverse proxies. Only "
            "from them is X-Forwarded-For believed for the client's address (rate limits, the "
            "verification lock); empty: the TCP peer is the client."
        ),
    )
    max_message_chars: int = Field(
        4000, ge=1, description="Longest customer or agent message accepted, in characters."
    )
    stream_poll_seconds: float = Field(
        0.5,
        gt=0,
        description=(
            "How often a live stream re-reads for changes that no notice told it of (other "
            "processes without Redis, or while Redis is away); its own process's changes wake it "
            "at once."
        ),
    )
    auto_close_minutes: int = Field(
        30,
        ge=1,
        description=(
            "A conversation nobody has written in for this long is closed by the system (a "
            "ticket stays open); a customer left waiting in the queue counts as abandoned."
        ),
    )
    recontact_days: int = Field(
        7,
        ge=1,
        le=90,
        description=(
            "A resolved conversation stops counting as honestly resolved when the same customer "
            "comes back about the same topic within this many days (docs/metrics.md)."
        ),
    )
    cost_per_agent_hour: float = Field(
        30.0, ge=0, description="What an hour of an agent's time costs, for cost per resolution."
    )
    cost_per_ai_conversation: float = Field(
        0.10, ge=0, description="What one conversation the AI takes part in costs (models, LLM)."
    )
    nps_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description=(
            "Share of customers asked the NPS question after their CSAT (0..1); the same "
            "customer is always asked or never (by a hash of who they are)."
        ),
    )
    metrics_interval_seconds: float = Field(
        60.0,
        gt=0,
        description="How often a server brings the metrics summaries up to date (and closes idle "
        "conversations); one process at a time does it.",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description=(
            "Bearer token Prometheus sends to read /metrics. Empty: /metrics answers only "
            "requests from this machine (127.0.0.1, ::1). It holds no customer data either way."
        ),
    )
    recovery_interval_seconds: float = Field(
        30.0,
        gt=0,
        description=(
            "How often a server looks for customer messages a crash left unanswered (also once "
            "at start); one process at a time does it."
        ),
    )
    recovery_grace_seconds: float = Field(
        60.0,
        ge=0,
        description=(
            "A customer message without its AI turn is picked up again once it is this old, so "
            "a turn still in progress is never raced: the turn is re-run once."
        ),
    )
    recovery_max_age_seconds: float = Field(
        900.0,
        gt=0,
        description=(
            "An unanswered message older than this gets no late AI answer: a person takes over "
            "(reason system_error), as when the re-run fails."
        ),
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
    smtp_host: str = Field(
        "",
        description=(
            "Mail server for ticket answers (docs/email.md). Empty: Tandem sends no email and "
            "never promises one."
        ),
    )
    smtp_port: Port = Field(587, description="Port of the mail server (587 STARTTLS, 465 TLS).")
    smtp_security: SmtpSecurity = Field(
        "starttls",
        description=(
            "'starttls' (upgrade a plain connection, port 587), 'tls' (TLS from the start, "
            "port 465) or 'none' (a local relay only)."
        ),
    )
    smtp_from: str = Field(
        "", description="The From address of ticket emails, e.g. 'Shop support <help@shop.nl>'."
    )
    smtp_username: str = Field("", description="Login at the mail server; empty: no login.")
    smtp_password: SecretStr | None = Field(None, description="Password for smtp_username.")
    smtp_timeout_seconds: float = Field(
        10.0, gt=0, description="Seconds to wait for the mail server before trying again later."
    )
    email_after_minutes: float = Field(
        5.0,
        ge=0,
        description=(
            "An agent's answer on a ticket is emailed when the customer has not written in the "
            "chat within this many minutes after it (they have left the chat)."
        ),
    )
    email_interval_seconds: float = Field(
        30.0, gt=0, description="How often a server sends the emails that are due."
    )
    log_level: LogLevel = Field("info", description="Log level: debug, info, warning or error.")
    log_format: Literal["json", "text"] = Field(
        "json",
        description=(
            "Log lines as JSON objects (time, level, logger, message, request_id) or as text. "
            "Message texts are never logged at info level."
        ),
    )
    shutdown_grace_seconds: float = Field(
        30.0,
        ge=0,
        le=600,
        description=(
            "On SIGTERM, how long the server waits for requests in flight (turns being "
            "answered) to finish before it stops."
        ),
    )

    @field_validator("default_language")
    @classmethod
    def _spoken_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            known = ", ".join(SUPPORTED_LANGUAGES)
            raise ValueError(f"language {value!r} is not one Tandem speaks; known: {known}")
        return value

    @field_validator("shop_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in BACKENDS:
            known = ", ".join(BACKENDS.names())
            raise ValueError(f"unknown shop backend {value!r}; known: {known}")
        return value

    @field_validator("identity_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None  # TANDEM_IDENTITY_SECRET= (empty) means: not set
        if len(value.get_secret_value().encode("utf-8")) < MIN_SECRET_BYTES:
            raise ValueError(
                f"TANDEM_IDENTITY_SECRET must be at least {MIN_SECRET_BYTES} bytes; make one "
                "with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return value

    @field_validator("teams")
    @classmethod
    def _team_names(cls, value: str) -> str:
        for name in (t.strip() for t in value.split(",")):
            if name and not _TEAM.match(name.lower()):
                raise ValueError(f"team {name!r}: letters, digits, - and _ only (at most 32)")
        return value

    @field_validator("office_hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        try:
            OfficeHours.parse(value)
        except InvalidInput as error:
            raise ValueError(error.message) from None
        return value

    @field_validator("sla_first_response_minutes", "sla_next_response_minutes")
    @classmethod
    def _readable_targets(cls, value: str) -> str:
        try:
            parse_targets(value, "SLA target")
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

    @field_validator(
        "login_limit_per_account",
        "login_limit_per_address",
        "conversation_limit_per_address",
        "person_limit_per_address",
    )
    @classmethod
    def _readable_limits(cls, value: str) -> str:
        tiers(value)  # its ValueError says how to write one
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "redis+unix://")):
            raise ValueError("a Redis URL starts with redis://, rediss:// or redis+unix://")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        try:
            _networks(value)
        except ValueError:
            raise ValueError(f"not addresses or networks: {value!r}") from None
        return value

    @field_validator("smtp_from")
    @classmethod
    def _mail_address(cls, value: str) -> str:
        if value and "@" not in parseaddr(value)[1]:
            raise ValueError("TANDEM_SMTP_FROM is an address: help@shop.example or 'Shop <...>'")
        return value

    @model_validator(mode="after")
    def _mail_complete(self) -> Settings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("TANDEM_SMTP_HOST is set: TANDEM_SMTP_FROM is needed too")
        return self

    @property
    def proxy_networks(self) -> tuple[Network, ...]:
        return _networks(self.trusted_proxies)

    @property
    def team_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.strip().lower() for t in self.teams.split(",") if t.strip()))

    @property
    def mail_enabled(self) -> bool:
        """Ticket answers are emailed: a mail server and a From address are configured."""
        return bool(self.smtp_host and self.smtp_from)

    @property
    def hours(self) -> OfficeHours:
        return OfficeHours.parse(self.office_hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sla_rules(self) -> Rules:
        """The SLA clocks' targets and the office hours they count in."""
        targets = Targets(
            parse_targets(self.sla_first_response_minutes, "first response"),
            parse_targets(self.sla_next_response_minutes, "next response"),
            self.sla_approaching_share,
        )
        return Rules(targets, WorkingTime(self.hours, self.zone))


def _networks(text: str) -> tuple[Network, ...]:
    parts = (part.strip() for part in text.split(","))
    return tuple(ipaddress.ip_network(part, strict=False) for part in parts if part)


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
