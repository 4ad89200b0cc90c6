"""The commerce backend interface: customers, orders, payments and returns.

The built-in demo shop implements it, and so does the HTTP adapter that talks to a shop's own
REST endpoints. Flows only ever talk to a shop through this interface.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from tandem.types import DEFAULT_LANGUAGE, CustomerId, Language, OrderId

#: Payment methods the shops know: iDEAL, card, PayPal and Klarna (pay after delivery).
PAYMENT_METHODS: tuple[str, ...] = ("ideal", "card", "paypal", "klarna")

#: Days after delivery in which items may be returned or exchanged.
RETURN_WINDOW_DAYS = 30


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"  # items came back; a refund follows or was paid


class PaymentStatus(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    PENDING = "pending"
    CANCELLED = "cancelled"  # never completed; withdrawn with its order or payment method


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    ON_ITS_WAY = "on_its_way"
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postcode: str
    city: str
    country: str  # ISO 3166 alpha-2


@dataclass(frozen=True, slots=True)
class Customer:
    id: CustomerId
    name: str
    email: str
    language: Language
    address: Address
    tier: str  # "standard" | "gold" ...


@dataclass(frozen=True, slots=True)
class LineName:
    """A line's product and variant name in one language ("Rain jacket", "M / ochre")."""

    language: Language
    product: str
    variant: str


@dataclass(frozen=True, slots=True)
class OrderLine:
    product_id: str
    variant_id: str
    product_name: str  # in the customer's language (or the shop's only one)
    variant_name: str
    quantity: int
    unit_price: Decimal
    returned_quantity: int = 0  # of ``quantity``, how many are being or were returned
    names: tuple[LineName, ...] = ()  # the names per language, when the shop has them

    def in_language(self, language: Language) -> OrderLine:
        """The line named in `language`; in the default language when the shop has no names in
        it (a German conversation reads English names, not Dutch ones); as it is without
        either."""
        name = next((n for n in self.names if n.language == language), None)
        name = name or next((n for n in self.names if n.language == DEFAULT_LANGUAGE), None)
        if name is None:
            return self
        return dataclasses.replace(self, product_name=name.product, variant_name=name.variant)


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    amount: Decimal
    method: str  # one of PAYMENT_METHODS
    status: PaymentStatus
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: Decimal
    method: str
    status: RefundStatus
    created_at: dt.datetime
    expected_at: dt.date


@dataclass(frozen=True, slots=True)
class Order:
    id: OrderId
    customer_id: CustomerId
    status: OrderStatus
    created_at: dt.datetime
    total: Decimal
    currency: str
    lines: tuple[OrderLine, ...]
    shipping_address: Address
    payment_method: str
    payments: tuple[Payment, ...]
    refunds: tuple[Refund, ...]
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: dt.datetime | None = None
    expected_delivery: dt.date | None = None
    delivered_at: dt.datetime | None = None

    def in_language(self, language: Language) -> Order:
        """The order with its lines named in `language` (see :meth:`OrderLine.in_language`)."""
        lines = tuple(line.in_language(language) for line in self.lines)
        return dataclasses.replace(self, lines=lines)

    @property
    def double_charged(self) -> bool:
        return sum(1 for p in self.payments if p.status is PaymentStatus.PAID) > 1


class CommerceErrorCode(StrEnum):
    """Why a shop refused or failed; flows choose their reply (or a handoff) from this."""

    NOT_FOUND = "not_found"  # no such order, customer, product or variant
    NOT_CANCELLABLE = "not_cancellable"  # already shipped, delivered, cancelled or returned
    ALREADY_SHIPPED = "already_shipped"  # address or payment change after shipping
    ORDER_CLOSED = "order_closed"  # the order was cancelled or returned; nothing can change
    NOT_RETURNABLE = "not_returnable"  # the order was never delivered (or is cancelled)
    RETURN_WINDOW_CLOSED = "return_window_closed"  # delivered more than 30 days ago
    NOT_EXCHANGEABLE = "not_exchangeable"  # in transit, cancelled or returned
    OUT_OF_STOCK = "out_of_stock"
    INVALID_ITEM = "invalid_item"  # not on the order, other product, or more than ordered
    INVALID_ADDRESS = "invalid_address"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"
    UNAVAILABLE = "unavailable"  # the shop could not be reached or timed out
    INVALID_RESPONSE = "invalid_response"  # the shop answered something we cannot read


class CommerceError(Exception):
    """A shop action failed (the shop refused, or could not be reached)."""

    def __init__(self, message: str, code: CommerceErrorCode = CommerceErrorCode.UNAVAILABLE):
        super().__init__(message)
        self.code = code


class ShopReader(Protocol):
    """The reading half of a shop: all a flow may use while it thinks."""

    def customer_by_email(self, email: str) -> Customer | None: ...

    def customer(self, customer_id: CustomerId) -> Customer | None: ...

    def order(self, order_id: OrderId) -> Order | None: ...

    def orders_of(self, customer_id: CustomerId) -> list[Order]: ...

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        """(variant id, variant name, in stock) for a product; the names in `language` when
        the shop has them."""
        ...


class CommerceBackend(ShopReader, Protocol):
    """What Tandem needs from a shop. Every method is synchronous and may raise CommerceError.

    A changing method called twice with the same ``idempotency_key`` changes the shop once and
    answers the second call as the first.
    """

    def cancel_order(self, order_id: OrderId, *, idempotency_key: str | None = None) -> Order: ...

    def start_return(
        self,
        order_id: OrderId,
        variant_ids: list[str],
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Refund:
        """Return items of a delivered order; a variant id given twice returns two of it."""
        ...

    def change_address(
        self, order_id: OrderId, address: Address, *, idempotency_key: str | None = None
    ) -> Order: ...

    def change_payment_method(
        self, order_id: OrderId, method: str, *, idempotency_key: str | None = None
    ) -> Order: ...

    def exchange_item(
        self,
        order_id: OrderId,
        variant_id: str,
        new_variant_id: str,
        *,
        idempotency_key: str | None = None,
    ) -> Order:
        """Swap an order line to another variant of the same product (before shipping, or
        after delivery within the return window)."""
        ...
