"""why the guardrail stepped a topic back: each metric's finding beside the automatic change;
conversation summaries say whether the customer complained (filled in for the existing ones)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "conversation_metrics",
        sa.Column("complained", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    summaries, said = (
        sa.table("conversation_metrics", sa.column("conversation_id"), sa.column("complained")),
        sa.table(
            "messages", sa.column("conversation_id"), sa.column("author"), sa.column("intent")
        ),
    )
    complained = sa.exists().where(
        said.c.conversation_id == summaries.c.conversation_id,
        said.c.author == "customer",
        said.c.intent == "complaint",
    )
    op.execute(summaries.update().where(complained).values(complained=sa.true()))
    op.create_table(
        "rollout_evaluations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("ai_n", sa.Integer(), nullable=False),
        sa.Column("ai_mean", sa.Float(), nullable=False),
        sa.Column("baseline_n", sa.Integer(), nullable=False),
        sa.Column("baseline_mean", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("statistic", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("drop", sa.Boolean(), nullable=False),
        sa.Column("extra_per_hour", sa.Float(), nullable=False),
        sa.Column("agents_online", sa.Integer(), nullable=False),
        sa.Column("extra_agents", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["rollout_changes.id"],
            name=op.f("fk_rollout_evaluations_change_id_rollout_changes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_evaluations")),
    )
    op.create_index(op.f("ix_rollout_evaluations_change_id"), "rollout_evaluations", ["change_id"])


def downgrade() -> None:
    with op.batch_alter_table("conversation_metrics") as batch:
        batch.drop_column("complained")
    op.drop_index(op.f("ix_rollout_evaluations_change_id"), table_name="rollout_evaluations")
    op.drop_table("rollout_evaluations")
