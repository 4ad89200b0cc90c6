"""How frustrated a customer sounds: explicit signals combined with a few-shot learned score.

Each explicit signal (an insult, and each different insult again, a curse (weakly), "third
time", a repeated request (not a short reply such as "yes please" said to two questions),
capitals, "!!!") and the learned probability raise the score by a noisy-OR:
``1 - prod(1 - w_i * s_i)``. The learned part is a logistic regression on sentence embeddings
of the catalogue's angry and calm examples, so it works across languages; the calm ones include
problems told calmly ("the parcel arrived damaged"), so that what happened is not taken for how
the customer feels about it. The cues also match typed without accents ("deja dit"). A curse
is counted once: by its own weak signal, while the learned part reads the message without it
("where is my damn parcel" sounds like "where is my parcel").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from tandem.understanding.catalogue import Catalogue
from tandem.understanding.embeddings import Vectors, embed
from tandem.understanding.spelling import unaccented

#: Weights of the signals in the noisy-OR.
LEARNED_WEIGHT = 0.75
INSULT_WEIGHT = 0.6
#: One curse in an otherwise calm request ("where is my damn parcel") must not hand over alone.
SWEARING_WEIGHT = 0.2
REPETITION_WEIGHT = 0.5
REPEATED_MESSAGE_WEIGHT = 0.4
#: A sentence shouted in capitals hands over by itself, in every language (the learned part
#: reads the words lower case: the encoder's reading of capitals differs per language).
CAPITALS_WEIGHT = 0.75
EXCLAMATION_WEIGHT = 0.25

#: A message this similar (rapidfuzz ratio, 0..100) to an earlier one counts as repeated.
REPEAT_SIMILARITY = 90
#: Only a message of at least this many words counts as repeated: a short reply ("yes please",
#: "ja graag", "okay") said again answers another question, it does not repeat a complaint.
REPEAT_MIN_WORDS = 3
#: Capitals count when at least this share of at least this many letters is upper case.
CAPITALS_SHARE = 0.6
CAPITALS_MIN_LETTERS = 6
#: Capitals sound like shouting in a sentence of this many words; "THANK YOU" is emphasis.
SHOUTED_WORDS = 3
#: How many of the latest scores the trend looks at.
TREND_WINDOW = 5

_REPEATED_MARKS = re.compile(r"[!?]{2,}|!")
_WORDS = re.compile(r"[^\W_]+")


class FrustrationScorer:
    def __init__(self, catalogue: Catalogue) -> None:
        cues = [lang.frustration for lang in catalogue.languages.values()]
        self._insults = _phrase_pattern(word for cue in cues for word in cue.insults)
        self._swearing = _phrase_pattern(word for cue in cues for word in cue.swearing)
        self._repetition = _phrase_pattern(phrase for cue in cues for phrase in cue.repetition)
        angry = [text for cue in cues for text in cue.angry]
        calm = [text for cue in cues for text in cue.calm]
        model = LogisticRegression(C=10.0, max_iter=1000)
        model.fit(embed(angry + calm), [1] * len(angry) + [0] * len(calm))
        # Kept as plain arrays: sklearn's input checks cost more than the dot product.
        self._coef, self._intercept = model.coef_[0], float(model.intercept_[0])

    def score(self, text: str, vector: Vectors, previous_texts: Sequence[str] = ()) -> float:
        """Frustration of one message, 0..1; ``vector`` is the (1, d) embedding of its words
        (lower case when it is shouted: capitals count as their own signal)."""
        shouting = is_shouting(text)
        cursed = bool(self._swearing.search(text))
        if cursed:  # the curse counts once, as its own weak signal: the tone is read without it
            words = text.lower() if shouting else text
            vector = embed([" ".join(self._swearing.sub(" ", words).split())])
        learned = float(expit(vector[0] @ self._coef + self._intercept))
        insults = {found.lower() for found in self._insults.findall(text)}
        signals = (
            (LEARNED_WEIGHT, learned),
            *((INSULT_WEIGHT, 1.0) for _ in insults),  # each different insult adds
            (SWEARING_WEIGHT, float(cursed)),
            (REPETITION_WEIGHT, float(bool(self._repetition.search(text)))),
            (REPEATED_MESSAGE_WEIGHT, float(_is_repeated(text, previous_texts))),
            (CAPITALS_WEIGHT, float(shouting and len(_WORDS.findall(text)) >= SHOUTED_WORDS)),
            (EXCLAMATION_WEIGHT, _exclamation(text)),
        )
        calm = np.prod([1.0 - weight * strength for weight, strength in signals])
        return float(np.clip(1.0 - calm, 0.0, 1.0))


def trend(scores: Sequence[float]) -> float:
    """Slope of the latest frustration scores per message, -1..1; positive means rising."""
    recent = np.asarray(scores[-TREND_WINDOW:], dtype=np.float64)
    if len(recent) < 2:
        return 0.0
    slope = np.polyfit(np.arange(len(recent)), recent, 1)[0]
    return float(np.clip(slope, -1.0, 1.0))


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """The phrases as whole words, each also without its accents ("deja" for "déjà")."""
    spellings = {spelling.lower() for p in phrases for spelling in (p, unaccented(p))}
    alternatives = sorted(map(re.escape, spellings), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def _is_repeated(text: str, previous_texts: Sequence[str]) -> bool:
    normalised = text.strip().lower()
    return len(_WORDS.findall(normalised)) >= REPEAT_MIN_WORDS and any(
        fuzz.ratio(normalised, earlier.strip().lower()) >= REPEAT_SIMILARITY
        for earlier in previous_texts
    )


def is_shouting(text: str) -> bool:
    """Mostly capitals ("WHERE IS MY PARCEL")."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < CAPITALS_MIN_LETTERS:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= CAPITALS_SHARE


def _exclamation(text: str) -> float:
    """1 for "!!" or "?!"-runs, 0.4 for a single "!", 0 otherwise."""
    marks = _REPEATED_MARKS.findall(text)
    if any(len(mark) >= 2 and "!" in mark for mark in marks):
        return 1.0
    return 0.4 if "!" in marks else 0.0
