"""Big alternations run only over the alternatives that can match: a keyword pre-check.

Python's ``re`` tries every alternative of an alternation at every position, so a table of 40
lab markers or 30 treatment patterns costs about as much as 40 separate scans, on every
criterion. Most alternatives hold a word they cannot match without ('bilirubin', 'transplant');
this module reads that word from each pattern (``required_words``), checks for it in the
lower-cased text with a plain substring test, and compiles the alternation of only the
alternatives whose word is there (cached per combination). An alternative with no such word is
always kept. The result is the same matches as the full alternation: an alternative left out
could not have matched anywhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

_MIN_WORD = 3  # shorter required words are in almost every text: not worth checking
_MIN_PARTS = 8  # smaller alternations cost less than the check
_LITERAL = sre_parse.LITERAL
_SUBPATTERN = sre_parse.SUBPATTERN
_BRANCH = sre_parse.BRANCH


def _runs(items: Sequence[tuple[object, object]]) -> tuple[list[str], list[list[str]]]:
    """Literal runs a sequence must contain, and the word sets of its mandatory branches."""
    runs: list[str] = []
    options: list[list[str]] = []
    current: list[str] = []
    for op, arg in items:
        if op is _LITERAL:
            current.append(chr(arg).lower())  # type: ignore[arg-type]
            continue
        if current:
            runs.append("".join(current))
            current = []
        if op is _SUBPATTERN:
            inner = arg[-1]  # type: ignore[index]
            words = _required(list(inner))
            if words is not None:
                options.append(words)
        elif op is _BRANCH:
            words = _branch(arg[1])  # type: ignore[index]
            if words is not None:
                options.append(words)
    if current:
        runs.append("".join(current))
    return runs, options


def _branch(branches: Sequence[Sequence[tuple[object, object]]]) -> list[str] | None:
    """One word per branch, when every branch has one (any of them present will do)."""
    out: list[str] = []
    for branch in branches:
        words = _required(list(branch))
        if words is None:
            return None
        out.extend(words)
    return out


def _required(items: list[tuple[object, object]]) -> list[str] | None:
    """Words of which a match of ``items`` must contain at least one; None when unknown."""
    if len(items) == 1 and items[0][0] is _BRANCH:
        return _branch(items[0][1][1])  # type: ignore[index]
    runs, options = _runs(items)
    best: list[str] | None = None
    longest = max(runs, key=len, default="")
    if len(longest) >= _MIN_WORD:
        best = [longest]
    for words in options:
        if min(map(len, words)) >= _MIN_WORD and (
            best is None or min(map(len, words)) > len(best[0])
        ):
            best = words
    return best


def required_words(pattern: str) -> list[str] | None:
    """Lower-case words one of which every match of ``pattern`` contains (None: unknown)."""
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    return _required(list(parsed))


class Alternation:
    """``(?:p1)|(?:p2)|...`` (or named groups ``g<i>`` per name), run with a keyword pre-check.

    ``parts`` are (group name or None, pattern) in the alternation's order; group names repeat
    when several patterns belong to one name. Matches are those of the full alternation.
    """

    def __init__(self, parts: Sequence[tuple[str | None, str]], flags: int = re.IGNORECASE):
        self.parts = list(parts)
        self.flags = flags
        self.words = [required_words(p) for _, p in self.parts]
        self.full = self._compile(tuple(range(len(self.parts))))
        self.always = tuple(i for i, words in enumerate(self.words) if words is None)
        keys = sorted({w for words in self.words if words for w in words}, key=lambda w: -len(w))
        # One scan finds, at each position, the longest word starting there; the shorter words
        # that start there too are its prefixes, added from ``self.prefixes``.
        self.scan = re.compile("(?=(" + "|".join(map(re.escape, keys)) + "))") if keys else None
        self.prefixes = {w: {k for k in keys if w.startswith(k)} for w in keys}
        self.users: dict[str, list[int]] = {}
        for i, words in enumerate(self.words):
            for w in words or ():
                self.users.setdefault(w, []).append(i)
        self.checked = len(self.parts) >= _MIN_PARTS and self.scan is not None

    @property
    def pattern(self) -> str:
        return self.full.pattern

    def _active(self, text: str) -> tuple[int, ...]:
        assert self.scan is not None
        seen = {m.group(1) for m in self.scan.finditer(text.lower())}
        active = set(self.always)
        for word in seen:
            for key in self.prefixes[word]:
                active.update(self.users[key])
        return tuple(sorted(active))

    @lru_cache(maxsize=4096)  # noqa: B019  (patterns live for the process: one per table)
    def _compile(self, active: tuple[int, ...]) -> re.Pattern[str]:
        body: list[str] = []
        i = 0
        while i < len(active):
            name = self.parts[active[i]][0]
            group = [self.parts[active[i]][1]]
            while name is not None and i + 1 < len(active) and self.parts[active[i + 1]][0] == name:
                i += 1
                group.append(self.parts[active[i]][1])
            inner = "|".join(f"(?:{p})" for p in group) if name is None else "|".join(group)
            body.append(f"(?P<{name}>{inner})" if name is not None else inner)
            i += 1
        return re.compile("|".join(body) or r"(?!)", self.flags)

    def compiled_for(self, text: str) -> re.Pattern[str]:
        if not self.checked:
            return self.full
        return self._compile(self._active(text))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled_for(text).finditer(text)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        compiled = self.compiled_for(text)
        return compiled.search(text, pos, len(text) if endpos is None else endpos)
