"""DemoShop: the built-in shop, a CommerceBackend over the ``shop_`` tables with the shop's rules.

Every action runs in one transaction that locks the order row (PostgreSQL ``FOR UPDATE``;
SQLite transactions take the write lock at BEGIN), so two chats cannot both cancel or return.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from tandem.commerce import identity
from tandem.commerce.addresses import validated_address
from tandem.commerce.demo import reading as reading_rows
from tandem.commerce.demo.catalogue import SHOP_LANGUAGE
from tandem.commerce.demo.idempotency import done_before, remember
from tandem.commerce.demo.reading import load_orders, money, name_in, names_of, utc
from tandem.commerce.demo.rows import REFUND_BUSINESS_DAYS, add_business_days
from tandem.commerce.demo.tables import (
    shop_order_lines,
    shop_orders,
    shop_payments,
    shop_refunds,
    shop_variant_names,
    shop_variants,
)
from tandem.commerce.model import (
    PAYMENT_METHODS,
    RETURN_WINDOW_DAYS,
    Address,
    CommerceError,
    CommerceErrorCode,
    Customer,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
)
from tandem.storage.db import reading, transaction
from tandem.types import CustomerId, Language, OrderId

Code = CommerceErrorCode
Clock = Callable[[], dt.datetime]
_UNSHIPPED = (OrderStatus.PENDING, OrderStatus.PROCESSING)
_CLOSED = (OrderStatus.CANCELLED, OrderStatus.RETURNED)
#: Business days for returned items to travel back before their refund is paid.
RETURN_TRANSIT_BUSINESS_DAYS = 5


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DemoShop:
    """The demo shop. ``clock`` is injectable so tests can stand on any day."""

    def __init__(self, engine: Engine, clock: Clock = _utc_now) -> None:
        self._engine = engine
        self._clock = clock

    # Reading

    def customer_by_email(self, email: str) -> Customer | None:
        with reading(self._engine) as connection:
            return reading_rows.customer_by_email(connection, email)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        with reading(self._engine) as connection:
            return reading_rows.customer_by_id(connection, customer_id)

    def order(self, order_id: OrderId) -> Order | None:
        with reading(self._engine) as connection:
            return reading_rows.order_by_id(connection, _key(order_id))

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        with reading(self._engine) as connection:
            return reading_rows.orders_of(connection, customer_id)

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        query = (
            select(shop_variants.c.id, shop_variants.c.stock)
            .where(shop_variants.c.product_id == product_id)
            .order_by(shop_variants.c.id)
        )
        with reading(self._engine) as connection:
            rows = connection.execute(query).all()
            names = names_of(connection, shop_variant_names.c.variant_id, [row.id for row in rows])
        if not rows:
            raise CommerceError(f"There is no product {product_id!r}.", Code.NOT_FOUND)
        wanted = language or SHOP_LANGUAGE
        return [(row.id, name_in(names[row.id], wanted, row.id), row.stock > 0) for row in rows]

    def verify(self, order_id: OrderId, postcode_or_email: str) -> Customer | None:
        """The order's customer if the postcode or e-mail address matches (else None)."""
        return identity.verify(self, order_id, postcode_or_email)

    # Actions

    def cancel_order(self, order_id: OrderId, *, idempotency_key: str | None = None) -> Order:
        with transaction(self._engine) as connection:
            order = self._locked_order(connection, order_id)
            if done_before(connection, idempotency_key, order.id):
                return load_orders(connection, shop_orders.c.id == order.id)[0]
            if order.status not in _UNSHIPPED:
                raise CommerceError(
                    f"Order {order.id} is {order.status} and can no longer be cancelled.",
                    Code.NOT_CANCELLABLE,
                )
            for line in self._lines(connection, order.id):
                self._move_stock(connection, line.variant_id, line.quantity)
            self._settle_payments(connection, order, "Order cancelled")
            connection.execute(
                update(shop_orders)
                .where(shop_orders.c.id == order.id)
                .values(status=OrderStatus.CANCELLED.value, cancelled_at=self._clock())
            )
            return load_orders(connection, shop_orders.c.id == order.id)[0]

    def start_return(
        self, order_id: OrderId, variant_ids: list[str], reason: str, *,
        idempotency_key: str | None = None,
    ) -> Refund:
        with transaction(self._engine) as connection:
            order = self._locked_order(connection, order_id)
            earlier = done_before(connection, idempotency_key, order.id)
            if earlier:
                refunds = load_orders(connection, shop_orders.c.id == order.id)[0].refunds
                return next(refund for refund in refunds if refund.id == earlier)
            self._check_returnable(order)
            amount = self._take_back(connection, order.id, Counter(variant_ids))
            days = RETURN_TRANSIT_BUSINESS_DAYS + REFUND_BUSINESS_DAYS
            refund = self._add_refund(
                connection, order, amount, RefundStatus.REQUESTED, reason, days
            )
            remember(connection, idempotency_key, refund.id)
            return refund

    def change_address(
        self, order_id: OrderId, address: Address, *, idempotency_key: str | None = None
    ) -> Order:
        with transaction(self._engine) as connection:
            order = self._locked_order(connection, order_id)
            if done_before(connection, idempotency_key, order.id):
                return load_orders(connection, shop_orders.c.id == order.id)[0]
            self._check_unshipped(order, "the delivery address")
            new = validated_address(address)
            if new.country != order.country:
                raise CommerceError(
                    f"Order {order.id} ships to {order.country}; it cannot move to another "
                    "country.",
                    Code.INVALID_ADDRESS,
                )
            connection.execute(
                update(shop_orders)
                .where(shop_orders.c.id == order.id)
                .values(street=new.street, postcode=new.postcode, city=new.city)
            )
            return load_orders(connection, shop_orders.c.id == order.id)[0]

    def change_payment_method(
        self, order_id: OrderId, method: str, *, idempotency_key: str | None = None
    ) -> Order:
        with transaction(self._engine) as connection:
            order = self._locked_order(connection, order_id)
            if done_before(connection, idempotency_key, order.id):
                return load_orders(connection, shop_orders.c.id == order.id)[0]
            self._check_unshipped(order, "the payment method")
            method = _payment_method(method, order)
            self._settle_payments(connection, order, f"Payment method changed to {method}")
            number = connection.execute(
                select(func.count()).where(shop_payments.c.order_id == order.id)
            ).scalar_one()
            connection.execute(
                insert(shop_payments).values(
                    id=f"PAY-{order.id[3:]}-{number + 1}", order_id=order.id,
                    amount_cents=order.total_cents, method=method, status="pending",
                    created_at=self._clock(),
                )
            )
            connection.execute(
                update(shop_orders)
                .where(shop_orders.c.id == order.id)
                .values(payment_method=method)
            )
            return load_orders(connection, shop_orders.c.id == order.id)[0]

    def exchange_item(
        self, order_id: OrderId, variant_id: str, new_variant_id: str, *,
        idempotency_key: str | None = None,
    ) -> Order:
        with transaction(self._engine) as connection:
            order = self._locked_order(connection, order_id)
            if done_before(connection, idempotency_key, order.id):
                return load_orders(connection, shop_orders.c.id == order.id)[0]
            self._check_exchangeable(order)
            lines = {line.variant_id: line for line in self._lines(connection, order.id)}
            line = lines.get(variant_id)
            if line is None or line.returned_quantity:
                raise CommerceError(
                    f"Order {order.id} has no {variant_id!r} to exchange.", Code.INVALID_ITEM
                )
            self._check_swap(connection, variant_id, new_variant_id, lines)
            if not self._move_stock(connection, new_variant_id, -line.quantity):
                raise CommerceError(f"{new_variant_id!r} is out of stock.", Code.OUT_OF_STOCK)
            if order.status in _UNSHIPPED:
                self._move_stock(connection, variant_id, line.quantity)
            connection.execute(
                update(shop_order_lines)
                .where(shop_order_lines.c.order_id == order.id)
                .where(shop_order_lines.c.line_no == line.line_no)
                .values(variant_id=new_variant_id)
            )
            return load_orders(connection, shop_orders.c.id == order.id)[0]

    # Rules and bookkeeping

    def _locked_order(self, connection: Connection, order_id: OrderId) -> Row[Any]:
        query = select(shop_orders).where(shop_orders.c.id == _key(order_id)).with_for_update()
        row = connection.execute(query).first()
        if row is None:
            raise CommerceError(f"There is no order {order_id!r}.", Code.NOT_FOUND)
        return row

    def _check_unshipped(self, order: Row[Any], what: str) -> None:
        if order.status in _CLOSED:
            raise CommerceError(
                f"Order {order.id} is {order.status}; {what} can no longer change.",
                Code.ORDER_CLOSED,
            )
        if order.status not in _UNSHIPPED:
            raise CommerceError(
                f"Order {order.id} has already shipped; {what} can no longer change.",
                Code.ALREADY_SHIPPED,
            )

    def _check_returnable(self, order: Row[Any]) -> None:
        if order.status != OrderStatus.DELIVERED:
            raise CommerceError(
                f"Order {order.id} is {order.status}; only delivered orders can be returned.",
                Code.NOT_RETURNABLE,
            )
        self._check_window(order)

    def _check_exchangeable(self, order: Row[Any]) -> None:
        if order.status == OrderStatus.DELIVERED:
            self._check_window(order)
        elif order.status not in _UNSHIPPED:
            raise CommerceError(
                f"Order {order.id} is {order.status}; items can be exchanged before shipping "
                "or after delivery.",
                Code.NOT_EXCHANGEABLE,
            )

    def _check_window(self, order: Row[Any]) -> None:
        delivered = utc(order.delivered_at).date() if order.delivered_at else self._clock().date()
        days = (self._clock().date() - delivered).days
        if days > RETURN_WINDOW_DAYS:
            raise CommerceError(
                f"Order {order.id} was delivered {days} days ago; items can be returned or "
                f"exchanged up to {RETURN_WINDOW_DAYS} days after delivery.",
                Code.RETURN_WINDOW_CLOSED,
            )

    @staticmethod
    def _check_swap(
        connection: Connection, variant_id: str, new_variant_id: str, lines: dict[str, Any]
    ) -> None:
        query = select(shop_variants.c.id, shop_variants.c.product_id).where(
            shop_variants.c.id.in_([variant_id, new_variant_id])
        )
        products = {row.id: row.product_id for row in connection.execute(query)}
        if new_variant_id not in products:
            raise CommerceError(f"There is no variant {new_variant_id!r}.", Code.NOT_FOUND)
        if new_variant_id in lines or products[new_variant_id] != products[variant_id]:
            raise CommerceError(
                f"{new_variant_id!r} is not another variant of the same product on this order.",
                Code.INVALID_ITEM,
            )

    def _take_back(self, connection: Connection, order_id: str, wanted: Counter[str]) -> int:
        """Mark the wanted items returned; the order is returned once nothing is left. Cents."""
        if not wanted:
            raise CommerceError("Name at least one item to return.", Code.INVALID_ITEM)
        lines = {line.variant_id: line for line in self._lines(connection, order_id)}
        amount = 0
        for variant_id, count in sorted(wanted.items()):
            line = lines.get(variant_id)
            if line is None or count > line.quantity - line.returned_quantity:
                raise CommerceError(
                    f"Order {order_id} has no {count} x {variant_id!r} left to return.",
                    Code.INVALID_ITEM,
                )
            connection.execute(
                update(shop_order_lines)
                .where(shop_order_lines.c.order_id == order_id)
                .where(shop_order_lines.c.line_no == line.line_no)
                .values(returned_quantity=line.returned_quantity + count)
            )
            amount += count * line.unit_price_cents
        if all(x.quantity == x.returned_quantity + wanted[v] for v, x in lines.items()):
            self._set_status(connection, order_id, OrderStatus.RETURNED)
        return amount

    @staticmethod
    def _lines(connection: Connection, order_id: str) -> list[Row[Any]]:
        query = (
            select(shop_order_lines)
            .where(shop_order_lines.c.order_id == order_id)
            .order_by(shop_order_lines.c.line_no)
        )
        return list(connection.execute(query).all())

    @staticmethod
    def _move_stock(connection: Connection, variant_id: str, change: int) -> bool:
        """Add ``change`` to a variant's stock (negative takes); False if there is too little."""
        stock = shop_variants.c.stock
        result = connection.execute(
            update(shop_variants)
            .where(shop_variants.c.id == variant_id, stock + change >= 0)
            .values(stock=stock + change)
        )
        return result.rowcount == 1

    @staticmethod
    def _set_status(connection: Connection, order_id: str, status: OrderStatus) -> None:
        connection.execute(
            update(shop_orders).where(shop_orders.c.id == order_id).values(status=status.value)
        )

    def _settle_payments(self, connection: Connection, order: Row[Any], reason: str) -> None:
        """Refund what was paid (to the method it was paid with); withdraw what was not."""
        query = select(shop_payments).where(
            shop_payments.c.order_id == order.id, shop_payments.c.status.in_(("paid", "pending"))
        )
        for payment in connection.execute(query).all():
            paid = payment.status == "paid"
            connection.execute(
                update(shop_payments)
                .where(shop_payments.c.id == payment.id)
                .values(status="refunded" if paid else "cancelled")
            )
            if paid:
                self._add_refund(
                    connection, order, payment.amount_cents, RefundStatus.ON_ITS_WAY, reason,
                    REFUND_BUSINESS_DAYS, payment.method,
                )

    def _add_refund(
        self, connection: Connection, order: Row[Any], amount_cents: int, status: RefundStatus,
        reason: str, business_days: int, method: str | None = None,
    ) -> Refund:
        count = connection.execute(
            select(func.count()).where(shop_refunds.c.order_id == order.id)
        ).scalar_one()
        now = self._clock()
        refund = Refund(
            id=f"RF-{order.id[3:]}-{count + 1}", amount=money(amount_cents),
            method=method or order.payment_method, status=status, created_at=now,
            expected_at=add_business_days(now.date(), business_days),
        )
        connection.execute(
            insert(shop_refunds).values(
                id=refund.id, order_id=order.id, amount_cents=amount_cents, method=refund.method,
                status=status.value, reason=reason.strip() or "No reason given", created_at=now,
                expected_at=refund.expected_at,
            )
        )
        return refund


def _key(order_id: str) -> str:
    """Order ids as customers type them: " td-1001 " is TD-1001."""
    return order_id.strip().upper()


def _payment_method(method: str, order: Row[Any]) -> str:
    wanted = method.strip().lower()
    if wanted not in PAYMENT_METHODS:
        raise CommerceError(
            f"{method!r} is not a payment method we accept ({', '.join(PAYMENT_METHODS)}).",
            Code.INVALID_PAYMENT_METHOD,
        )
    if wanted == "ideal" and order.currency != "EUR":
        raise CommerceError(
            "iDEAL is only available for orders in euros.", Code.INVALID_PAYMENT_METHOD
        )
    if wanted == order.payment_method:
        raise CommerceError(
            f"Order {order.id} is already paid by {wanted}.", Code.INVALID_PAYMENT_METHOD
        )
    return wanted
