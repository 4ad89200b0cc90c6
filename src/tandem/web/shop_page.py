"""What the demo shop page shows in one language: its texts (``web/shop_texts/<code>.yaml``,
any missing file or key read in English), a few products named by the demo shop itself, and
the demo customers. No language is named here: a new one is a new texts file."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from tandem.answering.flows.money import amount_in
from tandem.commerce.demo import catalogue
from tandem.commerce.demo.personas import PERSONA_ORDERS, PERSONAS
from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES

TEXTS = Path(__file__).with_name("shop_texts")
#: The texts every other language falls back to, key by key.
FALLBACK = "en"
#: The products on the page, from the demo shop's catalogue.
FEATURED = ("raincoat", "hoodie", "mug", "backpack")


@dataclass(frozen=True, slots=True)
class Card:
    name: str
    text: str
    price: str


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    slug: str  # ?as=<slug>
    name: str
    email: str
    postcode: str
    language: str  # the code they speak, whether or not Tandem speaks it yet
    language_name: str | None  # "Deutsch"; None while Tandem does not speak it
    first_order: str
    last_order: str


def _read(code: str) -> dict[str, Any]:
    path = TEXTS / f"{code}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@functools.cache
def texts(language: str) -> Mapping[str, Any]:
    """The page's texts in ``language``; English for any file or key it lacks."""
    fallback, own = _read(FALLBACK), _read(language)
    products = {**fallback.get("products", {}), **own.get("products", {})}
    return {**fallback, **own, "products": products}


def cards(language: str) -> list[Card]:
    """The featured products, named as the demo shop names them in ``language``."""
    specs = {spec.id: spec for spec in catalogue.PRODUCTS}
    products = texts(language)["products"]
    return [
        Card(
            catalogue.name_in(specs[key].names, language),
            products.get(key, ""),
            amount_in(language, Decimal(specs[key].price_eur_cents).scaleb(-2), "EUR"),
        )
        for key in FEATURED
    ]


@functools.cache
def demo_customers() -> tuple[DemoCustomer, ...]:
    return tuple(
        DemoCustomer(
            slug=str(persona["name"]).split()[0].lower(),
            name=persona["name"], email=persona["email"], postcode=persona["postcode"],
            language=persona["language"],
            language_name=(
                locale(persona["language"]).name
                if persona["language"] in SUPPORTED_LANGUAGES else None
            ),
            first_order=PERSONA_ORDERS[persona["id"]][0],
            last_order=PERSONA_ORDERS[persona["id"]][1],
        )
        for persona in PERSONAS
    )


def customer_email(slug: str | None) -> str | None:
    """The demo customer browsing as ``slug`` ("emma"), or None for a guest."""
    return next((c.email for c in demo_customers() if c.slug == slug), None)
