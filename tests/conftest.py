from __future__ import annotations

import os
from pathlib import Path

import pytest

from retrieval.archive import Archive
from retrieval.encoder import Encoder, load_encoder
from retrieval.sources import load_file
from tests.samples import SAMPLE


def pytest_configure(config: pytest.Config) -> None:
    # The model's ONNX export (made once, kept between runs) goes to pytest's own cache
    # folder in the checkout, not the developer's ~/.cache.
    cache = getattr(config, "cache", None)
    if cache is not None:
        os.environ["XDG_CACHE_HOME"] = str(cache.mkdir("xdg-cache"))


@pytest.fixture(autouse=True)
def clean_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No NEWSBOT_* variable or .env of the developer's reaches a test; each test runs in
    an empty working directory."""
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    # The same vectors on every machine: "auto" would pick bfloat16 on a CPU with AMX.
    # tests/test_encoder.py tries bfloat16 itself.
    monkeypatch.setenv("NEWSBOT_INGEST_PRECISION", "fp32")
    cwd = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(cwd)
    return cwd


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The real packaged model, loaded once."""
    return load_encoder(ingest_precision="fp32")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def archive(data_dir: Path, encoder: Encoder) -> Archive:
    """An archive holding the sample article."""
    archive = Archive(data_dir, encoder=encoder)
    archive.ingest(load_file(SAMPLE)[0].draft)
    return archive
