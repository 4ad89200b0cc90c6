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
from tandem.types import CustomerId, Language, OrderId

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

    def variants_of(
        self, product_id: str, language: Language | None = None
    ) -> list[tuple[str, str, bool]]:
        params: dict[str, str] | None = {"language": language} if language else None
        data = self._call("GET", f"/products/{_segment(product_id)}/variants", params=params)
        with wire.reading("variant list"):
            return [(str(v["id"]), str(v["name"]), bool(v["in_stock"])) for v in data["variants"]]

    def verify(self, order_id: OrderId, postcode_or_email: str) -> Customer | None:
        """The order's customer if the postcode or e-mail address matches (else None)."""
        return identity.verify(self, order_id, postcode_or_email)

    # Actions: each sends its idempotency key as the Idempotency-Key header.

    def cancel_order(self, order_id: OrderId, *, idempotency_key: str | None = None) -> Order:
        path = f"/orders/{_segment(order_id)}/cancel"
        return wire.to_order(self._call("POST", path, key=idempotency_key))

    def start_return(
        self, order_id: OrderId, variant_ids: list[str], reason: str, *,
        idempotency_key: str | None = None,
    ) -> Refund:
        body = {"variant_ids": variant_ids, "reason": reason}
        path = f"/orders/{_segment(order_id)}/returns"
        return wire.to_refund(self._call("POST", path, body, key=idempotency_key))

    def change_address(
        self, order_id: OrderId, address: Address, *, idempotency_key: str | None = None
    ) -> Order:
        path = f"/orders/{_segment(order_id)}/address"
        body = wire.address_json(address)
        return wire.to_order(self._call("PATCH", path, body, key=idempotency_key))

    def change_payment_method(
        self, order_id: OrderId, method: str, *, idempotency_key: str | None = None
    ) -> Order:
        path = f"/orders/{_segment(order_id)}/payment-method"
        return wire.to_order(self._call("PATCH", path, {"method": method}, key=idempotency_key))

    def exchange_item(
        self, order_id: OrderId, variant_id: str, new_variant_id: str, *,
        idempotency_key: str | None = None,
    ) -> Order:
        body = {"variant_id": variant_id, "new_variant_id": new_variant_id}
        path = f"/orders/{_segment(order_id)}/exchange"
        return wire.to_order(self._call("POST", path, body, key=idempotency_key))

    def _call(
        self, method: str, path: str, body: wire.Json | None = None, *,
        params: dict[str, str] | None = None, missing_ok: bool = False, key: str | None = None,
    ) -> Any:
        """The decoded JSON answer; None for a 404 when ``missing_ok``."""
        headers = {"Idempotency-Key": key} if key else None
        try:
            response = self._client.request(
                method, path, json=body, params=params, headers=headers
            )
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
