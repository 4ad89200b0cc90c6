"""Loading the demo shop's rows into the commerce model's frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Row, Table, and_, select

from tandem.commerce.demo.catalogue import SHOP_LANGUAGE
from tandem.commerce.demo.tables import (
    shop_customers,
    shop_order_lines,
    shop_orders,
    shop_payments,
    shop_product_names,
    shop_refunds,
    shop_variant_names,
    shop_variants,
)
from tandem.commerce.model import (
    Address,
    Customer,
    LineName,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, CustomerId, Language, OrderId

_ORDER_COLUMNS = (*shop_orders.c, shop_customers.c.language)
T = TypeVar("T")


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def load_customer(connection: Connection, *where: Any) -> Customer | None:
    row = connection.execute(select(shop_customers).where(*where)).first()
    if row is None:
        return None
    return Customer(
        id=CustomerId(row.id), name=row.name, email=row.email, language=_language(row.language),
        address=_address(row), tier=row.tier,
    )


def load_orders(connection: Connection, *where: Any) -> list[Order]:
    """Orders matching ``where`` (newest first), each with its lines, payments and refunds."""
    query = (
        select(*_ORDER_COLUMNS)
        .join(shop_customers, shop_customers.c.id == shop_orders.c.customer_id)
        .where(*where)
        .order_by(shop_orders.c.created_at.desc(), shop_orders.c.id)
    )
    rows = connection.execute(query).all()
    ids = [row.id for row in rows]
    lines = _lines(connection, ids)
    payments = _children(connection, shop_payments, ids, _payment)
    refunds = _children(connection, shop_refunds, ids, _refund)
    return [
        _order(
            row, lines[row.id].get(row.language) or lines[row.id].get(SHOP_LANGUAGE, []),
            payments[row.id], refunds[row.id],
        )
        for row in rows
    ]


def names_of(
    connection: Connection, key: Column[str], ids: Sequence[str]
) -> dict[str, dict[str, str]]:
    """id -> language -> name; ``key`` is the id column of a names table (product or variant)."""
    table = key.table
    found: dict[str, dict[str, str]] = defaultdict(dict)
    query = select(key.label("id"), table.c.language, table.c.name).where(key.in_(set(ids)))
    for row in connection.execute(query):
        found[row.id][row.language] = row.name
    return found


def name_in(names: dict[str, str], language: str, fallback: str) -> str:
    """The name in ``language``, else in the shop's language, else ``fallback`` (an id)."""
    return names.get(language) or names.get(SHOP_LANGUAGE) or fallback


def _order(
    row: Row[Any], lines: list[OrderLine], payments: list[Payment], refunds: list[Refund]
) -> Order:
    return Order(
        id=OrderId(row.id), customer_id=CustomerId(row.customer_id),
        status=OrderStatus(row.status), created_at=utc(row.created_at),
        total=money(row.total_cents), currency=row.currency, lines=tuple(lines),
        shipping_address=_address(row), payment_method=row.payment_method,
        payments=tuple(payments), refunds=tuple(refunds), carrier=row.carrier,
        tracking_number=row.tracking_number,
        shipped_at=utc(row.shipped_at) if row.shipped_at else None,
        expected_delivery=row.expected_delivery,
        delivered_at=utc(row.delivered_at) if row.delivered_at else None,
    )


def _lines(connection: Connection, ids: Sequence[str]) -> dict[str, dict[str, list[OrderLine]]]:
    """order id -> language -> lines, named in that language, for every language Tandem speaks
    that the shop names these products in (a missing name reads as in the shop's language).

    One query: a row per line and language its product is named in, with the variant's name in
    that language when it has one."""
    product, variant = shop_product_names, shop_variant_names
    query = (
        select(
            shop_order_lines, shop_variants.c.product_id, product.c.language,
            product.c.name.label("product_name"), variant.c.name.label("variant_name"),
        )
        .join(shop_variants, shop_variants.c.id == shop_order_lines.c.variant_id)
        .outerjoin(product, product.c.product_id == shop_variants.c.product_id)
        .outerjoin(variant, and_(variant.c.variant_id == shop_order_lines.c.variant_id,
                                 variant.c.language == product.c.language))
        .where(shop_order_lines.c.order_id.in_(ids))
        .order_by(shop_order_lines.c.order_id, shop_order_lines.c.line_no)
    )  # fmt: skip
    lines: dict[tuple[str, int], Row[Any]] = {}
    named: dict[tuple[str, int], dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for row in connection.execute(query):
        key = (row.order_id, row.line_no)
        lines.setdefault(key, row)
        if row.language is not None:
            named[key][row.language] = (row.product_name, row.variant_name)
    spoken = {code for names in named.values() for code in names}
    # Only languages Tandem speaks, as over HTTP: French names appear once French is data too.
    languages = [code for code in SUPPORTED_LANGUAGES if code in spoken] or [SHOP_LANGUAGE]
    found: dict[str, dict[str, list[OrderLine]]] = defaultdict(lambda: defaultdict(list))
    for key, row in lines.items():
        names = tuple(_line_name(code, named[key], row) for code in languages)
        for name in names:
            found[row.order_id][name.language].append(
                OrderLine(
                    product_id=row.product_id, variant_id=row.variant_id,
                    product_name=name.product, variant_name=name.variant, quantity=row.quantity,
                    unit_price=money(row.unit_price_cents),
                    returned_quantity=row.returned_quantity, names=names,
                )
            )
    return found


def _line_name(code: str, names: dict[str, tuple[str, str | None]], row: Row[Any]) -> LineName:
    """The line's names in ``code``, each in the shop's language where ``code`` has none."""
    own, shops = names.get(code), names.get(SHOP_LANGUAGE)
    product = (own and own[0]) or (shops and shops[0]) or row.product_id
    variant = (own and own[1]) or (shops and shops[1]) or row.variant_id
    return LineName(code, product, variant)


def _children(
    connection: Connection, table: Table, ids: Sequence[str], build: Callable[[Row[Any]], T]
) -> dict[str, list[T]]:
    query = table.select().where(table.c.order_id.in_(ids)).order_by(table.c.created_at, table.c.id)
    found: dict[str, list[T]] = defaultdict(list)
    for row in connection.execute(query):
        found[row.order_id].append(build(row))
    return found


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        id=row.id, amount=money(row.amount_cents), method=row.method,
        status=PaymentStatus(row.status), created_at=utc(row.created_at),
    )


def _refund(row: Row[Any]) -> Refund:
    return Refund(
        id=row.id, amount=money(row.amount_cents), method=row.method,
        status=RefundStatus(row.status), created_at=utc(row.created_at),
        expected_at=row.expected_at,
    )


def _address(row: Row[Any]) -> Address:
    return Address(street=row.street, postcode=row.postcode, city=row.city, country=row.country)


def _language(code: str) -> Language:
    return code if code in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
