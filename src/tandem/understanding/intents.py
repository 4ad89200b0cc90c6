"""Intent classification with calibrated confidence and out-of-scope detection.

Features: the multilingual sentence embedding (weighted), word 1-2-gram and character 2-5-gram
TF-IDF. Classifier: a linear SVM whose scores are turned into probabilities by temperature
scaling fitted on out-of-fold scores. A message is out of scope when the best class is ``oos``
or its probability is below a threshold chosen on the same out-of-fold predictions. The engine
trains on any (text, label) data; see docs/understanding.md for the measurements behind it.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from tandem.understanding.catalogue import OUT_OF_SCOPE
from tandem.understanding.embeddings import Vectors, embed

Matrix = npt.NDArray[np.float64]

#: Weight of the embedding block against the two TF-IDF blocks (each row has norm 1).
EMBEDDING_WEIGHT = 2.0
#: In-scope accuracy the out-of-scope threshold may cost, measured out of fold.
IN_SCOPE_BUDGET = 0.01
#: How sure the ``oos`` class must be to call a message unrelated to the shop.
UNRELATED_PROBABILITY = 0.5
#: Folds for the out-of-fold scores that calibrate the confidence and choose the threshold.
FOLDS = 3


class TrainingError(ValueError):
    """The training data cannot train a classifier."""


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    """The best intent, or ``oos`` with the best in-scope guess as runner-up."""

    intent: str
    confidence: float
    runner_up: str
    runner_up_confidence: float
    out_of_scope: bool
    #: The ``oos`` class itself won with at least UNRELATED_PROBABILITY: a question the shop does
    #: not handle (a password, the weather), not merely an unclear one.
    unrelated: bool = False


class IntentClassifier:
    def __init__(self, *, seed: int = 0) -> None:
        self._word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self._svm = LinearSVC(C=1.0, max_iter=10_000, random_state=seed)
        self._seed = seed
        self.labels: tuple[str, ...] = ()
        self.temperature = 1.0
        self.threshold = 0.0

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], vectors: Vectors | None = None
    ) -> IntentClassifier:
        """Train; when ``oos`` examples are present, also choose the out-of-scope threshold."""
        folds = _folds(labels)
        vectors = embed(texts) if vectors is None else vectors
        features = self._fit_features(texts, vectors)
        self.labels = tuple(str(label) for label in sorted(set(labels)))
        target = np.searchsorted(self.labels, labels)
        cv = StratifiedKFold(folds, shuffle=True, random_state=self._seed)
        scores = _two_columns(
            cross_val_predict(self._svm, features, target, cv=cv, method="decision_function")
        )
        self.temperature = _fit_temperature(scores, target)
        if OUT_OF_SCOPE in self.labels:
            self.threshold = choose_threshold(
                softmax(scores / self.temperature, axis=1), target, self.labels
            )
        self._svm.fit(features, target)
        return self

    def probabilities(self, texts: Sequence[str], vectors: Vectors | None = None) -> Matrix:
        """Calibrated probabilities, one column per label in ``self.labels``."""
        vectors = embed(texts) if vectors is None else vectors
        if len(texts) == 1:
            scores = self._scores_of_one(texts[0], vectors[0])
        else:
            scores = _two_columns(self._svm.decision_function(self._features(texts, vectors)))
        result: Matrix = softmax(scores / self.temperature, axis=1)
        return result

    def _scores_of_one(self, text: str, vector: Vectors) -> Matrix:
        """The SVM's scores for one message without building sparse matrices (the latency path;
        a test keeps it equal to ``decision_function``)."""
        coef, offset = self._svm.coef_, len(vector)
        raw = coef[:, :offset] @ (vector * EMBEDDING_WEIGHT) + self._svm.intercept_
        for vectorizer in (self._word, self._char):
            columns, weights = _tfidf(vectorizer, text)
            raw += coef[:, offset + columns] @ weights
            offset += len(vectorizer.vocabulary_)
        return _two_columns(raw[None, :] if len(self.labels) > 2 else raw)

    def predict(
        self, texts: Sequence[str], vectors: Vectors | None = None
    ) -> list[IntentPrediction]:
        probabilities = self.probabilities(texts, vectors)
        return [self._decide(row) for row in probabilities]

    def _decide(self, row: Matrix) -> IntentPrediction:
        order = np.argsort(row)[::-1]
        in_scope = [int(i) for i in order if self.labels[i] != OUT_OF_SCOPE]
        best = int(order[0])
        if self.labels[best] == OUT_OF_SCOPE or row[best] < self.threshold:
            guess = in_scope[0]
            unrelated = self.labels[best] == OUT_OF_SCOPE and row[best] >= UNRELATED_PROBABILITY
            return IntentPrediction(
                OUT_OF_SCOPE,
                1.0 - float(row[guess]),
                self.labels[guess],
                float(row[guess]),
                True,
                bool(unrelated),
            )
        second = int(order[1])
        return IntentPrediction(
            self.labels[best], float(row[best]), self.labels[second], float(row[second]), False
        )

    def _fit_features(self, texts: Sequence[str], vectors: Vectors) -> sparse.csr_matrix:
        self._word.fit(texts)
        self._char.fit(texts)
        return self._features(texts, vectors)

    def _features(self, texts: Sequence[str], vectors: Vectors) -> sparse.csr_matrix:
        blocks = [
            sparse.csr_matrix(vectors * EMBEDDING_WEIGHT),
            self._word.transform(texts),
            self._char.transform(texts),
        ]
        return sparse.hstack(blocks, format="csr")


def choose_threshold(
    probabilities: Matrix, target: npt.NDArray[np.intp], labels: Sequence[str]
) -> float:
    """The highest confidence threshold that costs at most ``IN_SCOPE_BUDGET`` in-scope accuracy.

    Below the threshold a message is out of scope: every point of in-scope accuracy spent buys
    out-of-scope recall. An in-scope message counts as right only when it is in scope and
    correct; the accuracy without a threshold (only the ``oos`` class) is the reference.
    """
    oos = labels.index(OUT_OF_SCOPE)
    in_scope = target != oos
    best = probabilities.argmax(axis=1)[in_scope]
    top = probabilities.max(axis=1)[in_scope]
    right = best == target[in_scope]
    floor = right.mean() - IN_SCOPE_BUDGET
    candidates = np.unique(np.round(top, 3))
    kept = [t for t in candidates if np.mean(right & (top >= t)) >= floor]
    return float(max(kept, default=0.0))


def _tfidf(vectorizer: TfidfVectorizer, text: str) -> tuple[npt.NDArray[np.intp], Matrix]:
    """The non-zero columns and values of ``vectorizer.transform([text])`` (sublinear tf, l2)."""
    vocabulary = vectorizer.vocabulary_
    known = [
        (column, count)
        for term, count in _terms(vectorizer.analyzer, vectorizer.ngram_range, text).items()
        if (column := vocabulary.get(term)) is not None
    ]
    columns = np.fromiter((column for column, _ in known), np.intp, len(known))
    weights = 1.0 + np.log(np.fromiter((count for _, count in known), np.float64, len(known)))
    weights *= vectorizer.idf_[columns]
    norm = np.linalg.norm(weights)
    return columns, weights / norm if norm else weights


@functools.lru_cache(maxsize=64)
def _terms(analyzer: str, ngram_range: tuple[int, int], text: str) -> Counter[str]:
    """The terms of a text and their counts, as a vectorizer with these settings reads them;
    shared by the intent and person models, which read each message with the same settings."""
    return Counter(_analyzer(analyzer, ngram_range)(text))


@functools.cache
def _analyzer(analyzer: str, ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    built: Callable[[str], list[str]] = TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngram_range
    ).build_analyzer()
    return built


def _two_columns(scores: Matrix) -> Matrix:
    """Binary SVMs give one score for the second class; make it one column per class."""
    if scores.ndim == 2:
        return scores
    return np.column_stack([-scores, scores]) / 2


def _fit_temperature(scores: Matrix, target: npt.NDArray[np.intp]) -> float:
    """Temperature scaling: the T minimising the log loss of softmax(scores / T)."""

    def log_loss(temperature: float) -> float:
        log_p = log_softmax(scores / temperature, axis=1)
        return float(-np.mean(log_p[np.arange(len(target)), target]))

    result = minimize_scalar(log_loss, bounds=(0.01, 10.0), method="bounded")
    return float(result.x)


def _folds(labels: Sequence[str]) -> int:
    counts = Counter(labels)
    if len(counts) < 2:
        raise TrainingError("training data needs at least two different labels")
    label, fewest = min(counts.items(), key=lambda item: item[1])
    if fewest < 2:
        raise TrainingError(f"label {label!r} has {fewest} example; every label needs at least 2")
    return min(FOLDS, fewest)
