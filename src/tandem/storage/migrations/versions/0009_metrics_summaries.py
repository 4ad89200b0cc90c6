"""per-conversation metrics summaries, their daily sums, and an index on conversations.updated_at

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Written out (not imported from tables.py): a migration stays as it was when written.
_COUNTS = (
    "conversations", "csat_sum", "csat_responses", "nps_promoters", "nps_detractors",
    "nps_responses", "thumbs_up", "thumbs_down", "first_responses", "ai_answers",
    "frustration_measured",
)  # fmt: skip
_SUMS = (
    "human_seconds", "first_response_sum", "ai_answer_sum", "frustration_start_sum",
    "frustration_end_sum",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "conversation_metrics",
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("handoff_reason", sa.String(length=32), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("thumbs_up", sa.Integer(), nullable=False),
        sa.Column("thumbs_down", sa.Integer(), nullable=False),
        sa.Column("human_seconds", sa.Float(), nullable=False),
        sa.Column("first_response_seconds", sa.Float(), nullable=True),
        sa.Column("ai_answer_seconds", sa.Float(), nullable=False),
        sa.Column("ai_answers", sa.Integer(), nullable=False),
        sa.Column("frustration_start", sa.Float(), nullable=True),
        sa.Column("frustration_end", sa.Float(), nullable=True),
        sa.Column("recontacted", sa.Boolean(), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_metrics_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_metrics")),
    )
    for column in ("created_at", "customer_id", "email", "csat"):
        op.create_index(op.f(f"ix_conversation_metrics_{column}"), "conversation_metrics", [column])
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    op.create_table(
        "metrics_daily",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("handoff_reason", sa.String(length=32), nullable=True),
        sa.Column("recontacted", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        *(sa.Column(name, sa.Float(), nullable=False) for name in _SUMS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrics_daily")),
    )
    op.create_index(op.f("ix_metrics_daily_day"), "metrics_daily", ["day"])


def downgrade() -> None:
    op.drop_table("metrics_daily")
    op.drop_index("ix_conversations_updated_at", table_name="conversations")
    op.drop_table("conversation_metrics")
