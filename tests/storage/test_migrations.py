from sqlalchemy import Engine, column, insert, inspect, select, table

from tandem.commerce.demo.tables import (
    shop_customers,
    shop_order_lines,
    shop_orders,
    shop_product_names,
    shop_variant_names,
)
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


def test_that_upgrading_to_0015_moves_the_dutch_and_english_shop_names_into_rows(
    fresh_database_url: str,
) -> None:
    """Migration 0015: names per language become rows, the name_en and name_nl columns go, and
    the order lines pointing at the variants keep pointing at them."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0014")
        moment = now()
        old_products = table("shop_products", *(column(n) for n in ("id", "name_en", "name_nl",
                             "category")))  # fmt: skip
        old_variants = table("shop_variants", *(column(n) for n in ("id", "product_id",
                             "name_en", "name_nl", "price_eur_cents", "price_gbp_cents",
                             "stock")))  # fmt: skip
        with transaction(engine) as connection:
            connection.execute(old_products.insert().values(
                id="raincoat", name_en="Rain jacket", name_nl="Regenjas", category="clothing"))
            connection.execute(old_variants.insert().values(
                id="raincoat-m-ochre", product_id="raincoat", name_en="M / ochre",
                name_nl="M / oker", price_eur_cents=11900, price_gbp_cents=10195, stock=3))
            connection.execute(insert(shop_customers).values(
                id="C-1", name="Emma", email="e@example.nl", language="nl", street="Dam 1",
                postcode="1012 AB", city="Amsterdam", country="NL", tier="standard",
                created_at=moment))
            connection.execute(insert(shop_orders).values(
                id="TD-1", customer_id="C-1", status="pending", created_at=moment,
                total_cents=11900, currency="EUR", street="Dam 1", postcode="1012 AB",
                city="Amsterdam", country="NL", payment_method="ideal"))
            connection.execute(insert(shop_order_lines).values(
                order_id="TD-1", line_no=1, variant_id="raincoat-m-ochre", quantity=1,
                returned_quantity=0, unit_price_cents=11900))  # fmt: skip
        upgrade(engine)
        with reading(engine) as connection:
            products = connection.execute(select(shop_product_names)).all()
            variants = connection.execute(select(shop_variant_names)).all()
            line = connection.execute(select(shop_order_lines.c.variant_id)).scalar_one()
        assert sorted(products) == [
            ("raincoat", "en", "Rain jacket"), ("raincoat", "nl", "Regenjas")
        ]
        assert sorted(variants) == [
            ("raincoat-m-ochre", "en", "M / ochre"), ("raincoat-m-ochre", "nl", "M / oker")
        ]
        assert line == "raincoat-m-ochre"
        columns = {c["name"] for c in inspect(engine).get_columns("shop_variants")}
        assert "name_en" not in columns and "name_nl" not in columns
    finally:
        engine.dispose()
