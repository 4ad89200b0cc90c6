"""How the word features read a customer's spelling: without accents.

Customers often type without them ("reclamation", "deja", "mochte"): the intents' word and
character features, the person request and the frustration cues read text unaccented, in
training and in use alike, so "réclamation" and "reclamation" are the same word. The sentence
encoder still reads the text as written.
"""

from __future__ import annotations

import unicodedata


def unaccented(text: str) -> str:
    """`text` without its accents: "réclamation" -> "reclamation", "Größe" -> "Große"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )
