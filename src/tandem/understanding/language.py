"""Which supported language a message is in, keeping the conversation's language when in doubt.

Two signals are combined: py3langid restricted to the supported languages (the languages in the
data folders, tandem.languages), and hint words, the
words that occur in only one language's catalogue examples ("hallo", "bestelling", "thanks").
A conversation switches language only on a message of at least three words that is clearly in
another language and uses at least two words known only in it; "ok", "hallo", "thanks" or
gibberish ("asdkj qwpoe zmxnc", which the n-gram model may call Dutch) never switch it. A first
message without such words keeps the language the widget asked for; one with them sets it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from tandem.types import DEFAULT_LANGUAGE, Language
from tandem.understanding.catalogue import Catalogue

#: Messages with fewer words than this never switch the conversation's language.
MIN_WORDS_TO_SWITCH = 3
#: The combined probability another language needs to switch the conversation to it.
SWITCH_PROBABILITY = 0.95
#: A first message whose best language is less likely than this gets the default language.
FIRST_MESSAGE_PROBABILITY = 0.6
#: Hint words of a language a message needs to switch the conversation to it.
MIN_HINTS_TO_SWITCH = 2
#: How sure the n-gram model over all languages must be that a message is in one we do not
#: speak before it is answered as such (in the shop's language, with the way to a person).
FOREIGN_PROBABILITY = 0.7
#: The largest share of a foreign message's words that may be hint words of one language we speak.
FOREIGN_HINT_SHARE = 0.25
#: Log-odds added per hint word.
HINT_WEIGHT = 3.0

#: The n-gram model's code for text in no language ("asdkj qwpoe zmxnc"): not a foreign one.
_NO_LANGUAGE = "zxx"
_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    """The lower-cased words of a text (letters only)."""
    return _WORD.findall(text.lower())


class LanguageDetector:
    def __init__(self, catalogue: Catalogue) -> None:
        self._languages: tuple[Language, ...] = tuple(catalogue.languages)
        # One identifier over all of py3langid's languages (a second, restricted copy would
        # cost ~85 MB): restricted to ours by renormalising, which is what set_languages does.
        self._any = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._hints = _hint_words(
            {lang: " ".join(t for t, _ in c.examples()) for lang, c in catalogue.languages.items()}
        )

    def probabilities(self, text: str) -> dict[Language, float]:
        """Probability per supported language from the n-gram model and the hint words."""
        everything: dict[str, float] = dict(self._any.rank(text))
        ours = sum(everything.get(lang, 0.0) for lang in self._languages)
        ranked = {lang: everything.get(lang, 0.0) / (ours or 1.0) for lang in self._languages}
        tokens = words(text)
        logits = {
            lang: math.log(max(ranked.get(lang, 0.0), 1e-9))
            + HINT_WEIGHT * sum(token in self._hints[lang] for token in tokens)
            for lang in self._languages
        }
        top = max(logits.values())
        exp = {lang: math.exp(logit - top) for lang, logit in logits.items()}
        total = sum(exp.values())
        return {lang: value / total for lang, value in exp.items()}

    def detect(self, text: str, current: Language | None, first: bool = False) -> Language:
        """The language to use for this message given the conversation's language so far;
        `first`: the customer's first message, which sets it when it is clearly in one (the
        widget's language, or the default one, was only a guess until then)."""
        probabilities = self.probabilities(text)
        best = max(probabilities, key=lambda lang: probabilities[lang])
        hints = sum(token in self._hints[best] for token in words(text))
        if current is None or first:
            clear = probabilities[best] >= FIRST_MESSAGE_PROBABILITY and hints > 0
            return best if clear else current or DEFAULT_LANGUAGE
        if len(words(text)) < MIN_WORDS_TO_SWITCH or hints < MIN_HINTS_TO_SWITCH:
            return current
        return best if probabilities[best] >= SWITCH_PROBABILITY else current


    def foreign(self, text: str) -> str:
        """The code of the language we do not speak that `text` is clearly in ("es"), or "":
        a message of at least three words, few of them hint words of a language we speak ("no"
        and "y" are English hint words, but "¿dónde está mi pedido? ... y no llega" is Spanish),
        that the n-gram model over all its languages is sure of."""
        tokens = words(text)
        if len(tokens) < MIN_WORDS_TO_SWITCH:
            return ""
        hints = max(sum(t in self._hints[lang] for t in tokens) for lang in self._languages)
        if hints > len(tokens) * FOREIGN_HINT_SHARE:
            return ""
        code, probability = self._any.classify(text)
        if code in self._languages or code == _NO_LANGUAGE or probability < FOREIGN_PROBABILITY:
            return ""
        return str(code)


def _hint_words(texts: Mapping[Language, str]) -> dict[Language, frozenset[str]]:
    vocabularies = {lang: frozenset(words(text)) for lang, text in texts.items()}
    hints: dict[Language, frozenset[str]] = {}
    for lang, vocabulary in vocabularies.items():
        others = [v for other, v in vocabularies.items() if other != lang]
        hints[lang] = vocabulary.difference(*others)
    return hints
