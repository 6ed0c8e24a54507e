"""Shared text helpers for the checker: sentences, content words (stemmed), synonyms, negation.

Word lists live in ``data/lexicon.json`` so that a new synonym or negation cue is a data change.
"""

from __future__ import annotations

import functools
import json
import re
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


def strip_additions(text: str) -> str:
    """The claim without what the engine adds around source words: glossary explanations in
    parentheses and pointers to criteria numbers. Everything else is checked."""
    pattern = _explanation_re()
    if pattern is not None:
        text = pattern.sub("", text)
    return _POINTER_RE.sub("", text)


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
    syn = _synonyms()
    out: list[str] = []
    i = 0
    while i < len(stems):
        pair = " ".join(stems[i : i + 2])
        if i + 1 < len(stems) and pair in syn:
            out.append(syn[pair])
            i += 2
            continue
        out.append(syn.get(stems[i], stems[i]))
        i += 1
    return out


def sentences(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Sentence-ish pieces of ``text`` (criteria bullets, table cells) with source offsets."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _SENT_RE.finditer(text):
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


def negations(text: str) -> list[str]:
    """Negation cues in ``text`` ('not', 'no', 'without', "can't", 'excluded', ...)."""
    return [m.group(0).lower() for m in _negation_re().finditer(text)]
