"""Uploaded documents, kept under the server's home by content: the same bytes land on the same
path (so a repeated upload is an unchanged trial, not a new one) and a name cannot escape."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
CHUNK = 1 << 16


def safe_name(name: str | None) -> str:
    """The file's own name (no folders), in safe characters; its suffixes kept (``.tar.gz``)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


def keep(stream: BinaryIO, name: str | None, folder: Path) -> Path:
    """Copy an upload to ``folder/<sha256 prefix>/<safe name>``; returns that path."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, prefix=".upload-") as tmp:
        while block := stream.read(CHUNK):
            digest.update(block)
            tmp.write(block)
    target = folder / digest.hexdigest()[:16] / safe_name(name)
    target.parent.mkdir(exist_ok=True)
    shutil.move(tmp.name, target)
    return target
