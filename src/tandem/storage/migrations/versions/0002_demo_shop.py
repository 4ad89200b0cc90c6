"""demo shop: customers, products, variants, orders, order lines, payments, refunds

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_customers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_customers")),
        sa.UniqueConstraint("email", name=op.f("uq_shop_customers_email")),
    )
    op.create_table(
        "shop_products",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_products")),
    )
    op.create_table(
        "shop_orders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("payment_method", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=True),
        sa.Column("tracking_number", sa.String(length=40), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_delivery", sa.Date(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["shop_customers.id"],
            name=op.f("fk_shop_orders_customer_id_shop_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_orders")),
    )
    with op.batch_alter_table("shop_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shop_orders_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "shop_variants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("price_eur_cents", sa.Integer(), nullable=False),
        sa.Column("price_gbp_cents", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["shop_products.id"],
            name=op.f("fk_shop_variants_product_id_shop_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_variants")),
    )
    with op.batch_alter_table("shop_variants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shop_variants_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "shop_order_lines",
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("line_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("variant_id", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned_quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_orders.id"], name=op.f("fk_shop_order_lines_order_id_shop_orders")
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["shop_variants.id"],
            name=op.f("fk_shop_order_lines_variant_id_shop_variants"),
        ),
        sa.PrimaryKeyConstraint("order_id", "line_no", name=op.f("pk_shop_order_lines")),
    )
    op.create_table(
        "shop_payments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_orders.id"], name=op.f("fk_shop_payments_order_id_shop_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_payments")),
    )
    with op.batch_alter_table("shop_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_payments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "shop_refunds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_at", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_orders.id"], name=op.f("fk_shop_refunds_order_id_shop_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_refunds")),
    )
    with op.batch_alter_table("shop_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_refunds_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shop_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_refunds_order_id"))

    op.drop_table("shop_refunds")
    with op.batch_alter_table("shop_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_payments_order_id"))

    op.drop_table("shop_payments")
    op.drop_table("shop_order_lines")
    with op.batch_alter_table("shop_variants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_variants_product_id"))

    op.drop_table("shop_variants")
    with op.batch_alter_table("shop_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_orders_customer_id"))

    op.drop_table("shop_orders")
    op.drop_table("shop_products")
    op.drop_table("shop_customers")
