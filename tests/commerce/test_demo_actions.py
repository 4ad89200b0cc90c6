from decimal import Decimal

import pytest

from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.model import (
    Address,
    CommerceBackend,
    CommerceError,
    CommerceErrorCode,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
)
from tandem.types import OrderId

Code = CommerceErrorCode


def refused(code: CommerceErrorCode) -> pytest.RaisesExc[CommerceError]:
    return pytest.raises(CommerceError, check=lambda error: error.code is code)


def in_stock(shop: DemoShop, product_id: str, variant_id: str) -> bool:
    return dict((v, s) for v, _, s in shop.variants_of(product_id))[variant_id]


def test_that_the_demo_shop_is_a_commerce_backend(shop: DemoShop) -> None:
    backend: CommerceBackend = shop
    assert backend.order(OrderId(" td-1001 ")) is not None
    assert backend.order(OrderId("TD-9999")) is None


def test_that_a_pending_order_is_cancelled_and_its_payment_withdrawn(shop: DemoShop) -> None:
    order = shop.cancel_order(OrderId("TD-1003"))
    assert order.status is OrderStatus.CANCELLED
    assert [p.status for p in order.payments] == [PaymentStatus.CANCELLED]
    assert order.refunds == ()


def test_that_cancelling_a_double_charged_order_refunds_both_payments(shop: DemoShop) -> None:
    order = shop.cancel_order(OrderId("TD-1004"))
    assert {p.status for p in order.payments} == {PaymentStatus.REFUNDED}
    assert [r.amount for r in order.refunds] == [order.total, order.total]
    assert all(r.status is RefundStatus.ON_ITS_WAY for r in order.refunds)


def test_that_shipped_and_cancelled_orders_cannot_be_cancelled(shop: DemoShop) -> None:
    with refused(Code.NOT_CANCELLABLE):
        shop.cancel_order(OrderId("TD-1001"))
    shop.cancel_order(OrderId("TD-2002"))
    with refused(Code.NOT_CANCELLABLE):
        shop.cancel_order(OrderId("TD-2002"))
    with refused(Code.NOT_FOUND):
        shop.cancel_order(OrderId("TD-9999"))


def test_that_a_recent_delivery_can_be_returned_item_by_item(shop: DemoShop) -> None:
    refund = shop.start_return(OrderId("TD-1002"), ["hoodie-m-grey"], "Too small")
    assert (refund.amount, refund.method, refund.status) == (
        Decimal("59.95"), "paypal", RefundStatus.REQUESTED
    )
    partly = shop.order(OrderId("TD-1002"))
    assert partly is not None and partly.status is OrderStatus.DELIVERED
    shop.start_return(OrderId("TD-1002"), ["socks-36-40-grey", "socks-36-40-grey"], "")
    order = shop.order(OrderId("TD-1002"))
    assert order is not None
    assert order.status is OrderStatus.RETURNED
    assert all(line.returned_quantity == line.quantity for line in order.lines)


def test_that_returns_are_refused_for_more_than_ordered_or_unknown_items(shop: DemoShop) -> None:
    with refused(Code.INVALID_ITEM):
        shop.start_return(OrderId("TD-1002"), ["socks-36-40-grey"] * 3, "Too many")
    with refused(Code.INVALID_ITEM):
        shop.start_return(OrderId("TD-1002"), ["mug-white"], "Not on the order")
    with refused(Code.INVALID_ITEM):
        shop.start_return(OrderId("TD-1002"), [], "Nothing")


def test_that_returns_are_refused_after_30_days_or_before_delivery(shop: DemoShop) -> None:
    with refused(Code.RETURN_WINDOW_CLOSED):
        shop.start_return(OrderId("TD-2001"), ["boots-43-brown"], "Changed my mind")
    with refused(Code.NOT_RETURNABLE):
        shop.start_return(OrderId("TD-1001"), ["raincoat-m-ochre"], "Not yet arrived")


def test_that_the_address_changes_before_shipping_with_a_normalised_postcode(
    shop: DemoShop,
) -> None:
    new = Address("Keizersgracht 300", "1016ev", "Amsterdam", "nl")
    order = shop.change_address(OrderId("TD-1003"), new)
    assert order.shipping_address == Address("Keizersgracht 300", "1016 EV", "Amsterdam", "NL")


@pytest.mark.parametrize(
    ("order_id", "address", "code"),
    [
        ("TD-1001", Address("Keizersgracht 1", "1015 CJ", "Amsterdam", "NL"), Code.ALREADY_SHIPPED),
        ("TD-1003", Address("Keizersgracht 1", "10150", "Amsterdam", "NL"), Code.INVALID_ADDRESS),
        ("TD-1003", Address("Meir 1", "2000", "Antwerpen", "BE"), Code.INVALID_ADDRESS),
        ("TD-2002", Address("1 Rue de Rivoli", "75001", "Paris", "FR"), Code.INVALID_ADDRESS),
    ],
)
def test_that_address_changes_are_refused_after_shipping_or_when_invalid(
    shop: DemoShop, order_id: str, address: Address, code: CommerceErrorCode
) -> None:
    with refused(code):
        shop.change_address(OrderId(order_id), address)


