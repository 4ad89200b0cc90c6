"""Who is the customer? An order number plus the postcode or email on it, before any data.

The check itself is tandem.commerce.identity.verify; what has been collected towards it over
turns is :class:`tandem.domain.flow_records.Partial`, kept in the conversation memory.
"""

from __future__ import annotations

from tandem.domain.flow_records import Partial

__all__ = ["Partial"]
