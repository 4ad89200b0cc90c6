"""Who is asked the NPS question: a share of customers, the same ones every time."""

from __future__ import annotations

import hashlib


def asks_nps(who: str, share: float) -> bool:
    """Whether the customer ``who`` (customer id, else email, else the conversation id) gets
    the question: a hash places each customer at one point in [0, 1), asked when below share."""
    digest = hashlib.sha256(f"tandem-nps:{who.lower()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share
