from sqlalchemy import Engine, column, insert, inspect, select, table

from tandem.storage.conversations import now
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.migrate import upgrade
from tandem.storage.schema import metadata
from tandem.storage.tables import conversation_metrics, conversations, messages


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


def test_that_upgrading_to_0012_marks_the_summaries_of_conversations_with_a_complaint(
    fresh_database_url: str,
) -> None:
    """Migration 0012: existing summaries learn whether the customer complained (the roll-out
    guardrail compares it), from what understanding stored on their messages."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0011")
        moment = now()
        old_summaries = table(
            "conversation_metrics", *(column(name) for name in OLD_SUMMARY)
        )  # as it was at 0011
        old_messages = table("messages", *(column(n) for n in ("conversation_id", "offset",
                             "author", "text", "created_at", "intent")))  # fmt: skip
        with transaction(engine) as connection:
            for chat, intent in (("angry", "complaint"), ("calm", "where_is_my_order")):
                connection.execute(
                    insert(conversations).values(
                        id=chat, token_hash="-", state="closed", language="en",
                        message_count=1, event_count=0, memory={}, created_at=moment,
                        updated_at=moment,
                    )
                )  # fmt: skip
                connection.execute(
                    old_messages.insert().values(
                        conversation_id=chat, offset=1, author="customer", text="hi",
                        created_at=moment, intent=intent,
                    )
                )  # fmt: skip
                connection.execute(
                    old_summaries.insert().values(
                        conversation_id=chat, created_at=moment, language="en", topic="refunds",
                        band="ai_only", resolution="assumed", thumbs_up=0, thumbs_down=0,
                        human_seconds=0.0, ai_answer_seconds=0.0, ai_answers=0,
                        recontacted=False, source_updated_at=moment,
                    )
                )  # fmt: skip
        upgrade(engine)
        with reading(engine) as connection:
            m = conversation_metrics.c
            found = dict(connection.execute(select(m.conversation_id, m.complained)).all())
        assert found == {"angry": True, "calm": False}
    finally:
        engine.dispose()


OLD_SUMMARY = (
    "conversation_id", "created_at", "language", "topic", "band", "resolution", "thumbs_up",
    "thumbs_down", "human_seconds", "ai_answer_seconds", "ai_answers", "recontacted",
    "source_updated_at",
)  # fmt: skip
