"""Fixed source material for the demo shop: products, names and places (all made up by us)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: A name per language code ("nl": "Regenjas"); languages are data here, never fields.
Names = Mapping[str, str]


def _load_names() -> dict[str, Any]:
    with (Path(__file__).with_name("names.yaml")).open(encoding="utf-8") as file:
        found: dict[str, Any] = yaml.safe_load(file)
    return found


_NAMES = _load_names()
#: The shop's own language: everything is named in it; a language lacking a name falls back to it.
SHOP_LANGUAGE: str = _NAMES["default"]


def name_in(names: Names, language: str) -> str:
    """The name in ``language``, or in the shop's language when there is none in it."""
    return names.get(language) or names[SHOP_LANGUAGE]


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a product option (a size, colour, scent...), named per language."""

    code: str
    names: Names


@dataclass(frozen=True, slots=True)
class ProductSpec:
    id: str
    category: str
    price_eur_cents: int
    first: tuple[Option, ...]  # e.g. sizes
    second: tuple[Option, ...] = ()  # e.g. colours

    @property
    def names(self) -> Names:
        names: Names = _NAMES["products"][self.id]
        return names


def _same(*labels: str) -> tuple[Option, ...]:
    """Options spelled the same in every language (sizes, models)."""
    return tuple(
        Option(label.lower().replace(" ", ""), {SHOP_LANGUAGE: label}) for label in labels
    )


def _named(*codes: str) -> tuple[Option, ...]:
    """Colours and scents, named per language in names.yaml."""
    return tuple(Option(code, _NAMES["options"][code]) for code in codes)


SIZES = _same("S", "M", "L", "XL")
SHOE_SIZES = _same("38", "39", "40", "41", "42", "43", "44", "45")

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("tshirt", "clothing", 2495, SIZES, _named("black", "white", "navy")),
    ProductSpec("hoodie", "clothing", 5995, SIZES, _named("grey", "navy", "green")),
    ProductSpec("jeans", "clothing", 7995, _same("W30", "W32", "W34", "W36"),
                _named("blue", "black")),
    ProductSpec("raincoat", "clothing", 11900, SIZES, _named("ochre", "navy")),
    ProductSpec("socks", "clothing", 1995, _same("36-40", "41-46"), _named("grey", "black")),
    ProductSpec("scarf", "clothing", 3495, _named("grey", "ochre", "pink")),
    ProductSpec("shirt", "clothing", 6495, SIZES, _named("white", "sand", "blue")),
    ProductSpec("sneakers", "shoes", 6995, SHOE_SIZES, _named("white", "black")),
    ProductSpec("boots", "shoes", 14900, SHOE_SIZES, _named("black", "brown")),
    ProductSpec("mug", "home", 1250, _named("white", "ochre", "green", "blue")),
    ProductSpec("duvet", "home", 8900,
                tuple(Option(size.code.replace("cm", ""), size.names)
                      for size in _same("140 x 200 cm", "200 x 220 cm", "240 x 220 cm")),
                _named("white", "grey")),
    ProductSpec("towel", "home", 2250, _named("white", "sand", "green")),
    ProductSpec("candle", "home", 1895, _named("fig", "cedar", "lavender")),
    ProductSpec("throw", "home", 7900, _named("ochre", "grey", "navy")),
    ProductSpec("backpack", "accessories", 8995, _named("black", "sand", "green")),
    ProductSpec("wallet", "accessories", 4495, _named("black", "brown")),
    ProductSpec("bottle", "accessories", 2495, _same("500 ml", "750 ml"),
                _named("black", "white", "green")),
    ProductSpec("sunglasses", "accessories", 5900, _named("black", "brown")),
    ProductSpec("earbuds", "electronics", 9900, _named("black", "white")),
    ProductSpec("phonecase", "electronics", 1995, _same("iPhone 15", "iPhone 16", "Galaxy S24"),
                _named("black", "pink")),
    ProductSpec("powerbank", "electronics", 3495, _named("black", "white")),
)

DUTCH_FIRST = (
    "Emma", "Sophie", "Julia", "Tess", "Anna", "Lotte", "Fleur", "Sanne", "Eva", "Noor",
    "Lieke", "Iris", "Femke", "Maud", "Roos", "Daan", "Sem", "Lucas", "Finn", "Levi",
    "Bram", "Thijs", "Jesse", "Ruben", "Lars", "Sven", "Joost", "Pieter", "Koen", "Wouter",
    "Marieke", "Anouk", "Willem", "Jeroen", "Mila", "Hanna", "Stijn", "Maarten", "Ilse", "Gijs",
)
DUTCH_LAST = (
    "de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van den Berg", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van Dijk", "Schouten", "van der Linden", "Willems",
    "Maas", "Verhoeven", "Kuipers", "Postma", "Claes", "Peeters", "Janssens", "Maes", "Wouters",
)
ENGLISH_FIRST = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Ella", "Charlotte",
    "Poppy", "Evie", "Ruby", "Harriet", "Alice", "Oliver", "George", "Harry", "Noah", "Jack",
    "Leo", "Arthur", "Oscar", "Charlie", "Henry", "Thomas", "William", "Alfie", "Joshua", "Daniel",
    "Samuel", "Edward", "Rosie", "Sophia", "Chloe", "Jacob", "Ethan", "Lucy", "Megan", "Callum",
)
ENGLISH_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Hughes",
    "Turner", "Harris", "Cooper", "Ward", "Morris", "King", "Baker", "Hill", "Scott", "Moore",
    "Price", "Bennett", "Murphy",
)

GERMAN_FIRST = (
    "Lukas", "Leon", "Jonas", "Paul", "Felix", "Maximilian", "Elias", "Tobias", "Jan", "Niklas",
    "Mia", "Hannah", "Lea", "Lena", "Laura", "Sarah", "Johanna", "Katharina", "Anna", "Marie",
)
GERMAN_LAST = (
    "Müller", "Schmitz", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
    "Schulz", "Krämer", "Lambertz", "Thelen", "Heinen", "Kessler", "Mockel", "Cremer", "Jansen",
)
FRENCH_FIRST = (
    "Camille", "Léa", "Manon", "Chloé", "Sarah", "Julie", "Claire", "Élise", "Louise", "Margaux",
    "Lucas", "Hugo", "Louis", "Nathan", "Théo", "Maxime", "Antoine", "Julien", "Mathieu", "Arnaud",
)
FRENCH_LAST = (
    "Dubois", "Lambert", "Martin", "Dupont", "Simon", "Laurent", "Leroy", "Lefebvre", "Renard",
    "Moreau", "Fontaine", "Mercier", "Lemaire", "Gillet", "Collard", "Denis", "Lejeune", "Hubert",
)

#: The languages customers speak per country, with weights: Belgium speaks Dutch (Flanders),
#: French (Brussels, Wallonia) and German (the East Cantons around Eupen).
SPOKEN = {"NL": {"nl": 90, "en": 10}, "BE": {"nl": 50, "fr": 40, "de": 10}, "GB": {"en": 100}}
NAMES_BY_LANGUAGE = {
    "nl": (DUTCH_FIRST, DUTCH_LAST),
    "en": (ENGLISH_FIRST, ENGLISH_LAST),
    "de": (GERMAN_FIRST, GERMAN_LAST),
    "fr": (FRENCH_FIRST, FRENCH_LAST),
}

#: city -> (first and last 4-digit postcode area)
NL_CITIES = {
    "Amsterdam": (1011, 1109), "Rotterdam": (3011, 3089), "Den Haag": (2511, 2597),
    "Utrecht": (3511, 3585), "Eindhoven": (5611, 5658), "Groningen": (9711, 9747),
    "Haarlem": (2011, 2037), "Leiden": (2311, 2334), "Nijmegen": (6511, 6546),
    "Zwolle": (8011, 8047), "Delft": (2611, 2629), "Arnhem": (6811, 6846),
}
NL_STREETS = (
    "Kerkstraat", "Dorpsstraat", "Molenweg", "Prinsengracht", "Stationsweg", "Julianalaan",
    "Lindelaan", "Eikenlaan", "Schoolstraat", "Nieuwstraat", "Vondelstraat", "Wilhelminapark",
    "Oudegracht", "Herengracht", "Parallelweg", "Beukenlaan",
)
#: NL postcode letters never use these pairs.
NL_EXCLUDED_LETTERS = ("SA", "SD", "SS")

#: Belgian language -> (city -> postcodes, streets)
BE_PLACES: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]] = {
    "nl": (
        {"Antwerpen": ("2000", "2018", "2060"), "Gent": ("9000", "9040", "9050"),
         "Brugge": ("8000", "8200"), "Leuven": ("3000", "3010"), "Mechelen": ("2800",)},
        ("Meir", "Veldstraat", "Steenstraat", "Bondgenotenlaan", "Kerkstraat",
         "Lange Nieuwstraat"),
    ),
    "fr": (
        {"Bruxelles": ("1000", "1050", "1060"), "Liège": ("4000", "4020"), "Namur": ("5000",),
         "Charleroi": ("6000",), "Mons": ("7000",)},
        ("Rue Neuve", "Avenue Louise", "Rue de la Station", "Rue du Marché", "Chaussée de Namur",
         "Rue des Carmes"),
    ),
    "de": (
        {"Eupen": ("4700",), "Sankt Vith": ("4780",), "Kelmis": ("4720",)},
        ("Gospertstraße", "Aachener Straße", "Hauptstraße", "Bergstraße", "Kirchstraße"),
    ),
}

#: city -> outward codes (the first half of a UK postcode)
UK_CITIES = {
    "London": ("SW1A", "SE1", "N1", "E2", "W11", "NW3"), "Manchester": ("M1", "M4", "M20"),
    "Bristol": ("BS1", "BS6", "BS8"), "Leeds": ("LS1", "LS6"), "Edinburgh": ("EH1", "EH3"),
    "Cambridge": ("CB1", "CB2"), "Brighton": ("BN1", "BN2"), "Oxford": ("OX1", "OX4"),
}
UK_STREETS = (
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane",
    "King Street", "Queen's Road", "Green Lane", "Manor Road", "The Crescent", "Albert Street",
)
#: Letters allowed in the inward half of a UK postcode.
UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

#: country -> carriers, and days in transit after shipping
CARRIERS = {"NL": ("PostNL", "DHL"), "BE": ("bpost", "DHL"), "GB": ("Royal Mail", "DPD")}
TRANSIT_DAYS = {"NL": 1, "BE": 2, "GB": 3}
EMAIL_DOMAINS = {"NL": "example.nl", "BE": "example.be", "GB": "example.co.uk"}

#: Pounds per euro for the UK price list (prices end in .95).
GBP_PER_EUR = 0.86


@dataclass(frozen=True, slots=True)
class VariantSpec:
    id: str
    product: ProductSpec
    names: Names  # "M / grey", "M / grau", ...

    @property
    def price_eur_cents(self) -> int:
        return self.product.price_eur_cents

    @property
    def price_gbp_cents(self) -> int:
        return max(round(self.product.price_eur_cents * GBP_PER_EUR / 100), 1) * 100 - 5

    def price_cents(self, currency: str) -> int:
        return self.price_gbp_cents if currency == "GBP" else self.price_eur_cents


def variants_of(product: ProductSpec) -> tuple[VariantSpec, ...]:
    """Every combination of the product's options, e.g. ``hoodie-m-grey`` "M / grey", named in
    each language the product is named in."""
    combinations = (
        [(a,) for a in product.first]
        if not product.second
        else [(a, b) for a in product.first for b in product.second]
    )
    return tuple(
        VariantSpec(
            "-".join((product.id, *(o.code for o in options))),
            product,
            {lang: " / ".join(name_in(o.names, lang) for o in options) for lang in product.names},
        )
        for options in combinations
    )


VARIANTS: dict[str, VariantSpec] = {v.id: v for p in PRODUCTS for v in variants_of(p)}
