"""HttpShop: the CommerceBackend for a shop's own REST API (docs/commerce-http-contract.md).

Every failure comes back as CommerceError: the shop's own refusals keep their code, timeouts
and unreachable shops are UNAVAILABLE, answers we cannot read are INVALID_RESPONSE.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from tandem.commerce import identity, wire
from tandem.commerce.model import (
    Address,
    CommerceError,
    CommerceErrorCode,
    Customer,
    Order,
    Refund,
)
from tandem.types import CustomerId, OrderId

Code = CommerceErrorCode


class HttpShop:
    """A shop reached over HTTP with a bearer token. ``close()`` when done (or use ``with``)."""

    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"The shop URL must start with http:// or https://, not {base_url!r}")
        self._timeout = timeout
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def __enter__(self) -> HttpShop:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # Reading

    def customer_by_email(self, email: str) -> Customer | None:
        data = self._call("GET", "/customers", params={"email": email.strip()}, missing_ok=True)
        return None if data is None else wire.to_customer(data)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        data = self._call("GET", f"/customers/{_segment(customer_id)}", missing_ok=True)
        return None if data is None else wire.to_customer(data)

    def order(self, order_id: OrderId) -> Order | None:
        data = self._call("GET", f"/orders/{_segment(order_id)}", missing_ok=True)
        return None if data is None else wire.to_order(data)

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        data = self._call("GET", f"/customers/{_segment(customer_id)}/orders")
        with wire.reading("order list"):
            return [wire.to_order(order) for order in data["orders"]]

    def variants_of(self, product_id: str) -> list[tuple[str, str, bool]]:
        data = self._call("GET", f"/products/{_segment(product_id)}/variants")
        with wire.reading("variant list"):
            return [(str(v["id"]), str(v["name"]), bool(v["in_stock"])) for v in data["variants"]]

    def verify(self, order_id: OrderId, postcode_or_email: str) -> Customer | None:
        """The order's customer if the postcode or e-mail address matches (else None)."""
        return identity.verify(self, order_id, postcode_or_email)

    # Actions

    def cancel_order(self, order_id: OrderId) -> Order:
        return wire.to_order(self._call("POST", f"/orders/{_segment(order_id)}/cancel"))

    def start_return(self, order_id: OrderId, variant_ids: list[str], reason: str) -> Refund:
        body = {"variant_ids": variant_ids, "reason": reason}
        return wire.to_refund(self._call("POST", f"/orders/{_segment(order_id)}/returns", body))

    def change_address(self, order_id: OrderId, address: Address) -> Order:
        path = f"/orders/{_segment(order_id)}/address"
        return wire.to_order(self._call("PATCH", path, wire.address_json(address)))

    def change_payment_method(self, order_id: OrderId, method: str) -> Order:
        path = f"/orders/{_segment(order_id)}/payment-method"
        return wire.to_order(self._call("PATCH", path, {"method": method}))

    def exchange_item(self, order_id: OrderId, variant_id: str, new_variant_id: str) -> Order:
        body = {"variant_id": variant_id, "new_variant_id": new_variant_id}
        return wire.to_order(self._call("POST", f"/orders/{_segment(order_id)}/exchange", body))

    def _call(
        self, method: str, path: str, body: wire.Json | None = None, *,
        params: dict[str, str] | None = None, missing_ok: bool = False,
    ) -> Any:
        """The decoded JSON answer; None for a 404 when ``missing_ok``."""
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx.TimeoutException as error:
            raise CommerceError(
                f"The shop did not answer {method} {path} within {self._timeout} s.",
                Code.UNAVAILABLE,
            ) from error
        except httpx.HTTPError as error:
            message = f"The shop could not be reached: {error}"
            raise CommerceError(message, Code.UNAVAILABLE) from error
        if response.status_code == 404 and missing_ok:
            return None
        if response.is_error:
            raise _refusal(response)
        with wire.reading(f"answer to {method} {path}"):
            return response.json()


def _segment(value: str) -> str:
    """One path segment, with slashes and the like escaped."""
    return quote(value.strip(), safe="")


def _refusal(response: httpx.Response) -> CommerceError:
    """The shop's error body ``{"error": {"code", "message"}}`` as a CommerceError."""
    try:
        error = response.json()["error"]
        code, message = Code(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        status = response.status_code
        fallback = Code.UNAVAILABLE if status >= 500 else Code.INVALID_RESPONSE
        code, message = _BY_STATUS.get(status, fallback), f"The shop answered HTTP {status}."
    return CommerceError(message, code)


#: Codes for error answers without our error body (a proxy's 502, a rejected token...).
_BY_STATUS = {401: Code.UNAVAILABLE, 403: Code.UNAVAILABLE, 404: Code.NOT_FOUND}
