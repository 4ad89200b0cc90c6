"""demo shop names per language: rows of shop_product_names and shop_variant_names instead of the
name_en and name_nl columns (whose names are copied over)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: (names table, its id column, the table named, ...)
_NAMED = (("shop_product_names", "product_id", "shop_products"),
          ("shop_variant_names", "variant_id", "shop_variants"))
_COPIED = ("en", "nl")  # constants: the SQL below formats nothing a user wrote


def upgrade() -> None:
    for names, key, named in _NAMED:
        op.create_table(
            names,
            sa.Column(key, sa.String(length=32), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=False),
            sa.Column("name", sa.String(length=120), nullable=False),
            sa.ForeignKeyConstraint(
                [key], [f"{named}.id"], name=op.f(f"fk_{names}_{key}_{named}")
            ),
            sa.PrimaryKeyConstraint(key, "language", name=op.f(f"pk_{names}")),
        )
        for language in _COPIED:
            op.execute(
                f"INSERT INTO {names} ({key}, language, name) "
                f"SELECT id, '{language}', name_{language} FROM {named}"
            )
        for language in _COPIED:
            # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 and PostgreSQL): no table
            # copy, so the foreign keys pointing at the table stay untouched.
            op.drop_column(named, f"name_{language}")


def downgrade() -> None:
    for names, key, named in _NAMED:
        for language in _COPIED:
            op.add_column(named, sa.Column(f"name_{language}", sa.String(length=120)))
            op.execute(
                f"UPDATE {named} SET name_{language} = "
                f"(SELECT name FROM {names} WHERE {names}.{key} = {named}.id "
                f"AND {names}.language = '{language}')"
            )
        op.drop_table(names)
