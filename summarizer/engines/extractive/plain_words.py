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
    text: str,
    seen: set[str] | None = None,
    *,
    limit: int = 2,
    max_words: int | None = None,
    skip_plain: bool = False,
) -> str:
    """Add the plain meaning after the first use of up to ``limit`` jargon terms.

    ``seen`` carries terms already explained earlier in the same answer or section;
    ``max_words`` skips explanations too long for a short sentence to carry; with
    ``skip_plain``, a word that is itself a plain swap (a ``simpler_words`` value, 'chemo') is
    left as it is.
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
            if skip_plain and match.group(0).lower() in _plain_swaps():
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


@cache
def _plain_swaps() -> frozenset[str]:
    """The plain words ``simplify`` puts in (lower case)."""
    return frozenset(v.lower() for v in load("glossary").get("simpler_words", {}).values() if v)


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


# --- Plain rewriting that keeps support: one long source sentence as whole shorter sentences ---
#
# A reader's grade falls with shorter sentences, and a checker reads each piece against the
# clause it came from. So a sentence is split only where English joins two whole clauses (a ';',
# ', which', ', and' / ', but' before a new subject, ' because', 'so' before a subject, an
# opening 'Although ...,'); the link word is dropped or said as the new sentence's opener
# (glossary.json ``clause_links``), and each piece keeps the offsets of its own words.


@dataclass(frozen=True)
class Piece:
    """One whole sentence made from a source sentence: ``opener`` (a link word said anew, or '')
    then the source words at ``start:end`` (offsets in the text the caller gave)."""

    start: int
    end: int
    opener: str = ""


# A clause has a finite verb. Without a parser that is read from closed-class words: an auxiliary
# or modal verb, or a subject pronoun followed by a word ('they stop ...'). A clause with only a
# lexical verb ('Radiation therapy uses x-rays') is not recognised, so it is never split off.
_FINITE_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|may|might|can|cannot|could|will|would|should|"
    r"must|does|do|did|exists?|remains?|helps?|allows?|uses?|kills?|stops?)\b"
    r"|\b(?:we|they|it|he|she|you|i)\s+[a-z]+",
    re.I,
)
# Words that open a clause as its subject: pronouns, determiners and quantifiers.
_SUBJECT = (
    r"(?:we|they|it|he|she|you|there|this|these|those|that|the|a|an|its|their|our|his|her|"
    r"some|many|most|few|little|no|each|all|both|such)\b"
)
_MIN_PIECE_WORDS = 4


@cache
def _links() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, opener, where) of each clause link, in the order they are tried."""
    out = []
    for link in load("glossary").get("clause_links", []):
        pattern = link["pattern"].replace("{subject}", _SUBJECT)
        out.append((re.compile(pattern, re.I), str(link["opener"]), str(link.get("at", "inside"))))
    return tuple(out)


_MODAL_RE = re.compile(r"\b(?:may|might|can|could|will|would|should|must)\b", re.I)


def _pronoun(clause: str) -> str:
    """'They' or 'It' for the subject of ``clause`` (the words before its modal verb, up to an
    aside: 'Colony-stimulating factors such as filgrastim may ...' -> 'They')."""
    modal = _MODAL_RE.search(clause)
    subject = clause[: modal.start()] if modal else clause
    subject = re.split(r",|\(|\bsuch as\b|\blike\b", subject)[0].strip()
    last = subject.split()[-1].lower() if subject.split() else ""
    plural = " and " in f" {subject.lower()} " or (
        last.endswith("s") and not last.endswith(("ss", "us", "is"))
    )
    return "They" if plural else "It"


def _is_clause(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    return len(words) >= _MIN_PIECE_WORDS and bool(_FINITE_RE.search(text)) and is_whole(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,;":
        start += 1
    while end > start and text[end - 1] in " \t\n,;.":
        end -= 1
    return start, end


def _split_once(text: str, start: int, end: int, opener: str) -> list[Piece] | None:
    """The first safe split of ``text[start:end]`` into two whole clauses, or None."""
    for pattern, link_opener, at in _links():
        if at == "opening":  # 'Although X, Y': X then 'But Y'
            head = pattern.match(text, start, end)
            if head is None:
                continue
            for comma in re.finditer(r",\s+(?=" + _SUBJECT + ")", text[head.end() : end], re.I):
                left = _trim(text, head.end(), head.end() + comma.start())
                right = _trim(text, head.end() + comma.end(), end)
                if _is_clause(text[left[0] : left[1]]) and _is_clause(text[right[0] : right[1]]):
                    return [Piece(*left, opener), Piece(*right, link_opener)]
            continue
        for match in pattern.finditer(text, start, end):
            left = _trim(text, start, match.start())
            right = _trim(text, match.end(), end)
            if "{subject}" in link_opener:  # '... and may help': the subject said again
                link_opener = link_opener.replace("{subject}", _pronoun(text[left[0] : left[1]]))
            said = f"{link_opener} {text[right[0] : right[1]]}" if link_opener else ""
            if _is_clause(text[left[0] : left[1]]) and _is_clause(
                said or text[right[0] : right[1]]
            ):
                return [Piece(*left, opener), Piece(*right, link_opener)]
    return None


def clause_pieces(text: str, offset: int = 0) -> list[Piece]:
    """``text`` (one source sentence) as whole sentences split at safe clause links, each with
    its offsets (``offset`` added) and the opener that replaces its link; one piece, the whole
    sentence, when no link is safe. Nothing is dropped but the link words themselves."""
    todo = [Piece(*_trim(text, 0, len(text)))]
    out: list[Piece] = []
    while todo:
        piece = todo.pop(0)
        split = _split_once(text, piece.start, piece.end, piece.opener)
        if split is None:
            out.append(piece)
        else:
            todo[:0] = split
    return [Piece(p.start + offset, p.end + offset, p.opener) for p in out]


# A linking adverb set off by commas inside a clause ('The fetus, however, may ...') is said
# first, where a short sentence carries it ('However, the fetus may ...'); one that only adds
# ('In addition, ...', 'Furthermore, ...') opens a sentence that stands alone and is dropped.
_PLURAL_MARK_RE = re.compile(r"(?<=[a-z])([a-z])\(s\)", re.I)
_INNER_LINK_RE = re.compile(r",\s+(however|instead|therefore|thus),\s+", re.I)
_ADDING_OPENER_RE = re.compile(
    r"^(?:in addition|additionally|furthermore|moreover|also|at the same time),\s+", re.I
)


def piece_text(source: str, piece: Piece) -> str:
    """A piece as a plain whole sentence: its source words cleaned, restating asides dropped,
    long words swapped, then its opener ('But', 'This') in front."""
    words = _PLURAL_MARK_RE.sub(r"\1s", clean(source[piece.start : piece.end]))  # 'gene(s)'
    body = simplify(drop_asides(words)).rstrip(".:; ")
    body = _ADDING_OPENER_RE.sub("", body)
    opener = piece.opener
    inner = _INNER_LINK_RE.search(body)
    if inner is not None and not opener:
        opener = inner.group(1).capitalize() + ","
        body = body[: inner.start()] + " " + body[inner.end() :]
    if not body:
        return ""
    if opener and not re.match(r"[A-Z]{2}|[A-Z]\d|[A-Z][a-z]*[A-Z]", body):
        body = body[0].lower() + body[1:]  # 'The fetus' after 'However,' is 'the fetus'
    return sentence(f"{opener} {body}" if opener else body)
