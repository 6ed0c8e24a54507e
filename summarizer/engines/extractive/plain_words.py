"""Plain words: clean source text for reading, split long text, explain jargon from the glossary.

Numbers are never changed; only markup is removed and explanations are added in parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.checker.polarity import source_polarity
from summarizer.engines.extractive.resources import load
from summarizer.readability import grade

MIN_WORDS = 6

_ESCAPE_RE = re.compile(r"\\([<>\[\]()*_^#|-])")
_BULLET_RE = re.compile(r"^\s*(?:[*•\-–·]|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\s?[.)]|[A-Z]\.)\s+")
_SPACE_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Source text as a reader should see it: no markdown escapes, bullets or runs of spaces."""
    out = _ESCAPE_RE.sub(r"\1", text)
    out = _BULLET_RE.sub("", out)
    out = _SPACE_RE.sub(" ", out).strip()
    return out.rstrip(";,").strip()


# Sentence ends: '. ' / '; ' / newlines, but not '2.0' or 'e.g. ' or 'vs. '.
_SPLIT_RE = re.compile(r"(?<!\b[eE]\.g)(?<!\bvs)(?<!\bi\.e)(?<=[.;!?])\s+(?=[A-Z0-9(\"'])|\n+")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (with ``offset`` added) of the sentences of ``text``, trimmed of outer whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_SPLIT_RE.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[pos:end]
        lead = len(piece) - len(piece.lstrip())
        core = piece.strip()
        if re.search(r"[^\W_]", core):  # a letter or digit in any script
            spans.append((offset + pos + lead, offset + pos + lead + len(core)))
        if match:
            pos = match.end()
    return spans


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
# short number (a limit or a dose like '(5mg per day for 2 weeks)'); a long lab definition is left
# to the cited criterion. Innermost first so nesting unwinds.
_ASIDE_MAX_WORDS = 6
_ASIDE_RE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def drop_asides(text: str) -> str:
    """Remove bracketed asides except short ones that carry a number (a limit or a dose)."""
    prev = None
    while prev != text:
        prev = text
        text = _drop_one_aside(text)
    return _SPACE_RE.sub(" ", text).strip()


def _drop_one_aside(text: str) -> str:
    for match in _ASIDE_RE.finditer(text):
        aside = match.group(0)
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


_HARD_RE = re.compile(r"\b\w*(?:\d|[A-Z]{2})\w*")


def _hard_tokens(text: str) -> int:
    return len(_HARD_RE.findall(text))


def _cuts_list(short: str, full: str) -> bool:
    """True when ``short`` keeps a lead-in ('... include:') but not its first item."""
    if ": " not in full:
        return False
    after = short.partition(": ")[2].replace("...", "")
    return len(after.split()) < 3


def plain(
    text: str, max_words: int, *, keep_negation: bool | None = None, target: float | None = None
) -> str:
    """A source clause as a short plain sentence: asides dropped, opened about the reader, long
    words swapped, cut to ``max_words`` (and shorter, down to ``MIN_WORDS``, while its reading grade
    is above ``target``). Numbers and names are kept as written.

    With ``keep_negation`` (the source's own negation parity), a cut or dropped aside that would
    remove a 'not' is undone: a plain sentence must never say the opposite of its source.
    """
    base = clean(text)
    out = drop_asides(re.sub(r"(?<=[a-z])([(\[])", r" \1", base)).rstrip(".:; ")
    out = simplify(about_you(out))
    fallbacks = [out, simplify(about_you(base.rstrip(".:; ")))]
    best = ""
    for limit in range(max_words, MIN_WORDS - 1, -3):
        short = shorten(out, limit)
        if keep_negation is not None and source_polarity(short, None) != keep_negation:
            continue
        if best and (_hard_tokens(short) < _hard_tokens(out) or _cuts_list(short, out)):
            break  # a shorter cut would lose a number, a name like HIV, or a lead-in's items
        best = short
        g = grade(short) if target is not None else None
        if g is None or (target is not None and g <= target):
            break
    if not best:
        same = [f for f in fallbacks if source_polarity(f, None) == keep_negation]
        best = same[0] if same else fallbacks[-1]
    return sentence(best)
