import numpy as np

from tandem.understanding.embeddings import DIMENSION, embed


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
