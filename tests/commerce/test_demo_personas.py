import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, delete, select

from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.tables import shop_product_names, shop_variant_names
from tandem.commerce.model import OrderStatus, PaymentStatus, RefundStatus
from tandem.storage.db import reading, transaction
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, CustomerId, OrderId

from .conftest import TODAY


def days_ago(moment: dt.datetime | None) -> int:
    assert moment is not None
    return (TODAY - moment.date()).days


def test_that_emma_is_a_dutch_customer_in_1012_ab(shop: DemoShop) -> None:
    emma = shop.customer_by_email("Emma@Example.nl")
    assert emma is not None
    assert (emma.name, emma.email, emma.language) == ("Emma de Vries", "emma@example.nl", "nl")
    assert (emma.address.postcode, emma.address.country) == ("1012 AB", "NL")
    ids = {order.id for order in shop.orders_of(emma.id)}
    assert ids == {"TD-1001", "TD-1002", "TD-1003", "TD-1004"}


def test_that_td_1001_is_shipped_with_carrier_tracking_and_expected_delivery(
    shop: DemoShop,
) -> None:
    order = shop.order(OrderId("TD-1001"))
    assert order is not None
    assert order.status is OrderStatus.SHIPPED
    assert (order.carrier, order.tracking_number) == ("PostNL", "3SDEMO1001001")
    assert order.expected_delivery == TODAY + dt.timedelta(days=1)
    assert order.lines[0].product_name == "Regenjas"  # named in Emma's language


def test_that_td_1002_was_delivered_five_days_ago(shop: DemoShop) -> None:
    order = shop.order(OrderId("TD-1002"))
    assert order is not None
    assert order.status is OrderStatus.DELIVERED
    assert days_ago(order.delivered_at) == 5
    assert order.total == Decimal("99.85")


def test_that_td_1003_is_pending_and_td_1004_was_charged_twice(shop: DemoShop) -> None:
    pending, charged = shop.order(OrderId("TD-1003")), shop.order(OrderId("TD-1004"))
    assert pending is not None and charged is not None
    assert pending.status is OrderStatus.PENDING
    assert not pending.double_charged
    assert charged.double_charged
    assert [p.status for p in charged.payments] == [PaymentStatus.PAID, PaymentStatus.PAID]
    assert all(p.amount == charged.total for p in charged.payments)


def test_that_james_is_an_english_customer_in_sw1a_1aa(shop: DemoShop) -> None:
    james = shop.customer(CustomerId("C-2001"))
    assert james is not None
    assert (james.name, james.email, james.language) == ("James Miller", "james@example.com", "en")
    assert (james.address.postcode, james.address.country) == ("SW1A 1AA", "GB")
    ids = {order.id for order in shop.orders_of(james.id)}
    assert ids == {"TD-2001", "TD-2002", "TD-2003"}


def test_that_td_2001_was_delivered_forty_days_ago_and_td_2002_is_processing(
    shop: DemoShop,
) -> None:
    old, processing = shop.order(OrderId("TD-2001")), shop.order(OrderId("TD-2002"))
    assert old is not None and processing is not None
    assert old.status is OrderStatus.DELIVERED
    assert days_ago(old.delivered_at) == 40
    assert old.currency == "GBP"
    assert processing.status is OrderStatus.PROCESSING


def test_that_td_2003_has_a_refund_on_its_way_since_three_days(shop: DemoShop) -> None:
    order = shop.order(OrderId("TD-2003"))
    assert order is not None
    assert order.status is OrderStatus.RETURNED
    (refund,) = order.refunds
    assert refund.status is RefundStatus.ON_ITS_WAY
    assert (refund.amount, refund.method) == (Decimal("84.95"), "paypal")
    assert days_ago(refund.created_at) == 3
    assert refund.expected_at == dt.date(2025, 3, 14)  # five business days after 7 March


def test_that_lukas_speaks_german_in_eupen_with_three_orders(shop: DemoShop) -> None:
    lukas = shop.customer_by_email("lukas@example.de")
    assert lukas is not None
    assert (lukas.name, lukas.language) == ("Lukas Schmitz", "de")
    assert (lukas.address.postcode, lukas.address.city, lukas.address.country) == (
        "4700", "Eupen", "BE"
    )
    orders = {order.id: order for order in shop.orders_of(lukas.id)}
    assert {i: o.status for i, o in orders.items()} == {
        "TD-3001": OrderStatus.SHIPPED, "TD-3002": OrderStatus.DELIVERED,
        "TD-3003": OrderStatus.PROCESSING,
    }
    assert days_ago(orders["TD-3002"].delivered_at) == 4  # returnable
    jacket, scarf = orders["TD-3002"].lines  # named in his language
    assert (jacket.product_name, jacket.variant_name) == ("Regenjacke", "L / marineblau")
    assert (scarf.product_name, scarf.variant_name) == ("Strickschal", "grau")


def test_that_claire_writes_french_from_liege_with_a_failed_payment_to_retry(
    shop: DemoShop,
) -> None:
    claire = shop.customer_by_email("claire@example.fr")
    assert claire is not None
    assert claire.name == "Claire Dubois"
    # French until Tandem speaks it (locales/fr.yaml): the shop's language meanwhile.
    assert claire.language == ("fr" if "fr" in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE)
    assert (claire.address.postcode, claire.address.city) == ("4000", "Liège")
    orders = {order.id: order for order in shop.orders_of(claire.id)}
    assert set(orders) == {"TD-4001", "TD-4002", "TD-4003"}
    (failed,) = orders["TD-4002"].payments
    assert (orders["TD-4002"].status, failed.status) == (OrderStatus.PENDING, PaymentStatus.FAILED)
    assert days_ago(orders["TD-4001"].delivered_at) == 10


def test_that_an_order_reads_in_german_and_a_missing_name_in_the_shops_language(
    shop: DemoShop, engine: Engine
) -> None:
    order = shop.order(OrderId("TD-1001"))  # Emma's raincoat, M / ochre
    assert order is not None
    line = order.in_language("de").lines[0]
    assert (line.product_name, line.variant_name) == ("Regenjacke", "M / ocker")
    with transaction(engine) as connection:
        connection.execute(
            delete(shop_variant_names).where(shop_variant_names.c.variant_id == "raincoat-m-ochre",
                                             shop_variant_names.c.language == "de")
        )
    again = shop.order(OrderId("TD-1001"))
    assert again is not None
    line = again.in_language("de").lines[0]
    assert (line.product_name, line.variant_name) == ("Regenjacke", "M / ochre")
    named = {variant_id: name for variant_id, name, _ in shop.variants_of("raincoat", "de")}
    assert (named["raincoat-m-ochre"], named["raincoat-m-navy"]) == ("M / ochre", "M / marineblau")


def test_that_every_product_has_a_french_name_in_the_shop_whatever_tandem_speaks(
    shop: DemoShop, engine: Engine
) -> None:
    with reading(engine) as connection:
        french = dict(
            connection.execute(
                select(shop_product_names.c.product_id, shop_product_names.c.name)
                .where(shop_product_names.c.language == "fr")
            ).all()
        )
    assert len(french) == 21
    assert french["candle"] == "Bougie parfumée"
