"""client message ids (idempotent retries) and the handled mark of customer messages

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_messages = sa.table(
    "messages",
    sa.column("conversation_id", sa.String()),
    sa.column("offset", sa.Integer()),
    sa.column("author", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("handled_at", sa.DateTime(timezone=True)),
)
_conversations = sa.table(
    "conversations",
    sa.column("id", sa.String()),
    sa.column("state", sa.String()),
    sa.column("message_count", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("retried_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "uq_messages_client_message_id",
        "messages",
        ["conversation_id", "client_message_id"],
        unique=True,
    )
    unhandled = sa.text("handled_at IS NULL AND author = 'customer'")
    op.create_index(
        "ix_messages_unhandled",
        "messages",
        ["created_at"],
        sqlite_where=unhandled,
        postgresql_where=unhandled,
    )
    # Every customer message stored so far counts as handled, except the last message of a
    # conversation the AI still owns: that one may never have had its turn (the recovery job
    # looks at it; an old one goes to a person).
    stuck = sa.select(_conversations.c.id).where(
        _conversations.c.id == _messages.c.conversation_id,
        _conversations.c.state == "ai",
        _conversations.c.message_count == _messages.c.offset,
    )
    op.execute(
        sa.update(_messages)
        .where(_messages.c.author == "customer", ~sa.exists(stuck))
        .values(handled_at=_messages.c.created_at)
    )


def downgrade() -> None:
    op.drop_index("ix_messages_unhandled", table_name="messages")
    op.drop_index("uq_messages_client_message_id", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("retried_at")
        batch.drop_column("handled_at")
        batch.drop_column("client_message_id")
