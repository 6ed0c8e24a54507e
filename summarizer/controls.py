"""Control characters in document text: replaced one for one, so offsets still hold.

An escape sequence quoted from a document must never reach a terminal (``\\x1b[2J`` clears it,
``\\x9b`` is a CSI on some), XML and JSON forbid raw controls anyway, and nothing a reader needs
is lost: tab, line feed, form feed and carriage return are kept.
"""

from __future__ import annotations

KEPT = frozenset((9, 10, 12, 13))
REPLACEMENT = "\ufffd"
# C0 controls (but the kept ones), DEL, and C1 controls.
TABLE = {c: REPLACEMENT for c in [*range(32), 0x7F, *range(0x80, 0xA0)] if c not in KEPT}


def neutralize(text: str) -> str:
    """``text`` with every control character but tab, LF, FF and CR replaced by U+FFFD."""
    return text.translate(TABLE)
