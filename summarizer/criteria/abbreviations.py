"""Abbreviations a record defines for itself: 'Type 1 diabetes mellitus (T1DM)' makes 'T1DM'
name Type 1 diabetes in that trial's criteria ('Time since diagnosis of T1DM >= 5 years').

A definition is a vocabulary mention followed by a bracketed short form (or a short form followed
by its bracketed long form: 'OAD (oral anti-diabetic drugs)') whose letters appear in the long form
in order, the first letter starting one of its words (the check of Schwartz and
Hearst, 2003). A short form the vocabulary already gives another meaning keeps that meaning.
"""

from __future__ import annotations

import re

from summarizer.criteria.vocabulary import Concept, Vocabulary

_SHORT = re.compile(r"[(\[]\s*([A-Z][A-Za-z0-9-]{1,9})\s*[)\]]")
_REACH = 80  # characters before the bracket the long form may span


def _fits(short: str, long: str) -> bool:
    """Every letter and digit of ``short`` in ``long`` in order, the first at a word start."""
    s = [ch for ch in short.lower() if ch.isalnum()]
    text = long.lower()
    if not s or not re.search(rf"(?:^|[^a-z0-9]){re.escape(s[0])}", text):
        return False
    pos = 0
    for ch in s:
        pos = text.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def defined(text: str, vocab: Vocabulary | None) -> dict[str, Concept]:
    """Short form -> the concept its long form names, for every definition in ``text``."""
    out: dict[str, Concept] = {}
    if vocab is None:
        return out
    for m in _SHORT.finditer(text):
        short = m.group(1)
        if sum(ch.isupper() for ch in short) < 2 or short in out:
            continue
        before = text[max(0, m.start() - _REACH) : m.start()]
        mentions = vocab.find(before)
        if not mentions or before[mentions[-1].end :].strip():
            continue  # the bracket does not follow a term
        mention = mentions[-1]
        known = vocab.lookup(short)
        if known is not None and known.id != mention.concept.id:
            continue
        if _fits(short, before[mention.start : mention.end]):
            out[short] = mention.concept
    # The other order, short form first: 'OAD (oral anti-diabetic drugs)'.
    for m in _SHORT_FIRST.finditer(text):
        short, inner = m.group(1), m.group(2)
        if sum(ch.isupper() for ch in short) < 2 or short in out:
            continue
        mentions = vocab.find(inner)
        if not mentions or mentions[0].start > 0 or inner[mentions[0].end :].strip(" ."):
            continue  # the bracket holds more than one term
        known = vocab.lookup(short)
        if known is not None and known.id != mentions[0].concept.id:
            continue
        if _fits(short, inner):
            out[short] = mentions[0].concept
    return out


# 'OAD (oral anti-diabetic drugs)': a short form, then its long form alone in brackets.
_SHORT_FIRST = re.compile(
    r"(?<![\w-])([A-Z][A-Za-z0-9-]{1,9})\s*[(\[]\s*([^()\[\]]{4,80}?)\s*[)\]]"
)


def find(text: str, aliases: dict[str, Concept]) -> list[tuple[int, int, Concept]]:
    """Each whole-word, same-case use of a defined short form in ``text``."""
    if not aliases:
        return []
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, aliases)) + r")(?!\w)")
    return [(m.start(), m.end(), aliases[m.group(1)]) for m in pattern.finditer(text)]
