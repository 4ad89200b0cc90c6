"""the demo shop remembers idempotency keys, so a retried action changes nothing twice

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_idempotency",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("result_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shop_idempotency")),
    )


def downgrade() -> None:
    op.drop_table("shop_idempotency")
