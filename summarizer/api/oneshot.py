"""One plain-HTTP request on a bare socket: a served CLI command, without ``http.client``.

A served ``trialsum search`` costs little more than starting Python, and importing
``http.client`` (which pulls in ``email`` and ``ssl``) was a third of what it added. A command
sends one request and reads one JSON reply, so HTTP/1.1 with ``Connection: close`` is all it
needs: a status line, headers, and a body sized by ``Content-Length``, sent in chunks, or ended by
the server closing. HTTPS and everything else (streams, uploads, kept-alive connections) go
through ``http.client`` in ``summarizer.api.client``.
"""

from __future__ import annotations

import socket

TYPE_CHECKING = False  # typing itself is not imported: it costs a served command time
if TYPE_CHECKING:
    from collections.abc import Mapping

#: Refuse a reply whose head is larger than this (a server that is not trialsum's).
MAX_HEAD = 64 << 10


class BadReply(ValueError):
    """The server's reply is not HTTP/1.x as this module reads it."""


def request(
    host: str,
    port: int,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes | None,
    timeout: float,
) -> tuple[int, bytes]:
    """(status, body) of one request; ``OSError`` when the server cannot be reached."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        reply = _read_all(sock)
    return parse(reply)


def _read_all(sock: socket.socket) -> bytes:
    parts: list[bytes] = []
    while True:
        part = sock.recv(1 << 16)
        if not part:
            return b"".join(parts)
        parts.append(part)


def parse(reply: bytes) -> tuple[int, bytes]:
    """(status, body) of a whole HTTP/1.x reply read until the server closed."""
    head, sep, rest = reply.partition(b"\r\n\r\n")
    if not sep or len(head) > MAX_HEAD:
        raise BadReply("no end of headers in the reply")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, _, tail = status_line.partition(" ")
    if not version.startswith("HTTP/1.") or not tail[:3].isdigit():
        raise BadReply(f"not an HTTP/1.x status line: {status_line[:80]!r}")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return int(tail[:3]), _unchunk(rest)
    if "content-length" in headers:
        length = int(headers["content-length"])
        if len(rest) < length:
            raise BadReply(f"the reply ended after {len(rest)} of {length} bytes")
        return int(tail[:3]), rest[:length]
    return int(tail[:3]), rest


def _unchunk(data: bytes) -> bytes:
    out: list[bytes] = []
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise BadReply("a chunked reply ended early")
        size = int(data[pos:end].split(b";", 1)[0], 16)
        if size == 0:
            return b"".join(out)
        start = end + 2
        if len(data) < start + size:
            raise BadReply("a chunked reply ended early")
        out.append(data[start : start + size])
        pos = start + size + 2
