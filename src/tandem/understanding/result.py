"""What understanding a message produces; the policy and the flows consume it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tandem.types import Language


@dataclass(frozen=True, slots=True)
class Slots:
    """Details found in one message."""

    order_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    amounts: tuple[Decimal, ...] = ()
    dates: tuple[dt.date, ...] = ()
    product_refs: tuple[str, ...] = ()  # product/variant ids matched against the customer's orders
    #: bare 4- or 5-digit numbers that may be a postcode: listed after an order number ("1002" in
    #: "TD-1001, 1002", read as an order number too), or the whole message ("4000"); identity
    #: reads them as the postcode only while it waits for one
    order_or_postcode: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    language: Language
    intent: str  # an intent name from the catalogue, or "oos"
    confidence: float  # calibrated probability of `intent`, 0..1
    runner_up: str
    runner_up_confidence: float
    out_of_scope: bool
    frustration: float  # this message, 0..1
    slots: Slots = field(default_factory=Slots)
    frustration_trend: float = 0.0  # slope of the conversation's recent frustration, -1..1
    language_switched: bool = False  # this message changed the conversation's language
    unrelated: bool = False  # out of scope because it asks what the shop does not handle
    #: the earlier question this message follows up ("and how much does it cost?"), whose
    #: intent it was read with; "" when it stands on its own
    follows: str = ""
    repeated: bool = False  # the customer sent this very text before in the conversation
    #: the code of a language Tandem does not speak that the message is clearly in ("es"), or
    #: "": such a message is answered in the shop's language with the way to a person
    foreign_language: str = ""
    #: how sure it is that the message asks for a person, in its own words or in any part of
    #: it ("where is TD-1001? and I want a person"): 0..1, next to the intent (which a
    #: message with several requests gives to one of them only)
    person_request: float = 0.0
    #: how sure it is that the message makes a complaint, as a whole or in any part of it
    #: ("change the address please. also I want to complain about the courier"): 0..1
    complaint_request: float = 0.0
    #: how sure it is that the message tells of a payment problem (failed, pending, unknown or
    #: double debits), as a whole or in any part of it ("where is my order? also I was charged
    #: twice"): 0..1
    payment_request: float = 0.0

    @property
    def question(self) -> str:
        """The question to look up: the message, with the one it follows up."""
        return f"{self.follows} {self.text}" if self.follows else self.text


@dataclass(frozen=True, slots=True)
class Context:
    """What understanding may know about the conversation so far."""

    language: Language | None = None  # the conversation's language so far
    previous_customer_texts: tuple[str, ...] = ()
    previous_frustration: tuple[float, ...] = ()
    today: dt.date | None = None
    #: (product id, name) from the customer's orders
    known_products: tuple[tuple[str, str], ...] = ()
