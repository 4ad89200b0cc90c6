"""roll-out modes per topic, the history of every change; events.actor fits agent_on_behalf_of_ai

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollout_modes",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_rollout_modes")),
    )
    op.create_table(
        "rollout_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("previous_mode", sa.String(length=16), nullable=False),
        sa.Column("previous_percent", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.String(length=36), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["agents.id"], name=op.f("fk_rollout_changes_changed_by_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_changes")),
    )
    op.create_index(
        op.f("ix_rollout_changes_changed_at"), "rollout_changes", ["changed_at"], unique=False
    )
    if op.get_bind().dialect.name != "sqlite":  # SQLite does not enforce a length
        op.alter_column(  # room for the actor agent_on_behalf_of_ai
            "events", "actor", type_=sa.String(length=24), existing_type=sa.String(length=16)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "events", "actor", type_=sa.String(length=16), existing_type=sa.String(length=24)
        )
    op.drop_index(op.f("ix_rollout_changes_changed_at"), table_name="rollout_changes")
    op.drop_table("rollout_changes")
    op.drop_table("rollout_modes")