def test_that_changing_the_payment_method_refunds_what_was_paid(shop: DemoShop) -> None:
    order = shop.change_payment_method(OrderId("TD-2002"), "PayPal")
    assert order.payment_method == "paypal"
    assert [(p.method, p.status) for p in order.payments] == [
        ("card", PaymentStatus.REFUNDED), ("paypal", PaymentStatus.PENDING)
    ]
    assert [(r.method, r.amount) for r in order.refunds] == [("card", order.total)]


@pytest.mark.parametrize(
    ("order_id", "method", "code"),
    [
        ("TD-1001", "card", Code.ALREADY_SHIPPED),
        ("TD-2002", "ideal", Code.INVALID_PAYMENT_METHOD),  # iDEAL is for euros
        ("TD-2002", "card", Code.INVALID_PAYMENT_METHOD),  # already paid by card
        ("TD-1003", "bitcoin", Code.INVALID_PAYMENT_METHOD),
    ],
)
def test_that_payment_method_changes_are_refused_when_not_allowed(
    shop: DemoShop, order_id: str, method: str, code: CommerceErrorCode
) -> None:
    with refused(code):
        shop.change_payment_method(OrderId(order_id), method)


def test_that_an_item_is_exchanged_for_an_in_stock_variant_of_the_same_product(
    shop: DemoShop,
) -> None:
    before = dict((v, s) for v, _, s in shop.variants_of("sneakers"))
    order = shop.exchange_item(OrderId("TD-1003"), "sneakers-39-white", "sneakers-40-white")
    assert [line.variant_id for line in order.lines] == ["sneakers-40-white"]
    assert before["sneakers-40-white"] and in_stock(shop, "sneakers", "sneakers-39-white")
    delivered = shop.exchange_item(OrderId("TD-1002"), "hoodie-m-grey", "hoodie-l-grey")
    assert delivered.lines[0].variant_name == "L / grijs"


@pytest.mark.parametrize(
    ("order_id", "old", "new", "code"),
    [
        ("TD-1002", "hoodie-m-grey", "hoodie-xl-green", Code.OUT_OF_STOCK),
        ("TD-1002", "hoodie-m-grey", "tshirt-m-black", Code.INVALID_ITEM),
        ("TD-1002", "hoodie-m-grey", "hoodie-m-grey", Code.INVALID_ITEM),
        ("TD-1002", "mug-white", "mug-blue", Code.INVALID_ITEM),
        ("TD-1002", "hoodie-m-grey", "hoodie-xxl-pink", Code.NOT_FOUND),
        ("TD-1001", "raincoat-m-ochre", "raincoat-l-ochre", Code.NOT_EXCHANGEABLE),
        ("TD-2001", "boots-43-brown", "boots-44-brown", Code.RETURN_WINDOW_CLOSED),
    ],
)
def test_that_exchanges_are_refused_when_the_rules_say_no(
    shop: DemoShop, order_id: str, old: str, new: str, code: CommerceErrorCode
) -> None:
    with refused(code):
        shop.exchange_item(OrderId(order_id), old, new)


def test_that_identity_is_verified_by_email_or_postcode_of_the_order(shop: DemoShop) -> None:
    emma = shop.customer_by_email("emma@example.nl")
    assert shop.verify(OrderId("TD-1001"), " EMMA@example.NL ") == emma
    assert shop.verify(OrderId("TD-1001"), "1012ab") == emma
    assert shop.verify(OrderId("TD-1001"), "james@example.com") is None
    assert shop.verify(OrderId("TD-1001"), "SW1A 1AA") is None
    assert shop.verify(OrderId("TD-1001"), "") is None
    assert shop.verify(OrderId("TD-9999"), "1012 AB") is None


def test_that_variants_list_stock_and_unknown_products_are_refused(shop: DemoShop) -> None:
    variants = shop.variants_of("hoodie")
    assert len(variants) == 12
    assert ("hoodie-xl-green", "XL / green", False) in variants
    with refused(Code.NOT_FOUND):
        shop.variants_of("spaceship")


def test_that_a_cancellation_asked_again_with_its_key_changes_nothing_more(shop: DemoShop) -> None:
    order_id = OrderId("TD-1003")
    first = shop.cancel_order(order_id, idempotency_key="conversation:2:cancel_order")
    again = shop.cancel_order(order_id, idempotency_key="conversation:2:cancel_order")
    assert again == first and first.status is OrderStatus.CANCELLED
    with pytest.raises(CommerceError):  # without the key it is a second, refused cancellation
        shop.cancel_order(order_id)
