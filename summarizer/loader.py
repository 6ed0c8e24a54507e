"""Stream trial documents from files, directories and archives into ``ParseOutcome``s.

Archives are read member by member (never extracted to disk, never loaded whole), every document
is decoded and size-checked on its own, and one bad document becomes one outcome with an error:
it never stops the batch.
"""

from __future__ import annotations

import codecs
import gc
import tarfile
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pydantic import BaseModel, Field

from summarizer import controls
from summarizer.models import Trial
from summarizer.parsers import ParseError, parse_text
from summarizer.parsers.pdf_text import PdfRefusedError, is_pdf, pdf_text

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
    elif (wide := _wide_encoding(data)) is not None:
        try:
            return _neutralized(data.decode(wide).removeprefix("\ufeff"), None)
        except UnicodeDecodeError as exc:
            reason = f"looks like {wide.upper()} text but does not decode ({exc.reason})"
            raise _DecodeError(reason) from exc
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


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 by its byte-order mark, or without one by where its zero bytes fall.

    Mostly-ASCII text (every trial document) in a wide encoding has zero bytes in fixed places:
    UTF-16 LE in every second byte, UTF-32 BE in the first three of every four; the byte that
    carries the character is almost never zero.
    """
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    head = data[: _HEAD_BYTES - _HEAD_BYTES % 4]
    if len(head) < 8 or head.count(0) < len(head) // 3:
        return None
    for width, name in ((4, "utf-32"), (2, "utf-16")):
        units = len(head) // width
        for endian, carrier in (("le", 0), ("be", width - 1)):
            zeros = [head[i::width].count(0) for i in range(width)]
            padding = [z for i, z in enumerate(zeros) if i != carrier]
            if zeros[carrier] < units // 10 and all(z >= 0.9 * units for z in padding):
                return f"{name}-{endian}"
    return None


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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while one document is parsed.

    A parse builds only acyclic objects (elements, records, models), which reference counting
    frees; the collector would still walk them, and every object the process holds, over and
    over as they are allocated: 40% of parsing a record with 100,000 sites, and most of the
    parse stage of an ingest, whose process holds the store and the embedder. Resumed after each
    document, so cyclic garbage waits one document at most. If the collector was already off,
    it stays off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_frozen_depth = 0
_frozen_lock = threading.Lock()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the objects that exist now out of the cycle collector's walks until the block ends.

    A long batch (an ingest) runs in a process that already holds the store client, the
    embedder and every imported module; the objects the batch keeps in flight (trials, chunks,
    parsed criteria) set off collections, and each full one walked all of that again. Frozen
    (``gc.freeze``), the walks cover only what the batch made. Unfrozen when the last such block
    in the process ends, so cyclic garbage among the frozen objects waits, never leaks.
    """
    global _frozen_depth
    with _frozen_lock:
        if _frozen_depth == 0:
            gc.freeze()
        _frozen_depth += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen_depth -= 1
            if _frozen_depth == 0:
                gc.unfreeze()


