"""Who is the customer? An order number plus the postcode or email on it, before any data.

The check itself is tandem.commerce.identity.verify; this collects its inputs over turns.
"""

from __future__ import annotations

from dataclasses import dataclass

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
