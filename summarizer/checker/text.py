"""Shared text helpers for the checker: sentences, content words (stemmed), synonyms, negation.

Word lists live in ``data/lexicon.json`` so that a new synonym or negation cue is a data change.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import Stemmer

DATA = Path(__file__).resolve().parent / "data"
GLOSSARY = Path(__file__).resolve().parents[2] / "prompts" / "glossary.json"


@functools.cache
def lexicon() -> dict[str, Any]:
    return json.loads((DATA / "lexicon.json").read_text(encoding="utf-8"))


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SENT_RE = re.compile(
    r"(?<=[.;!?])\s+(?=[A-Z0-9(\[])|\n\s*(?:[*•\-–]|\d+\.|[ivx]+\s?\.)?\s*|\s+\|\s*"
)


def words(text: str) -> list[str]:
    """Lower-case words; 'Ages14' splits into 'ages', '14' (labels glued to values)."""
    spaced = re.sub(r"(?<=[a-z]{4})(?=\d)|(?<=\d)(?=[a-z]{3,})", " ", text.lower())
    return _WORD_RE.findall(spaced)


@functools.cache
def _stopwords() -> frozenset[str]:
    lex = lexicon()
    return frozenset([*lex["stopwords"], *lex["framing_words"]])


@functools.cache
def _glossary() -> dict[str, Any]:
    """The project glossary the engines explain jargon with (empty when absent)."""
    if not GLOSSARY.exists():
        return {}
    return json.loads(GLOSSARY.read_text(encoding="utf-8"))


@functools.cache
def _explanation_re() -> re.Pattern[str] | None:
    plains = {str(t["plain"]).strip() for t in _glossary().get("terms", [])}
    plains = {p for p in plains if p}
    if not plains:
        return None
    alts = "|".join(re.escape(p) for p in sorted(plains, key=len, reverse=True))
    return re.compile(rf"\s*\((?:{alts})\)", re.IGNORECASE)


# Pointers an engine adds to its source: '(inclusion criterion 2)', '(exclusion criteria 5, 7)'.
_POINTER_RE = re.compile(
    r"\s*\(?\b(?:inclusion|exclusion)(?:\s+criteri(?:on|a))?\s+\d+(?:\s*(?:,|and)\s*\d+)*\)?",
    re.IGNORECASE,
)
_URL_RE = re.compile(r"https?://\S+")


# A pointer that is the sentence's subject ('Exclusion criterion 6 says: ...') names the side its
# words come from: its words stay (the number goes), so polarity reads it as a frame.
_REPORTS_RE = re.compile(r"\s*(?::|(?:says?|reads?|states?|lists?)\b)", re.IGNORECASE)


def _pointer(m: re.Match[str]) -> str:
    said = m.group(0)
    if "(" in said or not _REPORTS_RE.match(m.string, m.end()):
        return ""
    words_only = re.sub(r"[\d,]+|\band\b", " ", said).strip()
    return words_only if m.start() == 0 else " " + words_only


def strip_additions(text: str) -> str:
    """The claim without what the engine adds around source words: glossary explanations in
    parentheses and pointers to criteria numbers ('Exclusion criterion 6 says:' keeps its words,
    without the number). Everything else is checked."""
    pattern = _explanation_re()
    if pattern is not None:
        text = pattern.sub("", text)
    return _POINTER_RE.sub(_pointer, text)


@functools.cache
def _synonyms() -> dict[str, str]:
    """Plain word -> the source's word (both stemmed), e.g. 'breastfeed' -> 'lactat'.

    Groups that share a word are one group (the lexicon says 'cancer' is 'malignancy', the
    glossary that 'malignant tumor' is 'cancer': all three meet), headed by the first word seen.
    """
    groups = [list(g) for g in lexicon()["synonyms"]]
    simpler = _glossary().get("simpler_words", {})
    groups += [[src, plain] for src, plain in simpler.items()]
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for group in groups:
        stems = [" ".join(stem_all(words(w))) for w in group]
        for s in stems[1:]:
            a, b = root(stems[0]), root(s)
            if a != b:
                parent[b] = a  # the earlier group's head stays the head
    return {s: root(s) for s in parent}


def stem_all(tokens: list[str]) -> list[str]:
    return _stemmer().stemWords(tokens)


def content_terms(text: str) -> list[str]:
    """Stemmed content words, with synonyms mapped to one head word; numbers dropped."""
    # Tokens with digits (ids, CD19, values) are the hard-fact checks' business, not overlap's.
    text = _URL_RE.sub(" ", text)
    toks = [t for t in words(text) if t not in _stopwords() and not any(c.isdigit() for c in t)]
    return synonym_heads(stem_all(toks))


def synonym_heads(stems: list[str]) -> list[str]:
    """Stems with synonyms (one or two words) mapped to their group's head word, so 'performance
    status' and 'ECOG', or 'side effects' and 'adverse events', count as the same content."""
    return [head for head, _, _ in synonym_runs(stems)]


