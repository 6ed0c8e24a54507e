"""Server-sent events for a streamed answer: ``text`` events as pieces are produced, then one
``answer`` event with the verified Answer JSON (or one ``error`` event if it fails mid-way).

Wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html)::

    event: text
    data: {"text": "The trial is for adults "}

    event: answer
    data: {"question": ..., "answer": ..., "citations": [...], ...}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from summarizer.api.errors import one_line
from summarizer.assistant import TrialNotFoundError, UsageError
from summarizer.models import Answer

log = logging.getLogger("trialsum.api")

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(name: str, data: str) -> bytes:
    """One SSE event; ``data`` is JSON, so it is one line."""
    return f"event: {name}\ndata: {data}\n\n".encode()


def piece_event(piece: str | Answer) -> bytes:
    if isinstance(piece, Answer):
        return event("answer", piece.model_dump_json())
    return event("text", json.dumps({"text": piece}, ensure_ascii=False))


def answer_events(first: str | Answer, rest: Iterator[str | Answer]) -> Iterator[bytes]:
    """The events for a stream whose first piece was already taken (so early errors were 4xx)."""
    yield piece_event(first)
    try:
        for piece in rest:
            yield piece_event(piece)
    except (TrialNotFoundError, UsageError) as exc:
        yield error_event("bad_request", str(exc))
    except Exception as exc:
        log.exception("streamed answer failed")
        yield error_event("error", f"internal error ({type(exc).__name__}); see the server log")


def error_event(code: str, detail: str) -> bytes:
    return event("error", json.dumps({"error": code, "detail": one_line(detail)}))
