"""failed in-chat verifications, per order and client address

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_key", sa.String(length=64), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_failures")),
    )
    op.create_index(
        "ix_verification_failures_order",
        "verification_failures",
        ["order_key", "failed_at"],
    )
    op.create_index(
        "ix_verification_failures_address",
        "verification_failures",
        ["address_key", "failed_at"],
    )
    op.create_index("ix_verification_failures_failed_at", "verification_failures", ["failed_at"])


def downgrade() -> None:
    op.drop_table("verification_failures")
