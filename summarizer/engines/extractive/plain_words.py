"""Plain words: clean source text for reading, split long text, explain jargon from the glossary.

Numbers are never changed; only markup is removed and explanations are added in parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.checker.polarity import source_polarity
from summarizer.engines.extractive.resources import load

_ESCAPE_RE = re.compile(r"\\([<>\[\]()*_^#|-])")
_BULLET_RE = re.compile(r"^\s*(?:[*•\-–·]|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\s?[.)]|[A-Z]\.)\s+")
_SPACE_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Source text as a reader should see it: no markdown escapes, bullets or runs of spaces."""
    out = _ESCAPE_RE.sub(r"\1", text)
    out = _BULLET_RE.sub("", out)
    out = _SPACE_RE.sub(" ", out).strip()
    return out.rstrip(";,").strip()


# Sentence ends: '. ' / '; ' / newlines, but not '2.0' or 'e.g. ' or 'vs. '. A bracketed note
# ('[AS PER AMENDMENT 4/17/01: ...].') is a sentence of its own: a sentence ends before a '[' and
# after a '.]' or '.)' too.
_SPLIT_RE = re.compile(
    r"(?<!\b[eE]\.g)(?<!\bvs)(?<!\bi\.e)(?:(?<=[.;!?])|(?<=[.!?][\])]))\s+(?=[A-Z0-9(\"'\[])|\n+"
)
# A registry text block is often hard-wrapped at about 70-80 columns: a single line break inside a
# sentence is not its end. A break is kept when a blank line or a list item follows, when the line
# ends a sentence or a heading, or when the line is short (a list line, not a wrapped one).
_WRAP_MIN_LINE = 50
_ITEM_START_RE = re.compile(r"\s*(?:[*•\-–·]|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\s?[.)]|[A-Za-z][.)])\s")


def _wrapped(text: str, match: re.Match[str]) -> bool:
    """True when the line break ``match`` only wraps a sentence that goes on."""
    if "\n" not in match.group(0) or match.group(0).count("\n") > 1:
        return False
    line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()].rstrip()
    after = text[match.end() : match.end() + 12]
    if not line or line[-1] in ".;:!?" or _ITEM_START_RE.match(after):
        return False
    return after[:1].islower() or len(line.strip()) >= _WRAP_MIN_LINE


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (with ``offset`` added) of the sentences of ``text``, trimmed of outer whitespace;
    a sentence hard-wrapped over several lines is one sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    breaks = [m for m in _SPLIT_RE.finditer(text) if not _wrapped(text, m)]
    for match in [*breaks, None]:
        end = match.start() if match else len(text)
        piece = text[pos:end]
        lead = len(piece) - len(piece.lstrip())
        core = piece.strip()
        if re.search(r"[^\W_]", core):  # a letter or digit in any script
            spans.append((offset + pos + lead, offset + pos + lead + len(core)))
        if match:
            pos = match.end()
    return spans


# A registry heading that opens a paragraph: all capitals, up to four words, then ':' ('PURPOSE:',
# 'PROJECTED ACCRUAL:', the NCI PDQ summaries' layout), with a list marker after it ('I.', '1.').
_HEADING_RE = re.compile(
    r"\s*[A-Z][A-Z/&-]{3,}(?: [A-Z/&-]+){0,3}\s*:\s+(?:(?:[IVX]{1,4}|\d{1,2})[.)]\s+)?"
)