def synonym_runs(stems: list[str]) -> list[tuple[str, int, int]]:
    """``synonym_heads`` with where each head comes from: (head, first stem, last stem + 1)."""
    syn = _synonyms()
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(stems):
        pair = " ".join(stems[i : i + 2])
        if i + 1 < len(stems) and pair in syn:
            out.append((syn[pair], i, i + 2))
            i += 2
            continue
        out.append((syn.get(stems[i], stems[i]), i, i + 1))
        i += 1
    return out


# What a line that starts a new piece looks like: a list item or table row, a field
# ('Time Frame: ...'), a heading in capitals; and a line that is a heading itself (a few
# capitalised words without end punctuation: 'Brief Summary', '- 1').
_ITEM_RE = re.compile(r"\s*(?:[*•\-–|]|\d+[.)]|[ivx]+\s?\.|[a-z][.)])(?:\s|$)")
_LABEL_WORD = r"(?:[A-Z0-9(][\w/()&'.,-]*|of|and|or|for|the|in|to|per|&|-)"
_FIELD_RE = re.compile(rf"\s*[A-Z][\w/()&'.-]*(?:\s+{_LABEL_WORD}){{0,5}}:(?:\s|$)")
_HEADING_RE = re.compile(rf"\s*(?:[*•\-–]\s*)?{_LABEL_WORD}(?:\s+{_LABEL_WORD}){{0,5}}\s*")
_CAPS_RE = re.compile(r"[^a-z]*[A-Z]{2}[^a-z]*")


# Words a sentence cannot stop on: a line ending in one goes on in the next line, whatever its
# case. A closed grammatical class, not a vocabulary (hence code, not lexicon data).
_GOES_ON_RE = re.compile(
    r"(?:,|\b(?:a|an|the|of|and|or|nor|but|to|for|with|without|in|on|at|by|from|into|than|as|"
    r"no|not|who|which|that|whose|is|are|was|were|be|been|has|have|had|will|may|must|can|"
    r"should|if|or/and|and/or))\s*$",
    re.IGNORECASE,
)


def _hard_wrap(line: str, next_line: str) -> bool:
    """True when one newline between ``line`` and ``next_line`` only wraps a sentence: the next
    line goes on in lower case, or the line stops on a word or comma no sentence ends with
    ('... only. No' / 'imaging ...'). Never when the next line starts a list item, table row,
    field or capitalised heading, or the line is a heading itself. A line that simply lacks
    end punctuation is not enough: web-page records put one field per line ('Study type
    Interventional' / 'Enrollment 80')."""
    if not next_line.strip() or _ITEM_RE.match(next_line) or line.rstrip().endswith("|"):
        return False
    if _FIELD_RE.match(next_line) or _CAPS_RE.fullmatch(next_line.strip()):
        return False
    if _HEADING_RE.fullmatch(line) or _CAPS_RE.fullmatch(line.strip()):
        return False
    return next_line.lstrip()[:1].islower() or bool(_GOES_ON_RE.search(line))


def _wrapped(text: str, m: re.Match[str]) -> bool:
    """A break at ``m`` that is only a hard wrap inside a sentence (one newline, no blank line)."""
    if m.group(0).count("\n") != 1:
        return False
    nl = m.start() + m.group(0).index("\n")
    line = text[text.rfind("\n", 0, nl) + 1 : nl]
    end = text.find("\n", nl + 1)
    return _hard_wrap(line, text[nl + 1 : end if end >= 0 else len(text)])


