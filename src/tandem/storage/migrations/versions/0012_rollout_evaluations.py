"""why the guardrail stepped a topic back: each metric's finding beside the automatic change

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
    op.create_index(
        op.f("ix_rollout_evaluations_change_id"), "rollout_evaluations", ["change_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rollout_evaluations_change_id"), table_name="rollout_evaluations")
    op.drop_table("rollout_evaluations")
