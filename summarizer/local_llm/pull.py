"""Assemble a local model's GGUF from its installed chunk packages, verified before it is kept.

The chunks are read in part order (1..N) through each package's ``get_part_path()``, hashed while
they are copied, and the result replaces ``$TRIALSUM_HOME/models/<name>.gguf`` only when its
sha256 matches the pinned one: a wrong, reordered or truncated chunk never leaves a model file
behind, and an interrupted pull leaves only a temporary file that the next pull overwrites.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel

from summarizer.local_llm.models import ModelSpec

CHUNK = 4 * 1024 * 1024
GGUF_MAGIC = b"GGUF"

Progress = Callable[[int, int], None]  # (bytes done, bytes total)
Locate = Callable[[str], Path]  # import name of a chunk package -> its data file


class PullError(RuntimeError):
    """The model could not be assembled or verified; the message is one line for the user."""


class PullResult(BaseModel):
    path: Path
    sha256: str
    size: int
    seconds: float
    reused: bool = False  # the file was already there and verified; nothing was written


def models_dir(home: Path) -> Path:
    return home / "models"


def model_path(spec: ModelSpec, home: Path) -> Path:
    return models_dir(home) / spec.filename


def install_hint(spec: ModelSpec) -> str:
    return f"pip install -e '.[{spec.extra}]'"


def locate_part(module_name: str) -> Path:
    """The data file of an installed chunk package, from its own ``get_part_path()``."""
    module = importlib.import_module(module_name)
    return Path(module.get_part_path())


def part_paths(spec: ModelSpec, locate: Locate = locate_part) -> list[Path]:
    """Every chunk's file, in part order; a missing package or file is a ``PullError``."""
    paths: list[Path] = []
    for part in range(1, spec.parts + 1):
        module = spec.module(part)
        try:
            path = locate(module)
        except ImportError:
            raise PullError(
                f"chunk package {spec.distribution(part)} of the {spec.key} model is not "
                f"installed: {install_hint(spec)}"
            ) from None
        if not path.is_file():
            raise PullError(
                f"chunk {part} of the {spec.key} model is missing ({path}); reinstall it: "
                f"pip install --force-reinstall {spec.distribution(part)}=={spec.version}"
            )
        paths.append(path)
    return paths


def sha256_of(paths: Iterable[Path], progress: Progress | None = None, total: int = 0) -> str:
    """sha256 of the files read one after another (the assembled file, without writing it)."""
    digest = hashlib.sha256()
    done = 0
    for path in paths:
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
    return digest.hexdigest()


def verify_file(path: Path, spec: ModelSpec, progress: Progress | None = None) -> str:
    """``path``'s sha256 if it is ``spec``'s model; otherwise a ``PullError`` saying what to do."""
    if not path.is_file():
        raise PullError(
            f"the {spec.key} model is not pulled yet ({path} is missing): run "
            f"`trialsum llm pull --model {spec.key}`"
        )
    size = path.stat().st_size
    if spec.size is not None and size != spec.size:
        raise PullError(
            f"{path} has {size:,} bytes, not the {spec.size:,} of the {spec.key} model: run "
            f"`trialsum llm pull --model {spec.key} --force`"
        )
    digest = sha256_of([path], progress, size)
    if digest != spec.sha256:
        raise PullError(
            f"{path} is corrupt (sha256 {digest[:12]}…, expected {spec.sha256[:12]}…): run "
            f"`trialsum llm pull --model {spec.key} --force`"
        )
    return digest


def pull(
    spec: ModelSpec,
    home: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
    locate: Locate = locate_part,
) -> PullResult:
    """Assemble and verify ``spec``'s GGUF under ``home``; a verified existing file is kept."""
    started = time.monotonic()
    target = model_path(spec, home)
    if target.is_file() and not force:
        try:
            existing = verify_file(target, spec, progress)
        except PullError:
            pass  # damaged or foreign: assemble it again below
        else:
            return PullResult(
                path=target,
                sha256=existing,
                size=target.stat().st_size,
                seconds=time.monotonic() - started,
                reused=True,
            )
    paths = part_paths(spec, locate)
    total = sum(p.stat().st_size for p in paths)
    if spec.size is not None and total != spec.size:
        raise PullError(
            f"the {spec.parts} chunks of the {spec.key} model add up to {total:,} bytes, not "
            f"{spec.size:,}: reinstall them with {install_hint(spec)} --force-reinstall"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for path in paths:
                with path.open("rb") as handle:
                    while block := handle.read(CHUNK):
                        digest.update(block)
                        out.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
            out.flush()
            os.fsync(out.fileno())
        found = digest.hexdigest()
        if found != spec.sha256:
            raise PullError(
                f"the assembled {spec.key} model does not match its pinned sha256 (got "
                f"{found[:12]}…, expected {spec.sha256[:12]}…): refusing to use it; reinstall "
                f"the chunk packages with {install_hint(spec)} --force-reinstall"
            )
        with partial.open("rb") as check:
            if check.read(len(GGUF_MAGIC)) != GGUF_MAGIC:  # pragma: no cover - sha256 covers it
                raise PullError(f"the assembled {spec.key} model is not a GGUF file")
        os.replace(partial, target)
    except OSError as exc:
        raise PullError(f"could not write {target}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return PullResult(
        path=target, sha256=found, size=done, seconds=time.monotonic() - started, reused=False
    )
