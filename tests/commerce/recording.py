"""A commerce backend that records every call before passing it on to a real one."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.commerce.model import Address, CommerceBackend, Customer, Order, Refund
from tandem.types import CustomerId, Language, OrderId

#: The methods that change a shop.
CHANGING = frozenset(
    {"cancel_order", "start_return", "change_address", "change_payment_method", "exchange_item"}
)


@dataclass
class RecordingShop:
    shop: CommerceBackend
    calls: list[tuple[str, tuple[object, ...], str | None]] = field(default_factory=list)

    def changes(self) -> list[tuple[str, tuple[object, ...], str | None]]:
        return [call for call in self.calls if call[0] in CHANGING]

    def _note(self, name: str, *args: object, key: str | None = None) -> None:
        self.calls.append((name, args, key))

    def customer_by_email(self, email: str) -> Customer | None:
        self._note("customer_by_email", email)
        return self.shop.customer_by_email(email)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        self._note("customer", customer_id)
        return self.shop.customer(customer_id)

    def order(self, order_id: OrderId) -> Order | None:
        self._note("order", order_id)
        return self.shop.order(order_id)

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        self._note("orders_of", customer_id)
        return self.shop.orders_of(customer_id)

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        self._note("variants_of", product_id)
        return self.shop.variants_of(product_id, language)

    def cancel_order(self, order_id: OrderId, *, idempotency_key: str | None = None) -> Order:
        self._note("cancel_order", order_id, key=idempotency_key)
        return self.shop.cancel_order(order_id, idempotency_key=idempotency_key)

    def start_return(
        self,
        order_id: OrderId,
        variant_ids: list[str],
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Refund:
        self._note("start_return", order_id, tuple(variant_ids), key=idempotency_key)
        return self.shop.start_return(
            order_id, variant_ids, reason, idempotency_key=idempotency_key
        )

    def change_address(
        self, order_id: OrderId, address: Address, *, idempotency_key: str | None = None
    ) -> Order:
        self._note("change_address", order_id, address, key=idempotency_key)
        return self.shop.change_address(order_id, address, idempotency_key=idempotency_key)

    def change_payment_method(
        self, order_id: OrderId, method: str, *, idempotency_key: str | None = None
    ) -> Order:
        self._note("change_payment_method", order_id, method, key=idempotency_key)
        return self.shop.change_payment_method(order_id, method, idempotency_key=idempotency_key)

    def exchange_item(
        self,
        order_id: OrderId,
        variant_id: str,
        new_variant_id: str,
        *,
        idempotency_key: str | None = None,
    ) -> Order:
        self._note("exchange_item", order_id, variant_id, new_variant_id, key=idempotency_key)
        return self.shop.exchange_item(
            order_id, variant_id, new_variant_id, idempotency_key=idempotency_key
        )
