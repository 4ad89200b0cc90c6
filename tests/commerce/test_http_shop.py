import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.http import HttpShop
from tandem.commerce.model import Address, CommerceError, CommerceErrorCode, OrderStatus
from tandem.types import CustomerId, OrderId

from .shop_server import serving

Code = CommerceErrorCode
PERSONA_ORDERS = ["TD-1001", "TD-1002", "TD-1003", "TD-1004", "TD-2001", "TD-2002", "TD-2003"]


@pytest.fixture
def remote(shop: DemoShop) -> Iterator[HttpShop]:
    with serving(shop, "s3cret") as url, HttpShop(url, "s3cret", timeout=5) as remote:
        yield remote


def refused(code: CommerceErrorCode) -> pytest.RaisesExc[CommerceError]:
    return pytest.raises(CommerceError, check=lambda error: error.code is code)


@contextmanager
def answering(status: int, body: bytes) -> Iterator[str]:
    """A server that answers every request with the same status and body."""

    class Fixed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Fixed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_that_orders_and_customers_read_over_http_equal_the_shops_own(
    shop: DemoShop, remote: HttpShop
) -> None:
    for order_id in PERSONA_ORDERS:
        assert remote.order(OrderId(order_id)) == shop.order(OrderId(order_id))
    emma = shop.customer_by_email("emma@example.nl")
    assert emma is not None
    assert remote.customer_by_email("emma@example.nl") == emma
    assert remote.customer(emma.id) == emma
    assert remote.orders_of(emma.id) == shop.orders_of(emma.id)
    assert remote.variants_of("hoodie") == shop.variants_of("hoodie")


def test_that_unknown_orders_and_customers_are_none_over_http(remote: HttpShop) -> None:
    assert remote.order(OrderId("TD-9999")) is None
    assert remote.order(OrderId("TD/1001")) is None  # escaped, not a different route
    assert remote.customer(CustomerId("C-0")) is None
    assert remote.customer_by_email("nobody@example.nl") is None


def test_that_actions_work_over_http(remote: HttpShop) -> None:
    assert remote.cancel_order(OrderId("TD-1003")).status is OrderStatus.CANCELLED
    refund = remote.start_return(OrderId("TD-1002"), ["hoodie-m-grey"], "Too small")
    assert str(refund.amount) == "59.95"
    moved = remote.change_address(
        OrderId("TD-2002"), Address("1 Parliament Sq", "sw1a0aa", "London", "GB")
    )
    assert moved.shipping_address.postcode == "SW1A 0AA"
    assert remote.change_payment_method(OrderId("TD-2002"), "paypal").payment_method == "paypal"
    exchanged = remote.exchange_item(OrderId("TD-1002"), "socks-36-40-grey", "socks-41-46-grey")
    assert "socks-41-46-grey" in {line.variant_id for line in exchanged.lines}
    assert remote.verify(OrderId("TD-2001"), "SW1A 1AA") is not None


def test_that_the_shops_refusals_keep_their_code_over_http(remote: HttpShop) -> None:
    with refused(Code.RETURN_WINDOW_CLOSED):
        remote.start_return(OrderId("TD-2001"), ["boots-43-brown"], "Too late")
    with refused(Code.NOT_CANCELLABLE):
        remote.cancel_order(OrderId("TD-1001"))
    with refused(Code.INVALID_ADDRESS):
        remote.change_address(OrderId("TD-1003"), Address("Dam 1", "123", "Amsterdam", "NL"))
    with refused(Code.NOT_FOUND):
        remote.cancel_order(OrderId("TD-9999"))


def test_that_a_wrong_token_makes_the_shop_unavailable(shop: DemoShop) -> None:
    with serving(shop, "s3cret") as url, HttpShop(url, "wrong") as remote, refused(
        Code.UNAVAILABLE
    ):
        remote.order(OrderId("TD-1001"))


def test_that_a_shop_that_does_not_answer_in_time_is_unavailable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with HttpShop(url, "t", timeout=0.2) as remote, refused(Code.UNAVAILABLE):
            remote.order(OrderId("TD-1001"))


def test_that_an_unreachable_shop_is_unavailable() -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    with HttpShop(f"http://127.0.0.1:{port}", "t") as remote, refused(Code.UNAVAILABLE):
        remote.order(OrderId("TD-1001"))


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (200, b"<html>oops</html>", Code.INVALID_RESPONSE),
        (200, b'{"id": "TD-1001"}', Code.INVALID_RESPONSE),
        (502, b"Bad gateway", Code.UNAVAILABLE),
        (400, b"{}", Code.INVALID_RESPONSE),
    ],
)
def test_that_answers_we_cannot_read_are_clear_errors(
    status: int, body: bytes, code: CommerceErrorCode
) -> None:
    with answering(status, body) as url, HttpShop(url, "t") as remote, refused(code):
        remote.order(OrderId("TD-1001"))


def test_that_a_shop_url_without_a_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        HttpShop("shop.example.com", "t")


def test_that_an_action_asked_twice_with_one_idempotency_key_changes_the_shop_once(
    remote: HttpShop, shop: DemoShop
) -> None:
    order = OrderId("TD-1002")
    before = len(shop.order(order).refunds)  # type: ignore[union-attr]
    first = remote.start_return(order, ["hoodie-m-grey"], "Too small", idempotency_key="c1:4:r")
    again = remote.start_return(order, ["hoodie-m-grey"], "Too small", idempotency_key="c1:4:r")
    assert again == first
    assert len(shop.order(order).refunds) == before + 1  # type: ignore[union-attr]
    other = remote.start_return(order, ["socks-36-40-grey"], "Too big", idempotency_key="c1:6:r")
    assert other.id != first.id
