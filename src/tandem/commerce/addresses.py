"""Postcodes and shipping addresses of the countries the shops deliver to (NL, BE, GB)."""

from __future__ import annotations

import re
from dataclasses import replace

from tandem.commerce.model import Address, CommerceError, CommerceErrorCode

_POSTCODES = {
    "NL": (re.compile(r"^(\d{4})([A-Z]{2})$"), "{0} {1}"),  # 1012 AB
    "BE": (re.compile(r"^(\d{4})$"), "{0}"),  # 9000
    "GB": (re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$"), "{0} {1}"),  # SW1A 1AA
}

#: ISO 3166 codes of the countries we ship to.
SHIPPING_COUNTRIES: tuple[str, ...] = tuple(_POSTCODES)


def compact_postcode(postcode: str) -> str:
    """Upper case without spaces: the form to compare postcodes in."""
    return re.sub(r"\s+", "", postcode).upper()


def normalise_postcode(country: str, postcode: str) -> str | None:
    """The postcode in its country's standard spelling, or None when it is not valid there."""
    rule = _POSTCODES.get(country.upper())
    match = rule[0].match(compact_postcode(postcode)) if rule else None
    return rule[1].format(*match.groups()) if rule and match else None


def validated_address(address: Address) -> Address:
    """The address with its postcode normalised; CommerceError(INVALID_ADDRESS) when unusable."""
    country = address.country.strip().upper()
    if country not in _POSTCODES:
        raise CommerceError(
            f"We deliver to {', '.join(SHIPPING_COUNTRIES)}, not to {address.country!r}.",
            CommerceErrorCode.INVALID_ADDRESS,
        )
    postcode = normalise_postcode(country, address.postcode)
    if postcode is None:
        raise CommerceError(
            f"{address.postcode!r} is not a valid postcode in {country}.",
            CommerceErrorCode.INVALID_ADDRESS,
        )
    if not address.street.strip() or not address.city.strip():
        raise CommerceError("The street and city are required.", CommerceErrorCode.INVALID_ADDRESS)
    return replace(
        address,
        street=address.street.strip(),
        city=address.city.strip(),
        postcode=postcode,
        country=country,
    )
