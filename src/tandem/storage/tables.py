"""The conversation, message, event, agent and rating tables (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from tandem.storage.schema import metadata

#: The additive columns of ``metrics_daily`` (domain/metrics/definitions.py: Tally).
DAILY_COUNTS = (
    "conversations", "csat_sum", "csat_responses", "nps_promoters", "nps_detractors",
    "nps_responses", "thumbs_up", "thumbs_down", "first_responses", "ai_answers",
    "frustration_measured",
)  # fmt: skip
DAILY_SUMS = (
    "human_seconds", "first_response_sum", "ai_answer_sum", "frustration_start_sum",
    "frustration_end_sum",
)  # fmt: skip

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("customer_email", String(320)),  # passed by the shop for a logged-in customer
    Column("customer_id", String(64)),  # set once the customer is identified
    Column("agent_id", String(36), ForeignKey("agents.id")),
    Column("message_count", Integer, nullable=False, default=0),
    Column("event_count", Integer, nullable=False, default=0),
    Column("handoff_reason", String(32)),
    Column("handoff_rule", String(64)),
    Column("handoff_priority", String(16)),
    Column("handoff_team", String(32)),
    Column("queued_at", DateTime(timezone=True)),
    Column("policy_version", Integer),
    Column("summary", Text),
    Column("card", JSON),  # the handoff card agents see, built when the AI hands over
    # A ticket: nobody could take over, so a person answers by this time.
    Column("ticket_promised_by", DateTime(timezone=True)),
    Column("contact_email", String(320)),  # where the customer can be reached about a ticket
    Column("memory", JSON, nullable=False, default=dict),  # the AI's turn memory and open flow
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    # When the widget last said the customer is typing (never the text); every process reads it.
    Column("customer_typing_at", DateTime(timezone=True)),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(36), ForeignKey("conversations.id"), nullable=False),
    Column("offset", Integer, nullable=False),
    Column("author", String(16), nullable=False),
    Column("agent_id", String(36), ForeignKey("agents.id")),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # What understanding made of a customer's message (null for other authors; an AI message
    # that answers the customer, rather than a notice, has intent "answer").
    Column("language", String(8)),
    Column("intent", String(48)),
    Column("confidence", Float),
    Column("frustration", Float),
    # The client's own id for a customer message: a retry with the same id stores nothing.
    Column("client_message_id", String(64)),
    # When the AI's turn for a customer message committed (null: the turn never ran).
    Column("handled_at", DateTime(timezone=True)),
    # When the recovery job re-ran the turn of an unanswered message (it does so once).
    Column("retried_at", DateTime(timezone=True)),
    UniqueConstraint("conversation_id", "offset", name="uq_messages_conversation_offset"),
)
Index(
    "uq_messages_client_message_id",
    messages.c.conversation_id,
    messages.c.client_message_id,
    unique=True,
)
_UNHANDLED = text("handled_at IS NULL AND author = 'customer'")
Index(
    "ix_messages_unhandled",
    messages.c.created_at,
    sqlite_where=_UNHANDLED,
    postgresql_where=_UNHANDLED,
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(36), ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("actor", String(24), nullable=False),
    Column("agent_id", String(36), ForeignKey("agents.id")),
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("reason", String(32)),
    Column("rule", String(64)),
    Column("detail", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("conversation_id", "seq", name="uq_events_conversation_seq"),
)
Index("ix_events_kind_created", events.c.kind, events.c.created_at)

agents = Table(
    "agents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # agent | lead
    Column("languages", String(64), nullable=False, default="en"),  # comma-separated codes
    Column("max_concurrent", Integer, nullable=False, default=5),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_closed_at", DateTime(timezone=True)),
    # The desk (issue 12): online | away | offline, set by the agent or by a missing heartbeat.
    Column("status", String(8), nullable=False, default="offline", server_default="offline"),
    Column("status_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),  # the console's last sign of life
    Column("teams", String(200), nullable=False, default="general", server_default="general"),
)

agent_sessions = Table(
    "agent_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("agent_id", String(36), ForeignKey("agents.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("conversation_id", String(36), ForeignKey("conversations.id"), primary_key=True),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

policies = Table(
    "policies",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("text", Text, nullable=False),  # the YAML, exactly as the lead wrote it
    Column("active", Boolean, nullable=False, default=False),
    Column("created_by", String(36), ForeignKey("agents.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

policy_activations = Table(
    "policy_activations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", Integer, ForeignKey("policies.version"), nullable=False),
    Column("activated_by", String(36), ForeignKey("agents.id")),  # null: the system, at start-up
    Column("activated_at", DateTime(timezone=True), nullable=False),
)

#: Failed in-chat verifications, per order and client address, across conversations (kept only
#: as long as they can matter: the counting window plus the lock). See security/verification.py.
verification_failures = Table(
    "verification_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_key", String(64), nullable=False),  # the order number tried, upper case
    Column("address_key", String(64)),  # SHA-256 of the client's address; null when unknown
    Column("failed_at", DateTime(timezone=True), nullable=False),
)
Index(
    "ix_verification_failures_order",
    verification_failures.c.order_key,
    verification_failures.c.failed_at,
)
Index(
    "ix_verification_failures_address",
    verification_failures.c.address_key,
    verification_failures.c.failed_at,
)
Index("ix_verification_failures_failed_at", verification_failures.c.failed_at)

#: Each topic's roll-out mode as a lead (or the evaluation) last set it; a topic without a row
#: has its default (domain/rollout_defaults.yaml). See services/rollout.py.
rollout_modes = Table(
    "rollout_modes",
    metadata,
    Column("topic", String(40), primary_key=True),
    Column("mode", String(16), nullable=False),
    Column("percent", Integer),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

#: Every change of a topic's mode: who (an agent id; null: the system), when, why, automatic.
rollout_changes = Table(
    "rollout_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(40), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("percent", Integer),
    Column("previous_mode", String(16), nullable=False),
    Column("previous_percent", Integer),
    Column("changed_by", String(36), ForeignKey("agents.id")),
    Column("automatic", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False, index=True),
)

#: Why the guardrail stepped a topic back: each metric's finding at that moment (one row per
#: metric of the evaluation behind an automatic change), and what it meant for the queue.
rollout_evaluations = Table(
    "rollout_evaluations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", Integer, ForeignKey("rollout_changes.id"), nullable=False, index=True),
    Column("metric", String(24), nullable=False),
    Column("ai_n", Integer, nullable=False),
    Column("ai_mean", Float, nullable=False),
    Column("baseline_n", Integer, nullable=False),
    Column("baseline_mean", Float, nullable=False),
    Column("low", Float),  # the always-valid interval of AI minus people
    Column("high", Float),
    Column("statistic", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("drop", Boolean, nullable=False),
    Column("extra_per_hour", Float, nullable=False),
    Column("agents_online", Integer, nullable=False),
    Column("extra_agents", Integer),
)

#: Emails to send (services/outbox.py): written in the transaction that causes them, sent by a
#: job outside any transaction. The key makes one cause one email; the address is read from the
#: conversation when it is sent, so it is stored in one place only.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("conversation_id", String(36), ForeignKey("conversations.id"), nullable=False),
    Column("message_offset", Integer, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_until", DateTime(timezone=True)),  # a sender is at it until then
    Column("done_at", DateTime(timezone=True)),
    Column("outcome", String(16)),  # sent, skipped (the customer was in the chat), failed
    Column("last_error", String(64)),  # the error's kind, never its text (it may hold addresses)
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_outbox_due", outbox.c.done_at, outbox.c.due_at)

#: One row per conversation with its figures (domain/metrics/definitions.py: Summary), brought
#: up to date from its events and messages by storage/metrics.py; reports aggregate these.
conversation_metrics = Table(
    "conversation_metrics",
    metadata,
    Column("conversation_id", String(36), ForeignKey("conversations.id"), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ended_at", DateTime(timezone=True)),
    Column("customer_id", String(64), index=True),
    Column("email", String(320), index=True),
    Column("language", String(8), nullable=False),
    Column("topic", String(32), nullable=False),
    Column("band", String(16), nullable=False),
    Column("resolution", String(16), nullable=False),
    Column("handoff_reason", String(32)),
    Column("csat", Integer, index=True),
    Column("nps", Integer),
    Column("thumbs_up", Integer, nullable=False),
    Column("thumbs_down", Integer, nullable=False),
    Column("human_seconds", Float, nullable=False),
    Column("first_response_seconds", Float),
    Column("ai_answer_seconds", Float, nullable=False),
    Column("ai_answers", Integer, nullable=False),
    Column("frustration_start", Float),
    Column("frustration_end", Float),
    Column("recontacted", Boolean, nullable=False),
    # A customer message was understood as a complaint (the roll-out guardrail compares it).
    Column("complained", Boolean, nullable=False, default=False, server_default=false()),
    # The conversation's updated_at this row was computed from: a newer one makes it stale.
    Column("source_updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_conversations_updated_at", conversations.c.updated_at)

#: The summaries of each day (UTC, by opening time) added up per (topic, band, resolution, first
#: hand-over reason, re-contacted): reports over weeks read these few rows, not every summary.
#: Rebuilt for each day whose summaries change (storage/metrics.py).
metrics_daily = Table(
    "metrics_daily",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False, index=True),
    Column("topic", String(32), nullable=False),
    Column("band", String(16), nullable=False),
    Column("resolution", String(16), nullable=False),
    Column("handoff_reason", String(32)),
    Column("recontacted", Boolean, nullable=False),
    *(Column(name, Integer, nullable=False) for name in DAILY_COUNTS),
    *(Column(name, Float, nullable=False) for name in DAILY_SUMS),
)

#: Canned replies (macros) per language that leads maintain; placeholders such as
#: {customer_name} are filled in for the conversation they are used in (desk/macros.py).
macros = Table(
    "macros",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(80), nullable=False),
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("updated_by", String(36), ForeignKey("agents.id")),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_macros_language", macros.c.language)
