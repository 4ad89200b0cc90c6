"""the agent desk: an agent's status, heartbeat and teams (issue 12)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=8), nullable=False, server_default="offline")
        )
        batch.add_column(sa.Column("status_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True)))
        batch.add_column(
            sa.Column("teams", sa.String(length=200), nullable=False, server_default="general")
        )


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        for column in ("teams", "heartbeat_at", "status_at", "status"):
            batch.drop_column(column)
