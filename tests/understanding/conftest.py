from pathlib import Path

import pytest

from tandem.understanding.pipeline import Understander, train


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def understander(model_dir: Path) -> Understander:
    """The catalogue model, trained once per test session."""
    return train(model_dir)
