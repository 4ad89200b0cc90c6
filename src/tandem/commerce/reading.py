"""A turn's view of the shop: each customer and order is read once per turn, never changed.

The think phase reads through this (outside the conversation's lock); the order in question,
the customer and the orders on the handoff card all come from the same reads.
"""

from __future__ import annotations

from tandem.commerce.model import Customer, Order, ShopReader
from tandem.types import CustomerId, Language, OrderId


class TurnShop:
    """A read-only, remembering wrapper around a shop, for one turn."""

    def __init__(self, shop: ShopReader) -> None:
        self._shop = shop
        self._customers: dict[str, Customer | None] = {}
        self._orders: dict[str, Order | None] = {}
        self._orders_of: dict[str, list[Order]] = {}
        self._variants: dict[tuple[str, Language | None], list[tuple[str, str, bool]]] = {}

    def customer_by_email(self, email: str) -> Customer | None:
        return self._shop.customer_by_email(email)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        if customer_id not in self._customers:
            self._customers[customer_id] = self._shop.customer(customer_id)
        return self._customers[customer_id]

    def order(self, order_id: OrderId) -> Order | None:
        if order_id not in self._orders:
            self._orders[order_id] = self._shop.order(order_id)
        return self._orders[order_id]

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        if customer_id not in self._orders_of:
            found = self._shop.orders_of(customer_id)
            self._orders_of[customer_id] = found
            self._orders.update({order.id: order for order in found})
        return list(self._orders_of[customer_id])

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        key = (product_id, language)
        if key not in self._variants:
            self._variants[key] = self._shop.variants_of(product_id, language)
        return list(self._variants[key])

    def loaded(self) -> dict[str, Order]:
        """The orders this turn has read (no shop call)."""
        return {key: order for key, order in self._orders.items() if order is not None}


class LocalizedShop:
    """A reader that names every order line and variant in one language: what a flow reads
    is in the conversation's language, whatever the customer's own language is."""

    def __init__(self, shop: ShopReader, language: Language) -> None:
        self._shop = shop
        self.language = language

    def customer_by_email(self, email: str) -> Customer | None:
        return self._shop.customer_by_email(email)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        return self._shop.customer(customer_id)

    def order(self, order_id: OrderId) -> Order | None:
        order = self._shop.order(order_id)
        return None if order is None else order.in_language(self.language)

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        return [order.in_language(self.language) for order in self._shop.orders_of(customer_id)]

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        return self._shop.variants_of(product_id, language or self.language)
