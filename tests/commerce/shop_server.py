"""A small, real HTTP server speaking the commerce contract, answering from any CommerceBackend.

It is the reference for docs/commerce-http-contract.md: routes, bodies, status codes, errors.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tandem.commerce import wire
from tandem.commerce.model import CommerceBackend, CommerceError, CommerceErrorCode
from tandem.types import CustomerId, Language, OrderId

Handler = Callable[[CommerceBackend, str, dict[str, Any], dict[str, list[str]]], Any]
Code = CommerceErrorCode
_STATUS = {Code.NOT_FOUND: 404, Code.INVALID_ADDRESS: 422, Code.INVALID_PAYMENT_METHOD: 422}


def _missing() -> CommerceError:
    return CommerceError("Not found.", Code.NOT_FOUND)


def _customer_by_email(shop: CommerceBackend, _: str, __: Any, query: dict[str, list[str]]) -> Any:
    customer = shop.customer_by_email(query.get("email", [""])[0])
    if customer is None:
        raise _missing()
    return wire.customer_json(customer)


def _customer(shop: CommerceBackend, key: str, _: Any, __: Any) -> Any:
    customer = shop.customer(CustomerId(key))
    if customer is None:
        raise _missing()
    return wire.customer_json(customer)


def _order(shop: CommerceBackend, key: str, _: Any, __: Any) -> Any:
    order = shop.order(OrderId(key))
    if order is None:
        raise _missing()
    return wire.order_json(order)


def _language(query: dict[str, list[str]]) -> Language | None:
    wanted = query.get("language", [None])[0]
    return "nl" if wanted == "nl" else "en" if wanted == "en" else None


def _once(query: dict[str, list[str]]) -> str | None:
    """The request's Idempotency-Key header (put with the query by the handler)."""
    return query.get(IDEMPOTENCY, [None])[0]  # type: ignore[list-item]


IDEMPOTENCY = "\0idempotency-key"  # never a real query parameter

ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("GET", re.compile(r"/customers"), _customer_by_email),
    ("GET", re.compile(r"/customers/([^/]+)"), _customer),
    ("GET", re.compile(r"/customers/([^/]+)/orders"), lambda shop, key, _, __: {
        "orders": [wire.order_json(o) for o in shop.orders_of(CustomerId(key))]}),
    ("GET", re.compile(r"/orders/([^/]+)"), _order),
    ("POST", re.compile(r"/orders/([^/]+)/cancel"), lambda shop, key, _, q: wire.order_json(
        shop.cancel_order(OrderId(key), idempotency_key=_once(q)))),
    ("POST", re.compile(r"/orders/([^/]+)/returns"), lambda shop, key, body, q: wire.refund_json(
        shop.start_return(OrderId(key), body["variant_ids"], body["reason"],
                          idempotency_key=_once(q)))),
    ("PATCH", re.compile(r"/orders/([^/]+)/address"), lambda shop, key, body, q: wire.order_json(
        shop.change_address(OrderId(key), wire.to_address(body), idempotency_key=_once(q)))),
    ("PATCH", re.compile(r"/orders/([^/]+)/payment-method"), lambda shop, key, body, q: (
        wire.order_json(shop.change_payment_method(
            OrderId(key), body["method"], idempotency_key=_once(q))))),
    ("POST", re.compile(r"/orders/([^/]+)/exchange"), lambda shop, key, body, q: wire.order_json(
        shop.exchange_item(OrderId(key), body["variant_id"], body["new_variant_id"],
                           idempotency_key=_once(q)))),
    ("GET", re.compile(r"/products/([^/]+)/variants"), lambda shop, key, _, q: {"variants": [
        {"id": i, "name": n, "in_stock": s}
        for i, n, s in shop.variants_of(key, _language(q))]}),
]


def make_handler(
    shop: CommerceBackend, token: str, hold: Callable[[str], None] | None = None
) -> type[BaseHTTPRequestHandler]:
    class ShopHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def log_message(self, *_: Any) -> None:
            pass  # keep test output clean

        def _serve(self, method: str) -> None:
            if hold is not None:
                hold(self.path)  # a slow shop: the test decides how long this request takes
            if self.headers.get("Authorization") != f"Bearer {token}":
                self._send(401, {"error": {"code": "unavailable", "message": "Bad token."}})
                return
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            for verb, pattern, handler in ROUTES:
                match = pattern.fullmatch(url.path)
                if verb == method and match:
                    key = unquote(match.group(1)) if pattern.groups else ""
                    query = parse_qs(url.query)
                    if self.headers.get("Idempotency-Key"):
                        query[IDEMPOTENCY] = [self.headers["Idempotency-Key"]]
                    self._answer(handler, key, body, query)
                    return
            self._send(404, {"error": {"code": "not_found", "message": "No such route."}})

        def _answer(self, handler: Handler, key: str, body: Any, query: Any) -> None:
            try:
                result = handler(shop, key, body, query)
            except CommerceError as error:
                status = _STATUS.get(error.code, 409)
                self._send(status, {"error": {"code": error.code.value, "message": str(error)}})
                return
            self._send(201 if self.command == "POST" and "returns" in self.path else 200, result)

        def _send(self, status: int, data: Any) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return ShopHandler


@contextmanager
def serving(
    shop: CommerceBackend, token: str, hold: Callable[[str], None] | None = None
) -> Iterator[str]:
    """Serve ``shop`` on a free local port for the duration; yields the base URL. ``hold`` is
    called with each request's path before it is answered (to make the shop slow)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(shop, token, hold))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
