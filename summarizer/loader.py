"""Stream trial documents from files, directories and archives into ``ParseOutcome``s.

Archives are read member by member (never extracted to disk, never loaded whole), every document
is decoded and size-checked on its own, and one bad document becomes one outcome with an error:
it never stops the batch.
"""

from __future__ import annotations

import codecs
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pydantic import BaseModel, Field

from summarizer.models import Trial
from summarizer.parsers import ParseError, controls, parse_text

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
_ZIP_SUFFIXES = (".zip",)
_CONTROL_OK = {9, 10, 12, 13}
_HEAD_BYTES = 65536


class ParseOutcome(BaseModel):
    """What one document gave: its trials, or a one-line reason it could not be read."""

    path: str = Field(description="display name, e.g. 'archive.tar.gz:ctgov_xml/NCT1.xml'")
    trials: list[Trial] = Field(default_factory=list)
    error: str | None = None
    size: int = Field(default=0, description="bytes read")

    @property
    def ok(self) -> bool:
        return self.error is None


class _DecodeError(ValueError):
    pass


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a document and a warning when it was not clean UTF-8; ``_DecodeError`` for binary.

    Control characters other than tab, line feed, form feed and carriage return are replaced by
    U+FFFD (one for one, so offsets hold): an escape sequence in a document must never reach a
    terminal, and XML and JSON forbid them anyway. A few stray NULs in a text are replaced the
    same way; more than one byte in 50 means the file is binary.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _neutralized(data.decode("utf-16"), None)
        except UnicodeDecodeError as exc:
            raise _DecodeError("binary file") from exc
    head = data[:_HEAD_BYTES]
    if head.count(0) > len(head) // 50:
        raise _DecodeError("binary file")
    try:
        return _neutralized(data.decode("utf-8"), None)
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    if sum(1 for b in head if b < 32 and b not in _CONTROL_OK) > len(head) // 10:
        raise _DecodeError("binary file")
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warning = f"file is not valid UTF-8; decoded as {encoding}, some characters may be wrong"
        return _neutralized(text, warning)
    raise _DecodeError("binary file")  # pragma: no cover - latin-1 decodes every byte


def _neutralized(text: str, warning: str | None) -> tuple[str, str | None]:
    """``text`` with control characters replaced, and a warning saying how many were."""
    clean = controls.neutralize(text)
    if clean == text:
        return text, warning
    count = sum(1 for a, b in zip(text, clean, strict=True) if a != b)
    note = f"{count} control character{'s' * (count != 1)} replaced with U+FFFD"
    return clean, f"{warning}; {note}" if warning else note


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def parse_document(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParseOutcome:
    """One document's bytes into an outcome; never raises for bad input."""
    size = len(data)
    if size > max_bytes:
        return _too_large(name, size, max_bytes)
    if not data.strip():
        return ParseOutcome(path=name, error="empty file", size=size)
    try:
        text, warning = decode(data)
    except _DecodeError as exc:
        return ParseOutcome(path=name, error=str(exc), size=size)
    if not text.strip(" \t\r\n\ufeff"):
        return ParseOutcome(path=name, error="empty file", size=size)
    try:
        trials = parse_text(name, text)
    except ParseError as exc:
        return ParseOutcome(path=name, error=_one_line(str(exc), "could not be parsed"), size=size)
    except Exception as exc:  # one broken document must not stop a batch of thousands
        reason = _one_line(f"internal parser error ({type(exc).__name__}: {exc})", "")
        return ParseOutcome(path=name, error=reason, size=size)
    if warning:
        for trial in trials:
            trial.warnings.append(warning)
    return ParseOutcome(path=name, trials=trials, size=size)


def _one_line(reason: str, default: str, limit: int = 300) -> str:
    """A reason as one short printable line: whitespace collapsed, controls dropped, cut."""
    printable = controls.neutralize(reason).replace(controls.REPLACEMENT, "")
    line = " ".join(printable.split()) or default
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _too_large(name: str, size: int, max_bytes: int) -> ParseOutcome:
    reason = f"file too large ({_megabytes(size)}; limit {_megabytes(max_bytes)})"
    return ParseOutcome(path=name, error=reason, size=size)


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes: enough to tell a document is too large."""
    return stream.read(max_bytes + 1)


def _is_archive(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.name.lower().endswith(suffixes)


def _iter_tar(path: Path, display: str, max_bytes: int) -> Iterator[ParseOutcome]:
    try:
        archive = tarfile.open(path, mode="r|*")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        yield ParseOutcome(path=display, error=f"unreadable archive ({exc})")
        return
    with archive:
        try:
            for member in archive:
                if not member.isfile() or _hidden(member.name):
                    continue
                name = f"{display}:{member.name}"
                if member.size > max_bytes:
                    yield _too_large(name, member.size, max_bytes)
                    continue
                stream = archive.extractfile(member)
                data = _read_limited(stream, max_bytes) if stream else b""
                yield parse_document(name, data, max_bytes=max_bytes)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            yield ParseOutcome(path=display, error=f"archive ends early or is corrupt ({exc})")


def _iter_zip(path: Path, display: str, max_bytes: int) -> Iterator[ParseOutcome]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield ParseOutcome(path=display, error=f"unreadable archive ({exc})")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or _hidden(info.filename):
                continue
            name = f"{display}:{info.filename}"
            if info.file_size > max_bytes:
                yield _too_large(name, info.file_size, max_bytes)
                continue
            try:
                with archive.open(info) as stream:
                    data = _read_limited(stream, max_bytes)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield ParseOutcome(path=name, error=f"unreadable archive member ({exc})")
                continue
            yield parse_document(name, data, max_bytes=max_bytes)


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in Path(name).parts)


def _iter_file(path: Path, max_bytes: int) -> Iterator[ParseOutcome]:
    display = str(path)
    if _is_archive(path, _TAR_SUFFIXES):
        yield from _iter_tar(path, display, max_bytes)
        return
    if _is_archive(path, _ZIP_SUFFIXES):
        yield from _iter_zip(path, display, max_bytes)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield _too_large(display, size, max_bytes)
            return
        with path.open("rb") as stream:
            data = _read_limited(stream, max_bytes)
    except OSError as exc:
        yield ParseOutcome(path=display, error=f"cannot read file ({exc.strerror or exc})")
        return
    yield parse_document(display, data, max_bytes=max_bytes)


def _files(path: Path) -> Iterator[Path]:
    """Every non-hidden file under ``path``, sorted, without building the full list first."""
    try:
        entries = sorted(path.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _files(entry)
        elif entry.is_file():
            yield entry


def parse_paths(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ParseOutcome]:
    """One outcome per document in ``paths`` (files, directories, tar/zip archives), in order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in _files(path):
                yield from _iter_file(file, max_bytes)
        elif path.exists():
            yield from _iter_file(path, max_bytes)
        else:
            yield ParseOutcome(path=str(path), error="no such file or directory")


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many documents ``parse_paths`` will yield (for progress bars); tar archives are read
    once for their headers, which costs a decompression pass but no parsing."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _files(path) if path.is_dir() else iter([path])
        for file in files:
            total += _count_file(file)
    return total


def _count_file(path: Path) -> int:
    try:
        if _is_archive(path, _TAR_SUFFIXES):
            with tarfile.open(path, mode="r|*") as archive:
                return sum(1 for m in archive if m.isfile() and not _hidden(m.name))
        if _is_archive(path, _ZIP_SUFFIXES):
            with zipfile.ZipFile(path) as archive:
                return sum(
                    1 for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)
                )
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError):
        return 1
    return 1
