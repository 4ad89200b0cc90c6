from pathlib import Path

import pytest

from conftest import exclusive, run_folder
from tandem.understanding.pipeline import MODEL_FILE, Understander, load_or_train, train


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_folder(tmp_path_factory) / "models"


@pytest.fixture(scope="session")
def understander(model_dir: Path) -> Understander:
    """The catalogue model, trained once per test run: parallel workers load what the first
    one trained and stored."""
    with exclusive(model_dir.parent / "models.lock"):
        if (model_dir / MODEL_FILE).exists():
            return load_or_train(model_dir)
        return train(model_dir)
