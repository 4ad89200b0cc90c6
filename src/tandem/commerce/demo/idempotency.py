"""The demo shop's memory of idempotency keys: a change asked again with its key changes nothing.

Called inside an action's transaction, after the order row is locked, so two calls with one key
run one after the other and the second finds what the first produced.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from tandem.commerce.demo.tables import shop_idempotency


def done_before(connection: Connection, key: str | None, order_id: str) -> str | None:
    """What an earlier call with this key produced (an order or refund id); else None, and this
    call claims the key for `order_id`."""
    if key is None:
        return None
    found: str | None = connection.execute(
        select(shop_idempotency.c.result_id).where(shop_idempotency.c.key == key)
    ).scalar()
    if found is None:
        moment = dt.datetime.now(dt.UTC)
        connection.execute(
            insert(shop_idempotency).values(key=key, result_id=order_id, created_at=moment)
        )
    return found


def remember(connection: Connection, key: str | None, result_id: str) -> None:
    """Record what the call with this key produced, when it is not the order itself."""
    if key is not None:
        connection.execute(
            update(shop_idempotency)
            .where(shop_idempotency.c.key == key)
            .values(result_id=result_id)
        )
