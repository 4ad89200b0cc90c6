"""The understanding step: language, intent, frustration and details of one customer message.

Load once at start-up with :func:`load_or_train` and share the :class:`Understander`; it is
read-only after loading, so concurrent calls are safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn

from tandem.types import Language
from tandem.understanding.catalogue import (
    CATALOGUE_DIR,
    OUT_OF_SCOPE,
    Catalogue,
    load_catalogue,
)
from tandem.understanding.embeddings import Vectors, embed
from tandem.understanding.frustration import FrustrationScorer, is_shouting, trend
from tandem.understanding.intents import (
    IntentClassifier,
    IntentPrediction,
    Terms,
    term_vectorizers,
)
from tandem.understanding.language import LanguageDetector
from tandem.understanding.parts import Parts
from tandem.understanding.result import Context, Slots, Understanding
from tandem.understanding.slots import SlotExtractor
from tandem.understanding.spelling import unaccented

MODEL_FILE = "understanding.pickle"
#: The modules whose objects are stored: any change to them retrains the stored model.
_STORED_CODE = ("intents.py", "out_of_scope.py", "frustration.py", "pipeline.py", "spelling.py")

#: The intent whose examples teach the person request; everything else (every other intent, and
#: the catalogue's ``people_mentioned``: staff named without asking for one) is OTHER.
PERSON = "talk_to_person"
OTHER = "other"
#: The intent whose probability in any part of a message is the complaint request.
COMPLAINT = "complaint"
#: The intents whose examples teach the payment request (against everything else and the
#: catalogue's ``payments_mentioned``: paying named without a problem), under one label.
PAYMENT = "payment"
PAYMENT_INTENTS = frozenset({"payment_problem", "double_charge"})

#: What a message made only of identifiers means by itself: nothing in scope. The policy lets
#: an open flow that asked for those details use them (facts awaiting_details, details_given).
DETAILS_ONLY = IntentPrediction(OUT_OF_SCOPE, 1.0, OUT_OF_SCOPE, 0.0, True)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _StoredModel:
    version: str
    intents: IntentClassifier
    frustration: FrustrationScorer
    person: IntentClassifier  # PERSON against everything else (see _strongest)
    payment: IntentClassifier  # PAYMENT against everything else


class Understander:
    def __init__(
        self,
        catalogue: Catalogue,
        intents: IntentClassifier,
        frustration: FrustrationScorer,
        person: IntentClassifier,
        payment: IntentClassifier,
    ) -> None:
        self.catalogue = catalogue
        self.intents = intents
        self._person = person
        self._payment = payment
        self._frustration = frustration
        self._language = LanguageDetector(catalogue)
        self._slots = SlotExtractor(catalogue)
        self._corrected = _corrections(catalogue)
        self._parts = Parts(catalogue)
        self.understand("warm-up", Context())  # load the encoder now, not on the first customer

    def understand(self, text: str, context: Context) -> Understanding:
        first = not context.previous_customer_texts  # the customer's first message
        language = self._language.detect(text, context.language, first)
        words = self._slots.mask(self.last_request(text))
        if is_shouting(words):  # what is asked does not change when it is shouted; the
            words = words.lower()  # shouting itself is a frustration signal of its own
        follows = ""
        slots = self._slots.extract(text, context)
        if any(character.isalpha() for character in words):
            parts = self._parts.of(words, language)
            vectors = embed([words, *parts])  # one encoder call for the message and its parts
            vector = vectors[:1]
            prediction = self.intents.predict([unaccented(words)], vector)[0]
            frustration = self._frustration.score(text, vector, context.previous_customer_texts)
            texts = [words, *parts]
            person = _strongest(self._person, PERSON, texts, vectors)
            complaint = _strongest(self.intents, COMPLAINT, texts, vectors)
            payment = _strongest(self._payment, PAYMENT, texts, vectors)
            earlier = self._followed(text, language, prediction, context, slots)
            if earlier is not None:
                joined = self._slots.mask(f"{earlier} {words}")
                again = self.intents.predict([unaccented(joined)], embed([joined]))[0]
                own = 0.0 if prediction.out_of_scope else prediction.confidence
                # A message sure of itself ("and where is it?") keeps its own reading unless
                # the two together are clearly surer.
                needed = FOLLOW_UP_BELOW if own < FOLLOW_UP_BELOW else own + FOLLOW_UP_MARGIN
                if not again.out_of_scope and again.confidence >= needed:
                    prediction, follows = again, earlier
        else:  # only details ("SW1A 1AA", an email address): no request, no feeling of its own
            prediction, frustration = DETAILS_ONLY, 0.0
            person = complaint = payment = 0.0
        return Understanding(
            text=text,
            language=language,
            intent=prediction.intent,
            confidence=prediction.confidence,
            runner_up=prediction.runner_up,
            runner_up_confidence=prediction.runner_up_confidence,
            out_of_scope=prediction.out_of_scope,
            frustration=frustration,
            slots=slots,
            frustration_trend=trend([*context.previous_frustration, frustration]),
            language_switched=context.language is not None and language != context.language,
            follows=follows,
            repeated=_plain(text) in {_plain(t) for t in context.previous_customer_texts},
            unrelated=prediction.unrelated,
            foreign_language=self._language.foreign(text),
            person_request=person,
            complaint_request=complaint,
            payment_request=payment,
        )

    def _followed(
        self,
        text: str,
        language: Language,
        prediction: IntentPrediction,
        context: Context,
        slots: Slots,
    ) -> str | None:
        """The earlier question a short message follows up ("and how much does it cost?" after
        a delivery question), or None when it stands on its own: an unclear message that opens
        like a follow-up or points back, or any that does both ("and" ... "it": whatever it
        seems to ask alone, it asks about what came before; the caller keeps the surer reading).
        Never one that is clearly about what the shop does not handle: "Wie wird das Wetter
        morgen?" points with "das" only as an article, and read with "where is my order?" it
        would become that question."""
        if not context.previous_customer_texts or prediction.unrelated:
            return None
        words = re.findall(r"[^\W\d_]+", text.lower())
        if not words or len(words) > FOLLOW_UP_WORDS or slots.order_ids:
            return None
        found = self.catalogue.languages.get(language)
        if found is None:
            return None
        spaced = " ".join(words)
        opens = any(spaced == o or spaced.startswith(f"{o} ") for o in found.follow_up_openers)
        points = any(word in found.follow_up_pointers for word in words)
        unclear = prediction.out_of_scope or prediction.confidence < FOLLOW_UP_BELOW
        follows = (opens and points) or (unclear and (opens or points))
        return context.previous_customer_texts[-1] if follows else None

    def last_request(self, text: str) -> str:
        """The part of `text` after its last self-correction ("cancel it, no wait, return it"
        -> "return it"), when that part says something (two words or more); else `text`. The
        intent is read from it; details (order numbers, items) still come from all of `text`."""
        if self._corrected is None:
            return text
        parts = self._corrected.split(text)
        rest = parts[-1] if len(parts) > 1 else ""
        return rest if len(re.findall(r"[^\W\d_]{2,}", rest)) >= _CORRECTED_WORDS else text


def _strongest(
    model: IntentClassifier, label: str, texts: Sequence[str], vectors: Vectors
) -> float:
    """The highest probability of `label` over `texts` (a message and each of its parts,
    ``Parts.of``, read alone; `vectors` are their embeddings): how sure we are that the message
    asks for a person (the person model) or makes a complaint (the intents) somewhere in it."""
    column = model.labels.index(label)
    return max(
        float(model.probabilities([unaccented(text)], vectors[index : index + 1])[0, column])
        for index, text in enumerate(texts)
    )


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


#: A message this unsure of its own intent, of at most this many words, may follow up the
#: question before it; read together, they must be at least this sure.
FOLLOW_UP_BELOW = 0.6
FOLLOW_UP_WORDS = 8
#: How much surer than its own reading a sure follow-up must be read with the one before it.
FOLLOW_UP_MARGIN = 0.2

#: Words a correction must be followed by to replace what came before it.
_CORRECTED_WORDS = 2


def _corrections(catalogue: Catalogue) -> re.Pattern[str] | None:
    found = {w for lang in catalogue.languages.values() for w in lang.corrections}
    words = sorted(found, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)[\s,.:;!-]*", re.IGNORECASE)


def train(model_dir: Path, catalogue_dir: Path = CATALOGUE_DIR) -> Understander:
    """Train on the catalogue and store the model in ``model_dir``."""
    catalogue = load_catalogue(catalogue_dir)
    slots = SlotExtractor(catalogue)
    # Learn from the words around identifiers, as understand() reads them.
    masked = [(slots.mask(text), label) for text, label in catalogue.examples()]
    texts, labels = zip(
        *[(t, label) for t, label in masked if any(c.isalpha() for c in t)], strict=True
    )
    vectors = embed(list(texts))  # the encoder reads the text as written, the words unaccented
    languages = catalogue.languages.values()
    people = [slots.mask(t) for lang in languages for t in lang.people_mentioned]
    paying = [slots.mask(t) for lang in languages for t in lang.payments_mentioned]
    # One word and character vocabulary for the three models: a message's terms are looked up
    # once, not once per model (each message and each of its parts is read by all three).
    terms = term_vectorizers([unaccented(t) for t in (*texts, *people, *paying)])
    intents = IntentClassifier(terms=terms).fit([unaccented(t) for t in texts], labels, vectors)
    examples = (texts, labels, vectors, terms)
    person = _request_model(PERSON, {PERSON}, people, *examples)
    payment = _request_model(PAYMENT, PAYMENT_INTENTS, paying, *examples)
    frustration = FrustrationScorer(catalogue)
    stored = _StoredModel(_version(catalogue), intents, frustration, person, payment)
    _store(model_dir / MODEL_FILE, stored)
    return Understander(catalogue, intents, frustration, person, payment)


def _request_model(
    name: str,
    intents: Iterable[str],
    mentioned: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: Vectors,
    terms: Terms,
) -> IntentClassifier:
    """A request that needs a person wherever it stands in a message: the examples of
    `intents` (as `name`) against every other example, and against sentences that only mention
    what they are about (`mentioned`: "your colleague said it comes monday", "I paid with iDEAL
    yesterday"), which the intents never see (they would pull such a message's own question out
    of scope)."""
    wanted = set(intents)
    binary = [name if label in wanted else OTHER for label in labels] + [OTHER] * len(mentioned)
    every = [unaccented(text) for text in (*texts, *mentioned)]
    model = IntentClassifier(terms=terms)
    return model.fit(every, binary, np.vstack([vectors, embed(list(mentioned))]))


def load_or_train(model_dir: Path, catalogue_dir: Path = CATALOGUE_DIR) -> Understander:
    """Load the stored model, or train and store one when none matches the catalogue."""
    catalogue = load_catalogue(catalogue_dir)
    stored = _load(model_dir / MODEL_FILE)
    if stored is None or stored.version != _version(catalogue):
        log.info("training the understanding model into %s", model_dir)
        return train(model_dir, catalogue_dir)
    return Understander(
        catalogue, stored.intents, stored.frustration, stored.person, stored.payment
    )


def _version(catalogue: Catalogue) -> str:
    code = hashlib.sha256()
    for name in _STORED_CODE:
        code.update((Path(__file__).parent / name).read_bytes())
    return f"{catalogue.fingerprint}:{code.hexdigest()[:16]}:sklearn-{sklearn.__version__}"


def _load(path: Path) -> _StoredModel | None:
    """The stored model, or None when there is none or it cannot be read (then we retrain)."""
    try:
        with path.open("rb") as file:
            stored = pickle.load(file)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
        log.warning("cannot read %s (%s); retraining", path, exc)
        return None
    return stored if isinstance(stored, _StoredModel) else None


def _store(path: Path, model: _StoredModel) -> None:
    """Write atomically, so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as file:
        pickle.dump(model, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(file.name, path)