def sentences(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Sentence-ish pieces of ``text`` (criteria bullets, table cells) with source offsets.

    A blank line, a list item, a field or a heading ends a piece; a single newline inside a
    sentence (a hard wrap) does not, so a line ending in '... only. No' keeps its 'No'."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _SENT_RE.finditer(text):
        if _wrapped(text, m):
            continue
        piece = text[pos : m.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(
                (piece.strip(), offset + pos + lead, offset + pos + lead + len(piece.strip()))
            )
        pos = m.end()
    piece = text[pos:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        out.append((piece.strip(), offset + pos + lead, offset + pos + lead + len(piece.strip())))
    return out


@functools.cache
def _negation_re() -> re.Pattern[str]:
    cues = sorted(lexicon()["negation_cues"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b|n't\b", re.I)


@functools.cache
def _non_name_re() -> re.Pattern[str]:
    """'non-' that starts a name: a disease or cell head among the next four words (lexicon
    ``non_names``)."""
    data = lexicon().get("non_names", {})
    heads = "|".join(re.escape(h) for h in data.get("heads", [])) or "(?!)"
    ends = "|".join(re.escape(s) for s in data.get("suffixes", [])) or "(?!)"
    head = rf"(?:{heads}|[a-z]+(?:{ends}))\b"
    return re.compile(rf"-?\s*(?:[a-z0-9]+[\s-]+){{0,3}}{head}", re.I)


def non_name(text: str, end: int) -> bool:
    """Whether the 'non' that ends at ``end`` starts a name ('non-small cell lung cancer',
    'non-Hodgkin lymphoma') rather than saying 'not' ('non-smoking')."""
    return bool(_non_name_re().match(text, end))


def negations(text: str) -> list[str]:
    """Negation cues in ``text`` ('not', 'no', 'without', "can't", 'excluded', ...); the 'non' of a
    name ('non-small cell lung cancer', 'non-Hodgkin lymphoma') is not one."""
    return [
        m.group(0).lower()
        for m in _negation_re().finditer(text)
        if not (m.group(0).lower() == "non" and non_name(text, m.end()))
    ]


# Words of a verbatim run: lower-cased letters and digits, punctuation and spacing ignored, so a
# posted line joined into an answer with '; ' still reads as the line it quotes.
_RUN_TOKEN = re.compile(r"[a-z0-9]+", re.I)
# How many words a run shared word for word must have, the negation cue among them, for the cue to
# be the other text's own: five words of context pin it to one place ('Non-Pregnant Women: 96
# participants'), where three or four ('patients must not have') recur across a record.
SHARED_RUN_WORDS = 5
# Text a sentence puts in quotation marks: what it says the source says, word for word.
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _RUN_TOKEN.finditer(text)]


@functools.lru_cache(maxsize=64)
def _runs(text: str, n: int) -> frozenset[tuple[str, ...]]:
    toks = [t for t, _, _ in _tokens(text)]
    return frozenset(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def quoted_runs(text: str) -> list[tuple[str, ...]]:
    """The words of each passage ``text`` puts in quotation marks, two words or more."""
    out = []
    for m in _QUOTE.finditer(text):
        words = tuple(t for t, _, _ in _tokens(m.group(1) or m.group(2)))
        if len(words) >= 2:
            out.append(words)
    return out


def _occurrences(toks: list[str], run: tuple[str, ...]) -> list[tuple[int, int]]:
    n = len(run)
    return [(i, i + n) for i in range(len(toks) - n + 1) if tuple(toks[i : i + n]) == run]


def without_shared_negations(
    text: str, other: str, quotes: Sequence[tuple[str, ...]] = (), n: int = SHARED_RUN_WORDS
) -> str:
    """``text`` with each negation cue blanked that stands inside words it shares verbatim with
    ``other``: a run of ``n`` words found word for word in ``other``, or one of ``quotes`` (the
    claim's quoted passages, as ``quoted_runs`` gives them) found in both. A quoted name ('A1
    (Disseminated, No CNS ...)', 'Not Hispanic or Latino: 41 participants', '"No data were
    collected"') carries the source's own negation, not a negation of the sentence. A cue added or
    dropped in one text is in no such run (its neighbours differ, or the other text has no cue
    there), so it still counts."""
    if not negations(text):
        return text
    toks3 = _tokens(text)
    toks = [t for t, _, _ in toks3]
    shared = _runs(other, n) if len(toks) >= n else frozenset()
    other_toks = [t for t, _, _ in _tokens(other)] if quotes else []
    spans = [
        (toks3[a][1], toks3[b - 1][2])
        for q in quotes
        if _occurrences(other_toks, q)
        for a, b in _occurrences(toks, q)
    ]
    out = text
    for m in _negation_re().finditer(text):
        idx = [i for i, (_, a, b) in enumerate(toks3) if a < m.end() and m.start() < b]
        if not idx:
            continue
        lo, hi = idx[0], idx[-1] + 1
        inside = any(a <= m.start() and m.end() <= b for a, b in spans) or any(
            tuple(toks[s : s + n]) in shared
            for s in range(max(0, hi - n), min(lo, len(toks) - n) + 1)
        )
        if inside:
            out = out[: m.start()] + " " * (m.end() - m.start()) + out[m.end() :]
    return out


# The share of a sentence's content words another text must hold to restate it in other words
# ('Immune checkpoint inhibitors with angiogenesis inhibitors' for '... without angiogenesis
# inhibitors', its negation dropped), where a population note cited beside a result shares one or
# two ('participants', 'data').
RESTATED_SHARE = 2 / 3


def restates(text: str, unit: str, n: int = SHARED_RUN_WORDS) -> bool:
    """Whether ``text`` restates ``unit``: repeats a run of ``n`` of its words or a passage it
    quotes word for word, or holds most of its content words (``RESTATED_SHARE``). A unit shorter
    than ``n`` words (an answer cell: 'No') counts as restated."""
    toks = [t for t, _, _ in _tokens(unit)]
    if len(toks) < n:
        return True
    if any(_occurrences(toks, q) for q in quoted_runs(text)):
        return True
    if not _runs(unit, n).isdisjoint(_runs(text, n)):
        return True
    own = set(content_terms(_negation_re().sub(" ", unit)))  # the words, not their negation
    return bool(own) and len(own & set(content_terms(text))) >= RESTATED_SHARE * len(own)
