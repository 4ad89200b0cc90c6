"""Intent classification with calibrated confidence and out-of-scope detection.

Features: the multilingual sentence embedding (weighted), word 1-2-gram and character 2-5-gram
TF-IDF. Classifier: a linear SVM whose scores are turned into probabilities by temperature
scaling fitted on out-of-fold scores. A message is out of scope when the best class is ``oos``
or the out-of-scope model (``out_of_scope.py``), trained on the same out-of-fold predictions,
says so. The folds keep near-duplicate examples together. The engine trains on any
(text, label) data; see docs/understanding.md for the measurements behind it.
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
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from tandem.understanding.catalogue import OUT_OF_SCOPE
from tandem.understanding.embeddings import Vectors, embed
from tandem.understanding.out_of_scope import OutOfScopeModel, Splits, near_duplicate_groups

Matrix = npt.NDArray[np.float64]

#: Weight of the embedding block against the two TF-IDF blocks (each row has norm 1).
EMBEDDING_WEIGHT = 2.0
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
    def __init__(self, *, seed: int = 0, terms: Terms | None = None) -> None:
        """`terms`: word and character TF-IDF already fitted, shared with other classifiers
        (a message's terms are then looked up once for all of them); else fitted by ``fit``."""
        self._word, self._char = terms or term_vectorizers()
        self._terms_fitted = terms is not None
        self._svm = LinearSVC(C=1.0, max_iter=10_000, random_state=seed)
        self._seed = seed
        self.labels: tuple[str, ...] = ()
        self.temperature = 1.0
        self._out_of_scope: OutOfScopeModel | None = None

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], vectors: Vectors | None = None
    ) -> IntentClassifier:
        """Train; when ``oos`` examples are present, also choose the out-of-scope threshold."""
        folds = _folds(labels)
        vectors = embed(texts) if vectors is None else vectors
        features = self._fit_features(texts, vectors)
        self.labels = tuple(str(label) for label in sorted(set(labels)))
        target = np.searchsorted(self.labels, labels)
        splits = self._splits(folds, target, vectors)
        scores = _two_columns(
            cross_val_predict(self._svm, features, target, cv=splits, method="decision_function")
        )
        self.temperature = _fit_temperature(scores, target)
        self._out_of_scope = None
        if OUT_OF_SCOPE in self.labels:
            probabilities = softmax(scores / self.temperature, axis=1)
            model = OutOfScopeModel(self.labels.index(OUT_OF_SCOPE))
            self._out_of_scope = model.fit(probabilities, target, vectors, splits)
        self._svm.fit(features, target)
        return self

    @property
    def threshold(self) -> float:
        """The out-of-scope model's threshold on its in-scope score (0 without ``oos`` data)."""
        return 0.0 if self._out_of_scope is None else self._out_of_scope.threshold

    def _splits(self, folds: int, target: npt.NDArray[np.intp], vectors: Vectors) -> Splits:
        """Stratified folds that hold near-duplicates out together, so out-of-fold messages
        are as new as real ones; plain stratified folds when grouping leaves a label out of
        some fold's training part."""
        grouped = StratifiedGroupKFold(folds, shuffle=True, random_state=self._seed)
        groups = near_duplicate_groups(vectors, target)
        splits = list(grouped.split(vectors, target, groups))
        labels = len(self.labels)
        if all(len(np.unique(target[seen])) == labels for seen, _ in splits):
            return splits
        plain = StratifiedKFold(folds, shuffle=True, random_state=self._seed)
        return list(plain.split(vectors, target))

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
        vectors = embed(texts) if vectors is None else vectors
        probabilities = self.probabilities(texts, vectors)
        if self._out_of_scope is None:
            return [self._decide(row, sure=True) for row in probabilities]
        scores = self._out_of_scope.in_scope_score(probabilities, vectors)
        return [
            self._decide(row, sure=bool(score >= self.threshold))
            for row, score in zip(probabilities, scores, strict=True)
        ]

    def _decide(self, row: Matrix, *, sure: bool) -> IntentPrediction:
        """`sure`: the out-of-scope model finds the message in scope."""
        order = np.argsort(row)[::-1]
        in_scope = [int(i) for i in order if self.labels[i] != OUT_OF_SCOPE]
        best = int(order[0])
        if self.labels[best] == OUT_OF_SCOPE or not sure:
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
        if not self._terms_fitted:
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


#: Word 1-2-gram and character 2-5-gram TF-IDF.
Terms = tuple[TfidfVectorizer, TfidfVectorizer]


def term_vectorizers(texts: Sequence[str] = ()) -> Terms:
    """Word and character TF-IDF, fitted on `texts` when there are any (to share them)."""
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    if texts:
        word.fit(texts)
        char.fit(texts)
    return word, char


@functools.lru_cache(maxsize=256)
def _tfidf(vectorizer: TfidfVectorizer, text: str) -> tuple[npt.NDArray[np.intp], Matrix]:
    """The non-zero columns and values of ``vectorizer.transform([text])`` (sublinear tf, l2);
    kept for the last texts read, so classifiers sharing a vectorizer look a message up once."""
    vocabulary = vectorizer.vocabulary_
    known = [
        (column, count)
        for term, count in Counter(_analyzer(vectorizer)(text)).items()
        if (column := vocabulary.get(term)) is not None
    ]
    columns = np.fromiter((column for column, _ in known), np.intp, len(known))
    weights = 1.0 + np.log(np.fromiter((count for _, count in known), np.float64, len(known)))
    weights *= vectorizer.idf_[columns]
    norm = np.linalg.norm(weights)
    return columns, weights / norm if norm else weights


@functools.lru_cache(maxsize=16)
def _analyzer(vectorizer: TfidfVectorizer) -> Callable[[str], list[str]]:
    """The vectorizer's own text analysis, built once per vectorizer (building it costs more
    than using it on one message)."""
    analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
    return analyze


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
