"""PDF documents as text: a trial page saved as a PDF is read like the same page saved as text.

pypdf pulls the text layer out of each page; the pages, joined by blank lines, become a text
document that the format registry parses as usual (the text-page parser, spans into that text).
What cannot be read as text is refused with one line, never a crash: a scanned or image-only PDF
has no text layer (it needs OCR, which trialsum does not do), an encrypted one needs its password,
and a broken file says what pypdf found wrong.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

MAGIC = b"%PDF-"
PAGE_SEPARATOR = "\n\n"


class PdfRefusedError(ValueError):
    """A PDF that cannot be read as text; the message is one plain line for the user."""


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF by its header (the name's suffix is not trusted). Only at the
    start: a text page that mentions ``%PDF-`` stays a text page."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(MAGIC)


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf logs every repaired cross-reference at WARNING; one line per document is ours."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, pages separated by a blank line.

    Raises ``PdfRefusedError`` for an encrypted PDF that does not open without a password, a
    PDF with no extractable text (scanned or image-only) and a PDF pypdf cannot read.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:  # an owner password alone (printing, copying rights) still opens it
                    opened = bool(reader.decrypt(""))
                except (DependencyError, NotImplementedError):
                    opened = False
                if not opened:
                    raise PdfRefusedError(
                        "encrypted PDF: it needs a password; save a copy without one and add that"
                    )
            pages = [page.extract_text() or "" for page in reader.pages]
        except PdfRefusedError:
            raise
        except FileNotDecryptedError as exc:
            raise PdfRefusedError(
                "encrypted PDF: it needs a password; save a copy without one and add that"
            ) from exc
        except RecursionError as exc:
            raise PdfRefusedError("unreadable PDF (its objects nest too deeply)") from exc
        except Exception as exc:  # pypdf on a damaged file raises many kinds; none may stop a batch
            kind = "" if isinstance(exc, PyPdfError) else f"{type(exc).__name__}: "
            raise PdfRefusedError(f"unreadable PDF ({kind}{_one_line(exc)})") from exc
    text = PAGE_SEPARATOR.join(p.strip("\n") for p in pages)
    if not any(ch.isalnum() for ch in text):
        count = len(pages)
        raise PdfRefusedError(
            f"no text in this PDF ({count} page{'s' * (count != 1)}): a scanned or image-only "
            "PDF needs OCR first; trialsum reads PDFs that have a text layer"
        )
    return text
