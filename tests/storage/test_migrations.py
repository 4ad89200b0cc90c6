from sqlalchemy import Engine, insert, inspect, select

from tandem.storage.conversations import now
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.migrate import upgrade
from tandem.storage.schema import metadata
from tandem.storage.tables import conversations, messages


def test_that_migrations_create_every_declared_table(engine: Engine) -> None:
    existing = set(inspect(engine).get_table_names())
    assert {table.name for table in metadata.sorted_tables} <= existing


def test_that_upgrading_marks_old_customer_messages_handled_except_unanswered_ones(
    fresh_database_url: str,
) -> None:
    """Migration 0006: only the customer's last word in a conversation the AI owns may never
    have had its turn; the recovery job looks at it, every other message counts as handled."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0005")
        moment = now()
        chats = {"unanswered": "ai", "answered": "ai", "with_a_person": "queued"}
        authors = {
            "unanswered": ["ai", "customer"],
            "answered": ["customer", "ai"],
            "with_a_person": ["ai", "customer"],
        }
        with transaction(engine) as connection:
            for chat, state in chats.items():
                said = authors[chat]
                connection.execute(
                    insert(conversations).values(
                        id=chat,
                        token_hash="-",
                        state=state,
                        language="en",
                        message_count=len(said),
                        event_count=0,
                        memory={},
                        created_at=moment,
                        updated_at=moment,
                    )
                )
                for offset, author in enumerate(said, start=1):
                    connection.execute(
                        insert(messages).values(
                            conversation_id=chat,
                            offset=offset,
                            author=author,
                            text="hello",
                            created_at=moment,
                        )
                    )
        upgrade(engine)
        with reading(engine) as connection:
            rows = connection.execute(
                select(messages.c.conversation_id, messages.c.handled_at).where(
                    messages.c.author == "customer"
                )
            ).all()
        assert {chat: handled is not None for chat, handled in rows} == {
            "unanswered": False,
            "answered": True,
            "with_a_person": True,
        }
    finally:
        engine.dispose()
