"""Fake chunk packages for pull tests: real importable modules with ``get_part_path()``."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.local_llm.models import ModelSpec

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
