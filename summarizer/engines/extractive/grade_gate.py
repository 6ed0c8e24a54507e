"""Keep a section at or under a reading grade by choosing whole sentences, never by cutting them.

A section is built from candidate sentences in order of importance; each is taken only while the
section as a whole still reads at or under the target (Flesch-Kincaid, as the verifier grades it).
A sentence that would lift the section over the target is left out whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from summarizer.models import Statement
from summarizer.readability import grade

TARGET_GRADE = 8.0
_URL_RE = re.compile(r"https?://\S+")


def section_grade(statements: Iterable[Statement]) -> float | None:
    """Reading grade of a section's words (web addresses left out: they are not prose)."""
    text = " ".join(_URL_RE.sub("", s.text) for s in statements)
    return grade(text) if text.strip() else None


def within_grade(
    chosen: list[Statement],
    candidates: Iterable[Statement],
    *,
    target: float = TARGET_GRADE,
    limit: int | None = None,
    retry: bool = False,
) -> list[Statement]:
    """``chosen`` plus each candidate, in order, that keeps the section at or under ``target``;
    at most ``limit`` are added.

    With ``retry``, a candidate that would lift the section over the target is held and tried
    again after each later one is taken: the grade is the whole section's, so a plainer sentence
    after it can make room for it. The added ones keep the candidates' order."""
    added: list[tuple[int, Statement]] = []
    held: list[tuple[int, Statement]] = []

    def fits(extra: tuple[int, Statement]) -> bool:
        ordered = [st for _, st in sorted([*added, extra], key=lambda p: p[0])]
        g = section_grade([*chosen, *ordered])
        return g is None or g <= target

    for order, st in enumerate(candidates):
        if limit is not None and len(added) >= limit:
            break
        if fits((order, st)):
            added.append((order, st))
            for item in list(held):
                if (limit is None or len(added) < limit) and fits(item):
                    added.append(item)
                    held.remove(item)
        elif retry:
            held.append((order, st))
    return [*chosen, *(st for _, st in sorted(added, key=lambda p: p[0]))]


def plainest(
    options: Sequence[list[Statement]], *, target: float = TARGET_GRADE
) -> list[Statement]:
    """Of wordings that say the same facts, the first whose section reads at or under ``target``,
    else the one that reads plainest. Choosing among whole wordings never drops a fact."""
    graded = [(section_grade(o) or 0.0, i) for i, o in enumerate(options)]
    for g, i in graded:
        if g <= target:
            return options[i]
    return options[min(graded)[1]]
