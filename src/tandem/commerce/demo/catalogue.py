"""Fixed source material for the demo shop: products, names and places (all made up by us)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Option:
    """One value of a product option (a size, colour, scent...), in both languages."""

    code: str
    en: str
    nl: str


@dataclass(frozen=True, slots=True)
class ProductSpec:
    id: str
    en: str
    nl: str
    category: str
    price_eur_cents: int
    first: tuple[Option, ...]  # e.g. sizes
    second: tuple[Option, ...] = ()  # e.g. colours


def _same(*codes: str) -> tuple[Option, ...]:
    """Options spelled the same in both languages (sizes, models)."""
    return tuple(Option(code.lower().replace(" ", ""), code, code) for code in codes)


def _colours(*codes: str) -> tuple[Option, ...]:
    return tuple(Option(code, code, COLOURS_NL[code]) for code in codes)


COLOURS_NL = {
    "black": "zwart",
    "white": "wit",
    "grey": "grijs",
    "navy": "marineblauw",
    "green": "groen",
    "blue": "blauw",
    "brown": "bruin",
    "ochre": "oker",
    "pink": "roze",
    "sand": "zand",
}
SIZES = _same("S", "M", "L", "XL")
SHOE_SIZES = _same("38", "39", "40", "41", "42", "43", "44", "45")

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("tshirt", "Organic cotton T-shirt", "Biologisch katoenen T-shirt", "clothing",
                2495, SIZES, _colours("black", "white", "navy")),
    ProductSpec("hoodie", "Hooded sweatshirt", "Hoodie", "clothing",
                5995, SIZES, _colours("grey", "navy", "green")),
    ProductSpec("jeans", "Slim-fit jeans", "Slim-fit spijkerbroek", "clothing",
                7995, _same("W30", "W32", "W34", "W36"), _colours("blue", "black")),
    ProductSpec("raincoat", "Rain jacket", "Regenjas", "clothing",
                11900, SIZES, _colours("ochre", "navy")),
    ProductSpec("socks", "Merino socks 3-pack", "Merinowollen sokken 3-pack", "clothing",
                1995, _same("36-40", "41-46"), _colours("grey", "black")),
    ProductSpec("scarf", "Knitted scarf", "Gebreide sjaal", "clothing",
                3495, _colours("grey", "ochre", "pink")),
    ProductSpec("shirt", "Linen shirt", "Linnen overhemd", "clothing",
                6495, SIZES, _colours("white", "sand", "blue")),
    ProductSpec("sneakers", "Canvas sneakers", "Canvas sneakers", "shoes",
                6995, SHOE_SIZES, _colours("white", "black")),
    ProductSpec("boots", "Leather Chelsea boots", "Leren chelsea boots", "shoes",
                14900, SHOE_SIZES, _colours("black", "brown")),
    ProductSpec("mug", "Stoneware mug", "Stenen mok", "home",
                1250, _colours("white", "ochre", "green", "blue")),
    ProductSpec("duvet", "Percale duvet cover", "Percale dekbedovertrek", "home",
                8900, (Option("140x200", "140 x 200 cm", "140 x 200 cm"),
                       Option("200x220", "200 x 220 cm", "200 x 220 cm"),
                       Option("240x220", "240 x 220 cm", "240 x 220 cm")),
                _colours("white", "grey")),
    ProductSpec("towel", "Bath towel", "Badhanddoek", "home",
                2250, _colours("white", "sand", "green")),
    ProductSpec("candle", "Scented candle", "Geurkaars", "home",
                1895, (Option("fig", "fig", "vijg"), Option("cedar", "cedar", "ceder"),
                       Option("lavender", "lavender", "lavendel"))),
    ProductSpec("throw", "Wool throw", "Wollen plaid", "home",
                7900, _colours("ochre", "grey", "navy")),
    ProductSpec("backpack", "Canvas backpack", "Canvas rugzak", "accessories",
                8995, _colours("black", "sand", "green")),
    ProductSpec("wallet", "Leather wallet", "Leren portemonnee", "accessories",
                4495, _colours("black", "brown")),
    ProductSpec("bottle", "Insulated water bottle", "Geïsoleerde drinkfles", "accessories",
                2495, _same("500 ml", "750 ml"), _colours("black", "white", "green")),
    ProductSpec("sunglasses", "Sunglasses", "Zonnebril", "accessories",
                5900, _colours("black", "brown")),
    ProductSpec("earbuds", "Wireless earbuds", "Draadloze oordopjes", "electronics",
                9900, _colours("black", "white")),
    ProductSpec("phonecase", "Phone case", "Telefoonhoesje", "electronics",
                1995, _same("iPhone 15", "iPhone 16", "Galaxy S24"), _colours("black", "pink")),
    ProductSpec("powerbank", "Power bank 10,000 mAh", "Powerbank 10.000 mAh", "electronics",
                3495, _colours("black", "white")),
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

BE_CITIES = {
    "Antwerpen": ("2000", "2018", "2060"), "Gent": ("9000", "9040", "9050"),
    "Brugge": ("8000", "8200"), "Leuven": ("3000", "3010"), "Mechelen": ("2800",),
}
BE_STREETS = (
    "Meir", "Veldstraat", "Steenstraat", "Bondgenotenlaan", "Kerkstraat", "Lange Nieuwstraat",
)

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
    en: str
    nl: str

    @property
    def price_eur_cents(self) -> int:
        return self.product.price_eur_cents

    @property
    def price_gbp_cents(self) -> int:
        return max(round(self.product.price_eur_cents * GBP_PER_EUR / 100), 1) * 100 - 5

    def price_cents(self, currency: str) -> int:
        return self.price_gbp_cents if currency == "GBP" else self.price_eur_cents


def variants_of(product: ProductSpec) -> tuple[VariantSpec, ...]:
    """Every combination of the product's options, e.g. ``hoodie-m-grey`` "M / grey"."""
    if not product.second:
        return tuple(
            VariantSpec(f"{product.id}-{o.code}", product, o.en, o.nl) for o in product.first
        )
    return tuple(
        VariantSpec(
            f"{product.id}-{a.code}-{b.code}", product, f"{a.en} / {b.en}", f"{a.nl} / {b.nl}"
        )
        for a in product.first
        for b in product.second
    )


VARIANTS: dict[str, VariantSpec] = {v.id: v for p in PRODUCTS for v in variants_of(p)}
