"""Intent classification with calibrated confidence and out-of-scope detection.

Features: the multilingual sentence embedding (weighted), word 1-2-gram and character 2-5-gram
TF-IDF. Classifier: a linear SVM whose scores are turned into probabilities by temperature
scaling fitted on out-of-fold scores. A message is out of scope when the best class is ``oos``
or its in-scope score (the best in-scope probability plus the cosine similarity to the nearest
training example of that intent) is below a threshold chosen on the
same out-of-fold predictions. The engine trains on any (text, label) data; see
docs/understanding.md for the measurements behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
IN_SCOPE_BUDGET = 0.007
#: Weight of the similarity to the nearest training example of the best in-scope intent in the
#: in-scope score: a message far from every example of the intent it is given is out of scope
#: even when the classifier is sure of that intent.
NEIGHBOUR_WEIGHT = 1.0
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
        #: The training vectors sorted by label, kept when there is an ``oos`` class to threshold;
        #: those of label i are rows ``_bounds[i]:_bounds[i + 1]``.
        self._examples: Vectors | None = None
        self._bounds: npt.NDArray[np.intp] = np.zeros(1, np.intp)

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
            oos = self.labels.index(OUT_OF_SCOPE)
            probabilities = softmax(scores / self.temperature, axis=1)
            guess = _best_in_scope(probabilities, oos)
            nearest = np.zeros(len(target))
            for seen, held_out in cv.split(features, target):
                nearest[held_out] = _nearest_of_class(
                    vectors[seen], target[seen], vectors[held_out], guess[held_out]
                )
            self.threshold = choose_threshold(
                in_scope_score(probabilities, nearest, oos), probabilities, target, oos
            )
            order = np.argsort(target, kind="stable")
            self._examples = np.ascontiguousarray(vectors[order], dtype=np.float32)
            self._bounds = np.searchsorted(target[order], np.arange(len(self.labels) + 1))
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
        vectors = embed(texts) if vectors is None else vectors
        probabilities = self.probabilities(texts, vectors)
        if self._examples is None:  # no out-of-scope class: only the classes decide
            return [self._decide(row, in_scope=True) for row in probabilities]
        oos = self.labels.index(OUT_OF_SCOPE)
        nearest = [
            self._nearest(vector, int(label))
            for vector, label in zip(vectors, _best_in_scope(probabilities, oos), strict=True)
        ]
        scores = in_scope_score(probabilities, np.array(nearest), oos)
        return [
            self._decide(row, in_scope=bool(score >= self.threshold))
            for row, score in zip(probabilities, scores, strict=True)
        ]

    def _nearest(self, vector: Vectors, label: int) -> float:
        """The cosine similarity of a message to the nearest training example of ``label``."""
        assert self._examples is not None
        examples = self._examples[self._bounds[label] : self._bounds[label + 1]]
        return float((examples @ vector).max()) if len(examples) else 0.0

    def _decide(self, row: Matrix, *, in_scope: bool) -> IntentPrediction:
        order = np.argsort(row)[::-1]
        guesses = [int(i) for i in order if self.labels[i] != OUT_OF_SCOPE]
        best = int(order[0])
        if self.labels[best] == OUT_OF_SCOPE or not in_scope:
            guess = guesses[0]
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


def in_scope_score(probabilities: Matrix, nearest: Matrix, oos: int) -> Matrix:
    """How surely each message is in scope: its best in-scope probability plus
    ``NEIGHBOUR_WEIGHT`` times its cosine similarity to the nearest training example of that
    intent. The similarity catches what the classifier is wrongly sure of."""
    best_in_scope = np.delete(probabilities, oos, axis=1).max(axis=1)
    score: Matrix = best_in_scope + NEIGHBOUR_WEIGHT * nearest
    return score


def choose_threshold(
    scores: Matrix, probabilities: Matrix, target: npt.NDArray[np.intp], oos: int
) -> float:
    """The highest in-scope score threshold that costs at most ``IN_SCOPE_BUDGET`` in-scope
    accuracy.

    Below the threshold a message is out of scope: every point of in-scope accuracy spent buys
    out-of-scope recall. An in-scope message counts as right only when it is in scope and
    correct; the accuracy without a threshold (only the ``oos`` class) is the reference.
    """
    in_scope = target != oos
    right = probabilities.argmax(axis=1)[in_scope] == target[in_scope]
    score = scores[in_scope]
    floor = right.mean() - IN_SCOPE_BUDGET
    candidates = np.unique(np.round(score, 4))
    kept = [t for t in candidates if np.mean(right & (score >= t)) >= floor]
    return float(max(kept, default=0.0))


def _best_in_scope(probabilities: Matrix, oos: int) -> npt.NDArray[np.intp]:
    """Each row's most probable label other than ``oos``."""
    others = probabilities.copy()
    others[:, oos] = -1.0
    best: npt.NDArray[np.intp] = others.argmax(axis=1)
    return best


def _nearest_of_class(
    examples: Vectors, labels: npt.NDArray[np.intp], vectors: Vectors, classes: npt.NDArray[np.intp]
) -> Matrix:
    """Each row's cosine similarity to the most similar example of its class (rows are
    L2-normalised); 0 for a class without examples."""
    nearest = np.zeros(len(vectors))
    for label in np.unique(classes):
        rows, mine = classes == label, examples[labels == label]
        if len(mine):
            nearest[rows] = (vectors[rows] @ mine.T).max(axis=1)
    return nearest


def _tfidf(vectorizer: TfidfVectorizer, text: str) -> tuple[npt.NDArray[np.intp], Matrix]:
    """The non-zero columns and values of ``vectorizer.transform([text])`` (sublinear tf, l2)."""
    vocabulary = vectorizer.vocabulary_
    counts = Counter(term for term in vectorizer.build_analyzer()(text) if term in vocabulary)
    columns = np.fromiter((vocabulary[term] for term in counts), np.intp, len(counts))
    weights = 1.0 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))
    weights *= vectorizer.idf_[columns]
    norm = np.linalg.norm(weights)
    return columns, weights / norm if norm else weights


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
