"""Checking that the person in the chat is the customer of an order, on any CommerceBackend."""

from __future__ import annotations

from tandem.commerce.addresses import compact_postcode
from tandem.commerce.model import Customer, ShopReader
from tandem.types import OrderId


def verify(shop: ShopReader, order_id: OrderId, postcode_or_email: str) -> Customer | None:
    """The order's customer when the e-mail address or a postcode (billing or delivery) matches.

    E-mail addresses compare case-insensitively, postcodes without spaces ("1012ab" = "1012 AB").
    """
    given = postcode_or_email.strip()
    order = shop.order(order_id) if given else None
    customer = shop.customer(order.customer_id) if order else None
    if order is None or customer is None:
        return None
    if "@" in given:
        return customer if given.casefold() == customer.email.casefold() else None
    postcodes = {customer.address.postcode, order.shipping_address.postcode}
    matches = compact_postcode(given) in {compact_postcode(p) for p in postcodes}
    return customer if matches else None
