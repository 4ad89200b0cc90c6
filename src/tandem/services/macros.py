"""Macros that leads maintain (create, change, delete; the web layer lets only leads) and
agents use: listed per language and, for one conversation, filled in with its customer's name
and order (desk/macros.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from tandem.desk.macros import check_text, fill
from tandem.domain.errors import InvalidInput, NotFound
from tandem.services.agent_accounts import valid_languages
from tandem.services.agents import Agent
from tandem.services.runtime import Runtime
from tandem.services.validation import clean_text
from tandem.storage.conversations import find_conversation, now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import macros

MAX_TEXT = 4000
MAX_TITLE = 80


@dataclass(frozen=True, slots=True)
class Macro:
    id: int
    title: str
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class NewMacro:
    title: str
    language: str
    text: str


def _checked(new: NewMacro) -> dict[str, str]:
    title = new.title.strip()
    if not title:
        raise InvalidInput("title: give the macro a title")
    (language,) = valid_languages((new.language,))
    try:
        text = clean_text(new.text, MAX_TEXT)
    except InvalidInput as error:
        raise InvalidInput(f"text: {error.message}") from None
    return {"title": title[:MAX_TITLE], "language": language, "text": check_text(text.strip())}


def create(runtime: Runtime, lead: Agent, new: NewMacro) -> Macro:
    values = _checked(new)
    with transaction(runtime.engine) as connection:
        stamp = {"updated_by": lead.id, "updated_at": now()}
        made = connection.execute(insert(macros).returning(macros.c.id), values | stamp)
        return _one(connection, made.scalar_one())


def change(runtime: Runtime, lead: Agent, macro_id: int, new: NewMacro) -> Macro:
    values = _checked(new)
    with transaction(runtime.engine) as connection:
        stamp = {"updated_by": lead.id, "updated_at": now()}
        changed = connection.execute(
            update(macros).where(macros.c.id == macro_id).values(**values, **stamp)
        )
        if changed.rowcount != 1:
            raise NotFound("no macro with this id")
        return _one(connection, macro_id)


def remove(runtime: Runtime, lead: Agent, macro_id: int) -> None:
    with transaction(runtime.engine) as connection:
        if connection.execute(delete(macros).where(macros.c.id == macro_id)).rowcount != 1:
            raise NotFound("no macro with this id")


def listed(runtime: Runtime, language: str | None = None) -> list[Macro]:
    query = select(macros).order_by(macros.c.language, macros.c.title, macros.c.id)
    if language is not None:
        (code,) = valid_languages((language,))
        query = query.where(macros.c.language == code)
    with reading(runtime.engine) as connection:
        return [_macro(row) for row in connection.execute(query)]


def for_conversation(runtime: Runtime, agent: Agent, conversation_id: str) -> list[Macro]:
    """The conversation's language's macros, filled in with what the card knows."""
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
    values = values_of(record.card or {}, agent.name)
    return [
        Macro(m.id, m.title, m.language, fill(m.text, values, record.language))
        for m in listed(runtime, record.language)
    ]


def values_of(card: dict[str, Any], agent_name: str) -> dict[str, str | None]:
    """What the placeholders become: the card's customer and the order it is about (the first
    one the customer named)."""
    customer = card.get("customer") or {}
    orders = card.get("orders") or []
    order = orders[0] if orders else {}
    name = customer.get("name") or None
    return {
        "customer_name": name,
        "first_name": name.split()[0] if name else None,
        "order_id": order.get("id"),
        "order_status": order.get("status"),
        "agent_name": agent_name,
    }


def _one(connection: Connection, macro_id: int) -> Macro:
    return _macro(connection.execute(select(macros).where(macros.c.id == macro_id)).one())


def _macro(row: Any) -> Macro:
    return Macro(row.id, row.title, row.language, row.text)
