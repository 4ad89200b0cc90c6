"""Out of scope as a decision of its own: a small model over the classifier's probabilities and
the message's similarity to the examples of the intent it would get.

The classifier is often sure of an intent for a message unlike every example of it ("what is
the capital of France" as `delivery_time`); a logistic regression over out-of-fold features
(best in-scope probability, ``oos`` probability, margin to the runner-up, cosine similarity to
the nearest and to the mean of the three nearest training examples of the best in-scope intent)
learns how those combine for the data at hand, and one threshold on its score is chosen out of
fold by the explicit budget rule of :func:`choose_threshold`. The folds keep near-duplicate
examples together (:func:`near_duplicate_groups`), so out-of-fold messages are as new as real
ones. See docs/understanding.md for the measurements.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.intp]
#: (training rows, held-out rows) per fold.
Splits = list[tuple[Labels, Labels]]

#: In-scope accuracy the out-of-scope threshold may cost, measured out of fold.
IN_SCOPE_BUDGET = 0.01
#: Examples of one intent at least this similar are near-duplicates: held out together.
NEAR_DUPLICATE = 0.95
#: How many nearest examples of the best intent the mean similarity feature averages.
NEAREST = 3


def near_duplicate_groups(vectors: npt.NDArray[np.floating], target: Labels) -> Labels:
    """A group id per example: examples of one label joined by cosine ≥ NEAR_DUPLICATE."""
    groups = np.zeros(len(target), np.intp)
    offset = 0
    for label in np.unique(target):
        rows = np.flatnonzero(target == label)
        block = vectors[rows]
        linked = sparse.csr_matrix(block @ block.T >= NEAR_DUPLICATE)
        count, component = connected_components(linked, directed=False)
        groups[rows] = offset + component
        offset += count
    return groups


def choose_threshold(score: Matrix, right: npt.NDArray[np.bool_]) -> float:
    """The highest threshold on the in-scope `score` of in-scope messages that costs at most
    ``IN_SCOPE_BUDGET`` accuracy: below it a message is out of scope, and every point of in-scope
    accuracy spent buys out-of-scope recall. `right` says which of them the classifier gets
    right without a threshold (in scope and correct); that accuracy is the reference."""
    floor = right.mean() - IN_SCOPE_BUDGET
    candidates = np.unique(np.round(score, 3))
    kept = [t for t in candidates if np.mean(right & (score >= t)) >= floor]
    return float(max(kept, default=-np.inf))  # the lowest score always keeps the floor


class OutOfScopeModel:
    """Says how surely a message is in scope; below ``threshold`` it is out of scope."""

    def __init__(self, oos: int) -> None:
        self._oos = oos
        self._regression = LogisticRegression(max_iter=1000)
        self.threshold = 0.0
        #: The training vectors sorted by label; those of label i are rows bounds[i]:bounds[i+1].
        self._examples = np.zeros((0, 0), np.float32)
        self._bounds = np.zeros(1, np.intp)

    def fit(
        self,
        probabilities: Matrix,
        target: Labels,
        vectors: npt.NDArray[np.floating],
        splits: Splits,
    ) -> OutOfScopeModel:
        """Learn from out-of-fold `probabilities` over the same `splits` the classifier's
        out-of-fold scores came from (each message compared only with its fold's examples)."""
        guess = self._best_in_scope(probabilities)
        nearest = np.zeros((len(target), 2))
        for seen, held_out in splits:
            examples, bounds = _by_label(vectors[seen], target[seen], len(probabilities[0]))
            nearest[held_out] = _nearest(vectors[held_out], guess[held_out], examples, bounds)
        features = self._features(probabilities, nearest)
        unrelated = target == self._oos
        cv = StratifiedKFold(min(5, int(unrelated.sum())), shuffle=True, random_state=0)
        score = -cross_val_predict(
            self._regression, features, unrelated, cv=cv, method="decision_function"
        )
        in_scope = ~unrelated
        best = probabilities.argmax(axis=1)
        right = (best == target) & in_scope
        self.threshold = choose_threshold(score[in_scope], right[in_scope])
        self._regression.fit(features, unrelated)
        self._examples, self._bounds = _by_label(vectors, target, len(probabilities[0]))
        return self

    def in_scope_score(self, probabilities: Matrix, vectors: npt.NDArray[np.floating]) -> Matrix:
        """How surely each message is in scope (compare with ``threshold``)."""
        guess = self._best_in_scope(probabilities)
        nearest = _nearest(vectors, guess, self._examples, self._bounds)
        features = self._features(probabilities, nearest)
        # decision_function without scikit-learn's per-call checks (the one-message path)
        score: Matrix = -(features @ self._regression.coef_[0] + self._regression.intercept_[0])
        return score

    def _best_in_scope(self, probabilities: Matrix) -> Labels:
        in_scope = probabilities.copy()
        in_scope[:, self._oos] = -1.0
        best: Labels = in_scope.argmax(axis=1)
        return best

    def _features(self, probabilities: Matrix, nearest: Matrix) -> Matrix:
        ranked = -np.sort(-np.delete(probabilities, self._oos, axis=1), axis=1)
        second = ranked[:, 1] if ranked.shape[1] > 1 else np.zeros(len(ranked))
        return np.column_stack(
            [ranked[:, 0], probabilities[:, self._oos], ranked[:, 0] - second, nearest]
        )


def _by_label(
    vectors: npt.NDArray[np.floating], target: Labels, labels: int
) -> tuple[npt.NDArray[np.float32], Labels]:
    order = np.argsort(target, kind="stable")
    bounds: Labels = np.searchsorted(target[order], np.arange(labels + 1))
    return np.ascontiguousarray(vectors[order], dtype=np.float32), bounds


def _nearest(
    vectors: npt.NDArray[np.floating],
    guess: Labels,
    examples: npt.NDArray[np.float32],
    bounds: Labels,
) -> Matrix:
    """Per message, the cosine similarity to the nearest training example of its guessed label
    and the mean over the NEAREST nearest (vectors are L2-normalised)."""
    result = np.zeros((len(vectors), 2))
    for row, (vector, label) in enumerate(zip(vectors, guess, strict=True)):
        own = examples[bounds[label] : bounds[label + 1]]
        if len(own):
            similarity = np.sort(own @ vector.astype(np.float32))[::-1]
            result[row] = similarity[0], similarity[:NEAREST].mean()
    return result
