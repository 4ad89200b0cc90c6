"""who activated which policy version, and when

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("activated_by", sa.String(length=36), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activated_by"], ["agents.id"], name=op.f("fk_policy_activations_activated_by_agents")
        ),
        sa.ForeignKeyConstraint(
            ["version"], ["policies.version"], name=op.f("fk_policy_activations_version_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_activations")),
    )


def downgrade() -> None:
    op.drop_table("policy_activations")
