"""Fixtures for the local model: fake chunk packages for pull tests (real importable modules with
``get_part_path()``), and the real model served once per session for the ``local_llm`` tests."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from summarizer.config import Settings
from summarizer.local_llm.models import DEFAULT_MODEL, ModelSpec, get_model
from summarizer.local_llm.pull import model_path, pull

if TYPE_CHECKING:
    from summarizer.local_llm.serve import LocalServer

SPEC = get_model(DEFAULT_MODEL)

_counter = itertools.count()


def write_part_packages(root: Path, prefix: str, contents: list[bytes]) -> list[Path]:
    """One package ``<prefix>_partN`` per content, each serving its bytes from ``data/``."""
    files = []
    for number, data in enumerate(contents, start=1):
        package = root / f"{prefix}_part{number}"
        (package / "data").mkdir(parents=True)
        data_file = package / "data" / f"part{number:02d}.bin"
        data_file.write_bytes(data)
        (package / "__init__.py").write_text(
            "import os\n"
            "def get_part_path():\n"
            f"    return os.path.join(os.path.dirname(__file__), 'data', {data_file.name!r})\n"
        )
        files.append(data_file)
    return files


FakeModel = Callable[..., tuple[ModelSpec, list[Path]]]


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    """Chunk packages on sys.path and a spec for them (sha256 and size of the chunks in order).

    ``parts`` chunks of distinct bytes (the first starts with the GGUF magic); ``spec_parts``
    overrides how many the spec expects; ``sha256`` overrides the pinned hash.
    """
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))

    def make(
        parts: int = 3, *, spec_parts: int | None = None, sha256: str | None = None
    ) -> tuple[ModelSpec, list[Path]]:
        prefix = f"fakemodel{next(_counter)}"
        contents = [
            (b"GGUF" if i == 0 else b"") + bytes([65 + i]) * (1000 + 17 * i) for i in range(parts)
        ]
        files = write_part_packages(root, prefix, contents)
        whole = b"".join(contents)
        spec = ModelSpec(
            key="fake",
            name=f"{prefix}-model",
            title="Fake model",
            package_prefix=prefix,
            version="1.0",
            parts=spec_parts or parts,
            sha256=sha256 or hashlib.sha256(whole).hexdigest(),
            size=len(whole),
            extra="local-llm",
        )
        return spec, files

    return make


@pytest.fixture(scope="session")
def model_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the verified model is: the trialsum home if it was pulled there (as CI does),
    otherwise pulled now into a temporary home, never into the user's."""
    home = Settings().home
    if model_path(SPEC, home).is_file():
        pull(SPEC, home)  # verifies; a damaged file is assembled again
        return home
    scratch = tmp_path_factory.mktemp("model_home")
    pull(SPEC, scratch)
    return scratch


@pytest.fixture(scope="session")
def server(model_home: Path) -> Iterator[LocalServer]:
    """One real llama.cpp server for the session (needs the local-llm extra)."""
    from summarizer.local_llm.serve import LocalServer, ServeOptions

    with LocalServer(SPEC, model_home, ServeOptions(verify=False)) as running:
        yield running


@pytest.fixture
def llm_env(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    """The environment a user sets from ``trialsum llm serve``'s export lines."""
    from summarizer.local_llm.serve import client_environment

    for name, value in client_environment(server).items():
        monkeypatch.setenv(name, value)
    return server
