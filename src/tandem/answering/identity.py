"""Who is the customer? An order number plus the postcode or email on it, before any data."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.commerce.model import CommerceBackend, Customer
from tandem.types import OrderId
from tandem.understanding.result import Slots


@dataclass(frozen=True, slots=True)
class Partial:
    """What the customer has told us so far towards proving who they are."""

    order_id: str | None = None
    proof: str | None = None  # a postcode or an email address

    def with_slots(self, slots: Slots) -> Partial:
        order_id = slots.order_ids[0] if slots.order_ids else self.order_id
        proofs = slots.postcodes + slots.emails
        return Partial(order_id, proofs[0] if proofs else self.proof)

    def as_data(self) -> dict[str, str]:
        return {k: v for k, v in (("order_id", self.order_id), ("proof", self.proof)) if v}


def _normal(value: str) -> str:
    return "".join(value.split()).lower()


def verify(shop: CommerceBackend, order_id: str, proof: str) -> Customer | None:
    """The order's customer when the proof matches their postcode or email, else None.

    The answer is the same for an unknown order and a wrong proof, so nothing leaks.
    """
    order = shop.order(OrderId(order_id))
    if order is None:
        return None
    customer = shop.customer(order.customer_id)
    if customer is None:
        return None
    known = {_normal(customer.email), _normal(order.shipping_address.postcode)}
    known.add(_normal(customer.address.postcode))
    return customer if _normal(proof) in known else None
