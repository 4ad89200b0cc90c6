"""The demo shop's tables (prefixed ``shop_``), on the shared metadata so Alembic sees them.

Money is stored in integer cents in the order's currency, so amounts stay exact on SQLite too.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
)

from tandem.storage.schema import metadata

shop_customers = Table(
    "shop_customers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(320), nullable=False, unique=True),
    Column("language", String(8), nullable=False),
    Column("street", String(200), nullable=False),
    Column("postcode", String(16), nullable=False),
    Column("city", String(80), nullable=False),
    Column("country", String(2), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

shop_products = Table(
    "shop_products",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("category", String(32), nullable=False),
)

shop_variants = Table(
    "shop_variants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("product_id", String(32), ForeignKey("shop_products.id"), nullable=False, index=True),
    Column("price_eur_cents", Integer, nullable=False),
    Column("price_gbp_cents", Integer, nullable=False),
    Column("stock", Integer, nullable=False),
)

#: Names per language: data, so a language is a row, never a column. A product or variant without
#: a name in a language is named in the shop's default language (every one has a name in it).
shop_product_names = Table(
    "shop_product_names",
    metadata,
    Column("product_id", String(32), ForeignKey("shop_products.id"), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
)

shop_variant_names = Table(
    "shop_variant_names",
    metadata,
    Column("variant_id", String(32), ForeignKey("shop_variants.id"), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
)

shop_orders = Table(
    "shop_orders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("customer_id", String(32), ForeignKey("shop_customers.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("total_cents", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("street", String(200), nullable=False),
    Column("postcode", String(16), nullable=False),
    Column("city", String(80), nullable=False),
    Column("country", String(2), nullable=False),
    Column("payment_method", String(16), nullable=False),
    Column("carrier", String(32)),
    Column("tracking_number", String(40)),
    Column("shipped_at", DateTime(timezone=True)),
    Column("expected_delivery", Date),
    Column("delivered_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
)

shop_order_lines = Table(
    "shop_order_lines",
    metadata,
    Column("order_id", String(32), ForeignKey("shop_orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("variant_id", String(32), ForeignKey("shop_variants.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("returned_quantity", Integer, nullable=False, default=0),
    Column("unit_price_cents", Integer, nullable=False),
)

shop_payments = Table(
    "shop_payments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("order_id", String(32), ForeignKey("shop_orders.id"), nullable=False, index=True),
    Column("amount_cents", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

shop_refunds = Table(
    "shop_refunds",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("order_id", String(32), ForeignKey("shop_orders.id"), nullable=False, index=True),
    Column("amount_cents", Integer, nullable=False),
    Column("method", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expected_at", Date, nullable=False),
)

#: Changes already made, by the idempotency key they were asked with, and what they produced
#: (the order id, or the refund id of a return): the same key again changes nothing.
shop_idempotency = Table(
    "shop_idempotency",
    metadata,
    Column("key", String(160), primary_key=True),
    Column("result_id", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Parents before children: insert in this order, delete in reverse.
SHOP_TABLES = (
    shop_customers,
    shop_products,
    shop_variants,
    shop_product_names,
    shop_variant_names,
    shop_orders,
    shop_order_lines,
    shop_payments,
    shop_refunds,
)
