import threading

import numpy as np
import pytest

from tandem.understanding.embeddings import DIMENSION, Batcher, embed, encode


def test_that_embeddings_are_normalised_float32_rows() -> None:
    vectors = embed(["where is my order?", "waar is mijn bestelling?", "", "😀"])
    assert vectors.shape == (4, DIMENSION)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_that_a_question_is_closer_to_its_translation_than_to_another_topic() -> None:
    en, nl, other = embed(["where is my order?", "waar is mijn bestelling?", "tell me a joke"])
    assert en @ nl > en @ other


def test_that_no_texts_give_an_empty_matrix() -> None:
    assert embed([]).shape == (0, DIMENSION)


TEXTS = [f"where is my order TD-{1000 + n}? it is late" for n in range(16)]


def test_that_requests_arriving_together_are_encoded_in_one_batch_with_their_own_rows() -> None:
    batcher = Batcher(wait_seconds=1.0)  # long enough that all 16 arrive within it
    ready = threading.Barrier(len(TEXTS))
    rows: dict[int, np.ndarray] = {}

    def customer(number: int) -> None:
        ready.wait()
        rows[number] = batcher.embed([TEXTS[number]])

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(len(TEXTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert batcher.batches == 1
    alone = encode(TEXTS)
    for number, row in rows.items():
        assert row.shape == (1, DIMENSION)
        assert np.allclose(row[0], alone[number], atol=1e-5)


def test_that_an_encoder_error_reaches_the_caller_and_the_batcher_goes_on() -> None:
    batcher = Batcher()
    with pytest.raises(TypeError):
        batcher.embed([None])  # type: ignore[list-item]
    assert batcher.embed(["still here"]).shape == (1, DIMENSION)
