"""The shop vouches for its signed-in customer: an HMAC-SHA256 signature of the e-mail address.

The shop that embeds the widget knows who is signed in. It signs that customer's address with
the secret it shares with Tandem (``TANDEM_IDENTITY_SECRET``) and sends both; Tandem believes
the address only when the signature matches. Anything else is a claim, and the customer is a
guest who verifies in the chat (order number plus postcode or e-mail address).

What is signed: exactly the UTF-8 bytes of the address as the shop sends it in
``customer_email`` (``data-tandem-email``), with no trimming or case folding. The shop signs the
very string it puts in the page, so the two cannot drift apart. The signature is the lowercase
hex digest (64 characters); upper case is accepted too. Comparison takes constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from tandem.config import MIN_SECRET_BYTES, Settings

log = logging.getLogger(__name__)


class Vouch(StrEnum):
    """What became of the customer_email a conversation was opened with."""

    SIGNED = "signed"  # the shop vouched for it: the conversation is the customer's
    UNSIGNED = "unsigned"  # no signature came with it: a guest
    WRONG_SIGNATURE = "wrong_signature"  # a signature that does not match: a guest
    NO_SECRET = "no_secret"  # no secret is configured, so nothing can vouch: a guest


def signature(secret: bytes, email: str) -> str:
    """The lowercase hex HMAC-SHA256 of `email` (UTF-8, as given) under `secret`."""
    return hmac.new(secret, email.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """Checks the shop's signatures; without a secret nothing is ever vouched for."""

    secret: bytes | None = field(default=None, repr=False)

    def sign(self, email: str) -> str | None:
        """The signature the shop would send (the demo shop page signs with it)."""
        return None if self.secret is None else signature(self.secret, email)

    def vouch(self, email: str, claimed: str | None) -> Vouch:
        if self.secret is None:
            return Vouch.NO_SECRET
        if not claimed:
            return Vouch.UNSIGNED
        expected = signature(self.secret, email).encode("ascii")
        matches = hmac.compare_digest(expected, claimed.lower().encode("utf-8"))
        return Vouch.SIGNED if matches else Vouch.WRONG_SIGNATURE


def identity_check(settings: Settings) -> IdentityCheck:
    """The configured secret; with the demo on and none set, a random one for this process."""
    if settings.identity_secret is not None:
        return IdentityCheck(settings.identity_secret.get_secret_value().encode("utf-8"))
    if settings.demo:
        log.info(
            "TANDEM_IDENTITY_SECRET is not set: the demo shop page signs its customers with a "
            "random secret that lives as long as this process. Set one to sign your own shop's."
        )
        return IdentityCheck(secrets.token_bytes(MIN_SECRET_BYTES))
    log.info(
        "TANDEM_IDENTITY_SECRET is not set: customer_email is ignored and every customer "
        "verifies in the chat (see docs/widget.md)."
    )
    return IdentityCheck()
