"""tickets, handoff cards and versioned policies

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("card", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("ticket_promised_by", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("contact_email", sa.String(length=320), nullable=True))
    op.create_table(
        "policies",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["agents.id"], name=op.f("fk_policies_created_by_agents")
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policies")),
    )


def downgrade() -> None:
    op.drop_table("policies")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("contact_email")
        batch.drop_column("ticket_promised_by")
        batch.drop_column("card")