def without_heading(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence ``text[start:end]`` without a registry heading that opens it ('PURPOSE:
    Randomized phase III trial ...' -> 'Randomized phase III trial ...'); unchanged when it has
    none or nothing would be left after it."""
    match = _HEADING_RE.match(text, start)
    if match is None or match.end() >= end or not re.search(r"[^\W_]", text[match.end() : end]):
        return start, end
    return match.end(), end


def clause_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Finer pieces of a long criterion: split at ';' and sentence ends."""
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, offset):
        piece = text[s - offset : e - offset]
        pos = 0
        for part in [*re.finditer(r";\s*", piece), None]:
            end = part.start() if part else len(piece)
            sub = piece[pos:end]
            lead = len(sub) - len(sub.lstrip())
            core = sub.strip()
            if re.search(r"[^\W\d_]", core):  # a letter in any script (Arabic, Hebrew...)
                spans.append((s + pos + lead, s + pos + lead + len(core)))
            if part:
                pos = part.end()
    return spans


@dataclass(frozen=True)
class Term:
    term: str
    plain: str
    pattern: re.Pattern[str]


@cache
def glossary() -> tuple[Term, ...]:
    """Glossary terms, longest spelling first so 'relapsed/refractory' wins over 'relapsed'."""
    terms: list[tuple[int, Term]] = []
    for entry in load("glossary")["terms"]:
        spellings = sorted({entry["term"], *entry.get("aliases", [])}, key=len, reverse=True)
        alternation = "|".join(re.escape(s) for s in spellings)
        # Short all-caps abbreviations match case-sensitively (so 'OS' is not 'os').
        flags = 0 if all(s.isupper() and len(s) <= 4 for s in spellings) else re.IGNORECASE
        pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", flags)
        terms.append((len(spellings[0]), Term(entry["term"], entry["plain"], pattern)))
    return tuple(t for _, t in sorted(terms, key=lambda p: -p[0]))


def explain(
    text: str, seen: set[str] | None = None, *, limit: int = 2, max_words: int | None = None
) -> str:
    """Add the plain meaning after the first use of up to ``limit`` jargon terms.

    ``seen`` carries terms already explained earlier in the same answer or section;
    ``max_words`` skips explanations too long for a short sentence to carry.
    """
    seen = set() if seen is None else seen
    taken: list[tuple[int, int]] = []
    inserts: list[tuple[int, str]] = []
    for term in glossary():
        if len(inserts) >= limit or term.term in seen:
            continue
        if max_words is not None and len(term.plain.split()) > max_words:
            continue
        for match in term.pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            after = text[match.end() :]
            if after.lstrip().startswith("(") or term.plain.lower() in text.lower():
                break  # already explained in the source
            taken.append(match.span())
            inserts.append((match.end(), f" ({term.plain})"))
            seen.add(term.term)
            break
    for pos, words in sorted(inserts, reverse=True):
        text = text[:pos] + words + text[pos:]
    return text


def shorten(text: str, max_words: int) -> str:
    """Keep the first ``max_words`` words, ending at a clause boundary where one is near."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    for mark in (";", ",", ":"):
        pos = cut.rfind(mark)
        if pos > len(cut) // 2:
            return cut[:pos] + " ..."
    return cut + " ..."


# Words that cannot end an English clause: a sentence ending on one was broken off.
_DANGLING_END = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "but",
        "to",
        "for",
        "with",
        "in",
        "on",
        "at",
        "by",
        "from",
        "during",
        "into",
        "than",
        "as",
        "such",
        "including",
        "like",
        "per",
        "via",
        "whether",
        "that",
        "which",
        "who",
        "whose",
        "if",
        "because",
        "while",
        "nor",
        "after",
        "before",
        "within",
        "over",
        "under",
        "between",
        "among",
        "without",
    }
)


def is_whole(text: str) -> bool:
    """False for text a reader would see as broken off: an ellipsis, an open bracket, or a last
    word that cannot end a clause ('during.', 'and.')."""
    s = text.strip()
    if not s or "..." in s or "\u2026" in s:
        return False
    if s.count("(") > s.count(")") or s.count("[") > s.count("]"):
        return False
    last = re.findall(r"[A-Za-z]+", s.rstrip(" .!?:;)").split(" ")[-1])
    return not (last and last[-1].lower() in _DANGLING_END)


def sentence(text: str) -> str:
    """Capitalized, ending with one full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


@cache
def _simpler() -> tuple[tuple[re.Pattern[str], str], ...]:
    words = load("glossary").get("simpler_words", {})
    ordered = sorted(words.items(), key=lambda kv: -len(kv[0]))
    return tuple(
        (re.compile(rf"(?<![\w-]){re.escape(k)}(?![\w-])", re.IGNORECASE), v) for k, v in ordered
    )


def simplify(text: str) -> str:
    """Swap long words for short ones from the glossary's ``simpler_words``; numbers untouched."""
    for pattern, plain in _simpler():
        text = pattern.sub(plain, text)
    return _SPACE_RE.sub(" ", text).strip()


# Asides in brackets: abbreviations, lists of subtypes, 'including ...'. Kept when they hold a
# short number (a limit or a dose like '(5mg per day for 2 weeks)') or state an exception ('other
# than ...'); a long lab definition is left to the cited criterion. Innermost first so nesting
# unwinds.
_ASIDE_MAX_WORDS = 6
_ASIDE_RE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def drop_asides(text: str) -> str:
    """Remove bracketed asides except short ones that carry a number (a limit or a dose)."""
    prev = None
    while prev != text:
        prev = text
        text = _drop_one_aside(text)
    return _SPACE_RE.sub(" ", text).strip()


# An aside that states an exception changes who the sentence is about: never dropped.
_EXCEPTION_RE = re.compile(
    r"\b(?:other than|except|excluding|exclusive of|unless|but not|apart from|aside from)\b", re.I
)


def _drop_one_aside(text: str) -> str:
    for match in _ASIDE_RE.finditer(text):
        aside = match.group(0)
        if _EXCEPTION_RE.search(aside):
            continue  # 'cancer (other than non-melanoma skin cancer)' keeps its exception
        if (
            not re.search(r"\d", aside)
            or "following" in aside
            or len(aside.split()) > _ASIDE_MAX_WORDS
        ):
            return text[: match.start()] + text[match.end() :]
    return text


@dataclass(frozen=True)
class LeadRule:
    pattern: re.Pattern[str]
    plain: str


@cache
def lead_rules() -> tuple[LeadRule, ...]:
    return tuple(
        LeadRule(re.compile(r["pattern"], re.IGNORECASE), r["plain"])
        for r in load("glossary").get("lead_rewrites", [])
    )


def about_you(text: str) -> str:
    """Open a criterion as a sentence about the reader ('Patients with X' -> 'You have X').

    Only the first matching rule applies; text no rule fits is returned as it was.
    """
    for rule in lead_rules():
        match = rule.pattern.search(text)
        if match is None:
            continue
        rest = text[match.end() :].lstrip()
        if rest and not re.match(r"[A-Z]{2}|[A-Z]\d|[A-Z][a-z]*[A-Z]", rest):
            rest = rest[0].lower() + rest[1:]
        return f"{rule.plain} {rest}".strip() if rule.plain else rest
    return text


def plain(text: str, *, keep_negation: bool | None = None) -> str:
    """A source clause as a plain whole sentence: asides dropped, opened about the reader, long
    words swapped. Numbers and names are kept as written, and nothing is cut: a reader never sees
    a clause broken off. Callers that need short sentences choose whole clauses by their grade.

    With ``keep_negation`` (the source's own negation parity), a dropped aside that would remove
    a 'not' is undone: a plain sentence must never say the opposite of its source.
    """
    base = clean(text)
    out = drop_asides(re.sub(r"(?<=[a-z])([(\[])", r" \1", base)).rstrip(".:; ")
    versions = [simplify(about_you(out)), simplify(about_you(base.rstrip(".:; ")))]
    if keep_negation is not None:
        same = [v for v in versions if source_polarity(v, None) == keep_negation]
        versions = same or versions[-1:]
    return sentence(versions[0])