def parse_document(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParseOutcome:
    """One document's bytes into an outcome; never raises for bad input."""
    with collector_paused():
        return _parse_document(name, data, max_bytes)


def _parse_document(name: str, data: bytes, max_bytes: int) -> ParseOutcome:
    size = len(data)
    if size > max_bytes:
        return _too_large(name, size, max_bytes)
    if not data.strip():
        return ParseOutcome(path=name, error="empty file", size=size)
    try:
        text, warning = _pdf_or_decode(data)
    except (_DecodeError, PdfRefusedError) as exc:
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


def _pdf_or_decode(data: bytes) -> tuple[str, str | None]:
    """A PDF's text layer (``summarizer.parsers.pdf_text``), or any other document decoded."""
    if is_pdf(data):
        return _neutralized(pdf_text(data), None)
    return decode(data)


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
                if not member.isfile():
                    continue
                name = f"{display}:{member.name}"
                if _unsafe(member.name):
                    yield _unsafe_member(name)
                    continue
                if _hidden(member.name):
                    continue
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
            if info.is_dir():
                continue
            name = f"{display}:{info.filename}"
            if _unsafe(info.filename):
                yield _unsafe_member(name)
                continue
            if _hidden(info.filename):
                continue
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


def _unsafe(name: str) -> bool:
    """A member name that would land outside the archive's folder if it were extracted."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _unsafe_member(name: str) -> ParseOutcome:
    reason = "archive member path leaves the archive (absolute or '..'); skipped, not read"
    return ParseOutcome(path=name, error=reason)


def _counted(name: str) -> bool:
    """Whether a member gives an outcome: read, or reported as unsafe."""
    return _unsafe(name) or not _hidden(name)


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


class _Walk:
    """Real directories and files already visited in one call, so that each is read once.

    A directory is known by its device and inode once links are followed: a link back to a
    directory being walked (a loop) or to one already walked is never followed again, however
    many links lead there, and a loop is reported in one line where it is met.
    """

    def __init__(self) -> None:
        self.dirs: set[tuple[int, int]] = set()
        self.files: set[tuple[int, int]] = set()

    @staticmethod
    def _first(path: Path, seen: set[tuple[int, int]]) -> bool:
        try:
            st = path.stat()
        except OSError:
            return True  # unreadable: the reader says why
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return False
        seen.add(key)
        return True

    def files_under(
        self, path: Path, ancestors: tuple[Path, ...] = ()
    ) -> Iterator[Path | ParseOutcome]:
        """Every non-hidden regular file under ``path``, sorted and streamed; loops as outcomes."""
        if not self._first(path, self.dirs):
            real = path.resolve()
            if path.is_symlink() and real in ancestors:
                reason = f"symbolic link loop (back to {real}); not followed"
                yield ParseOutcome(path=str(path), error=reason)
            return  # reached again through another link: its files are read once
        try:
            entries = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        inside = (*ancestors, path.resolve())
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                yield from self.files_under(entry, inside)
            elif entry.is_file() and self._first(entry, self.files):
                yield entry


def _files(path: Path) -> Iterator[Path]:
    """Every non-hidden regular file under ``path``, sorted, each real file once."""
    for item in _Walk().files_under(path):
        if isinstance(item, Path):
            yield item


def parse_paths(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ParseOutcome]:
    """One outcome per document in ``paths`` (files, directories, tar/zip archives), in order.

    Directories are walked once per real directory and file (links followed once, loops
    reported). A path that is neither a directory nor a regular file (a named pipe, a device)
    is refused with one line rather than read: reading it could block forever.
    """
    walk = _Walk()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for item in walk.files_under(path):
                if isinstance(item, ParseOutcome):
                    yield item
                else:
                    yield from _iter_file(item, max_bytes)
        elif path.is_file():
            yield from _iter_file(path, max_bytes)
        elif path.exists():
            yield ParseOutcome(path=str(path), error=f"not a regular file ({_kind(path)}); skipped")
        else:
            yield ParseOutcome(path=str(path), error="no such file or directory")


def _kind(path: Path) -> str:
    if path.is_fifo():
        return "a named pipe"
    if path.is_socket():
        return "a socket"
    if path.is_block_device() or path.is_char_device():
        return "a device"
    return "special file"


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many documents ``parse_paths`` will yield (for progress bars); tar archives are read
    once for their headers, which costs a decompression pass but no parsing."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _files(path) if path.is_dir() else iter([path] if path.is_file() else [])
        for file in files:
            total += _count_file(file)
    return total


def _count_file(path: Path) -> int:
    try:
        if _is_archive(path, _TAR_SUFFIXES):
            with tarfile.open(path, mode="r|*") as archive:
                return sum(1 for m in archive if m.isfile() and _counted(m.name))
        if _is_archive(path, _ZIP_SUFFIXES):
            with zipfile.ZipFile(path) as archive:
                return sum(1 for i in archive.infolist() if not i.is_dir() and _counted(i.filename))
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError):
        return 1
    return 1
