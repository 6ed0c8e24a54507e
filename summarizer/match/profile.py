"""Read a person's description (their own words or a case note) into a PersonProfile.

Who (age, sex, pregnancy), what (conditions, treatments, procedures and findings named by the
criteria vocabulary, each with its span, negation and history), where (a place named), and the
condensed search text. Only what is said is read: a condition not mentioned is not absent.
Negation and history follow NegEx (Chapman et al. 2001): a cue scopes forward (or back, for
'ruled out', 'negative') over a few words of its own clause. The cue words, sex and relative
words live in ``profile_words.json``; this module is the logic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from summarizer.criteria.vocabulary import Concept, Vocabulary
from summarizer.criteria.vocabulary import load as load_vocabulary
from summarizer.models.match import PersonProfile, ProfileTerm, TermKind

DATA = Path(__file__).resolve().parent / "profile_words.json"
Sex = Literal["FEMALE", "MALE"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]\n]")
_NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
]  # fmt: skip
_NUMBER_VALUES = dict(zip(_NUMBER_WORDS, [*range(21), 30, 40, 50, 60, 70, 80, 90], strict=True))
_NUM = r"(\d{1,3}(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + ")"
_UNIT = r"(years?|yrs?|months?|mos?|weeks?|wks?|days?)"
_NOT_AGE_AFTER = (
    r"(?!\s*(?:%|kg|cm|mm|lbs?|pounds|mg|ml|times|hours|minutes|cycles|weeks? pregnant"
    r"|months? pregnant|years? ago|months? ago|weeks? ago|days? ago|to \d|-\d|/\d|,\d|\.\d))"
)
# Earliest match wins; each pattern's group 1 is the number, group 2 (if any) the unit.
_AGE_PATTERNS = (
    re.compile(rf"\b{_NUM}[- ]?{_UNIT}[- ]old\b", re.I),
    re.compile(rf"\b{_NUM}\s*(?:yo|y/o|y\.o\.|yrs? old|yr old)(?![a-z])", re.I),
    re.compile(rf"\b{_NUM}\s+{_UNIT}\s+of\s+age\b", re.I),
    re.compile(r"^\s*(?:a\s+)?(\d{1,3})(?=\s*-?\s*(?:M|F)\b)"),
    re.compile(
        rf"(?<!\bat )\b(?:i'?m|i am|is|he's|she's|turned|turning|aged?|age:?|now)\s+{_NUM}"
        rf"(?:\s+{_UNIT}(?:\s+old)?)?\b{_NOT_AGE_AFTER}",
        re.I,
    ),
)
_SEX_AFTER_AGE = re.compile(r"\s*-?\s*(M|F)\b")
_SELF_WORDS = re.compile(r"\b(?:I|I'm|I've|me|my|myself)\b")


@dataclass(frozen=True)
class Words:
    """profile_words.json, compiled."""

    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    history_before: re.Pattern[str]
    history_after: re.Pattern[str]
    clause_break: re.Pattern[str]
    not_about: re.Pattern[str]
    not_about_after: re.Pattern[str]
    scope_words: int
    ignore_terms: frozenset[str]
    extra_terms: dict[str, str]
    procedure_words: frozenset[str]
    finding_words: frozenset[str]
    sex_nouns: dict[str, Sex]
    sex_pronouns: dict[str, Sex]
    sex_letters: dict[str, Sex]
    relatives: dict[str, Sex | None]
    pregnancy: re.Pattern[str]
    place_cues: list[str]
    not_places: frozenset[str]
    english: frozenset[str]
    filler: frozenset[str]
    query_words: int
    modifiers: frozenset[str]
    first_person: re.Pattern[str]
    messages: dict[str, str]


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole-word match of any phrase, longest first, spaces matching any run of spaces."""
    parts = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)
    return re.compile(rf"(?<![\w/])(?:{body})(?![\w/])", re.I)


@cache
def words(path: Path = DATA) -> Words:
    d: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))

    def by_sex(table: dict[str, list[str]], lower: bool = True) -> dict[str, Sex]:
        return {(w.lower() if lower else w): s for s, ws in table.items() for w in ws}  # type: ignore[misc]

    return Words(
        negation_before=_alternation(d["negation_before"]),
        negation_after=_alternation(d["negation_after"]),
        history_before=_alternation(d["history_before"]),
        history_after=_alternation(d["history_after"]),
        clause_break=_alternation(d["clause_breaks"]),
        not_about=_alternation(d["not_about_the_person"]),
        not_about_after=_alternation(d["not_about_after"]),
        scope_words=int(d["scope_words"]),
        ignore_terms=frozenset(w.lower() for w in d["ignore_terms"]),
        extra_terms=dict(d["extra_terms"]),
        procedure_words=frozenset(w.lower() for w in d["procedure_words"]),
        finding_words=frozenset(w.lower() for w in d["finding_words"]),
        sex_nouns=by_sex(d["sex_nouns"]),
        sex_pronouns=by_sex(d["sex_pronouns"]),
        sex_letters=by_sex(d["sex_letters"], lower=False),
        relatives=dict(d["relatives"]),
        pregnancy=_alternation(d["pregnancy_words"]),
        place_cues=sorted(d["place_before"], key=len, reverse=True),
        not_places=frozenset(d["not_places"]),
        english=frozenset(d["english_function_words"]),
        filler=frozenset(w.lower() for w in d["query_filler"]),
        query_words=int(d["query_words"]),
        modifiers=frozenset(w.lower() for w in d["query_modifiers"]),
        first_person=re.compile(
            r"\bI(?:'m| am|'ve| have| had| was)\b(?!\s+(?:"
            + "|".join(r"\s+".join(map(re.escape, c.split())) for c in d["carer_words"])
            + r")\b)",
            re.I,
        ),
        messages=dict(d["messages"]),
    )


# --- age, sex, pregnancy, place ---------------------------------------------------------------


def _number(token: str) -> float:
    t = token.lower()
    return float(_NUMBER_VALUES[t]) if t in _NUMBER_VALUES else float(t)


def _years(n: float, unit: str | None) -> float:
    u = (unit or "years").lower()
    if u.startswith("mo"):
        return round(n / 12, 4)
    if u.startswith("w"):
        return round(n / 52.1775, 4)
    if u.startswith("d"):
        return round(n / 365.25, 4)
    return n


def _age(text: str) -> tuple[float, str, int] | None:
    """The earliest age said: (years, the words, where the words end)."""
    best: re.Match[str] | None = None
    for pattern in _AGE_PATTERNS:
        for m in pattern.finditer(text):
            n = _number(m.group(1))
            if 0 <= n <= 120 and (best is None or m.start() < best.start()):
                best = m
            break
    if best is None:
        return None
    unit = best.group(2) if best.re.groups >= 2 else None
    return _years(_number(best.group(1)), unit), best.group(0).strip(), best.end()


def _subject_relative(text: str, w: Words) -> tuple[str, Sex | None] | None:
    """'my daughter is 12 and has ...': the relative the description is about, if any."""
    if w.first_person.search(text):
        return None
    for m in re.finditer(r"\bmy\s+(\w+)", text, re.I):
        rel = m.group(1).lower()
        if rel in w.relatives:
            return rel, w.relatives[rel]
    return None


def _sex(
    text: str, w: Words, age_end: int | None, relative: tuple[str, Sex | None] | None
) -> tuple[Sex, str] | None:
    if age_end is not None and (m := _SEX_AFTER_AGE.match(text, age_end)):
        return w.sex_letters[m.group(1)], m.group(1)
    nouns = "|".join(sorted((re.escape(n) for n in w.sex_nouns), key=len, reverse=True))
    said = re.search(
        rf"\b(?:i'?m|i am|is|was)\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?({nouns})\b"
        rf"|\b(?:a|an)\s+[\w-]*\d[\w-]*\s+(?:[\w-]+\s+){{0,2}}?({nouns})\b",
        text,
        re.I,
    )
    if said:
        word = said.group(1) or said.group(2)
        return w.sex_nouns[word.lower()], word
    if relative and relative[1]:
        return relative[1], f"my {relative[0]}"
    if _SELF_WORDS.search(text) and not relative:
        return None
    counts: dict[Sex, list[str]] = {"FEMALE": [], "MALE": []}
    for m in _WORD.finditer(text):
        if (s := w.sex_pronouns.get(m.group(0).lower())) is not None:
            counts[s].append(m.group(0))
    f, m_ = len(counts["FEMALE"]), len(counts["MALE"])
    if f != m_ and max(f, m_) >= 1:
        s = "FEMALE" if f > m_ else "MALE"
        return s, counts[s][0]
    return None


def _place(text: str, w: Words, vocab: Vocabulary) -> str | None:
    medical = [(m.start, m.end) for m in vocab.find(text)]
    for cue in w.place_cues:
        cue_re = r"\s+".join(re.escape(p) for p in cue.split())
        for m in re.finditer(
            rf"(?<![\w/])(?i:{cue_re})\s+((?:St\.\s|[A-Z][a-z]+)(?:[ -][A-Z][a-z]+)*)", text
        ):
            name = m.group(1)
            first = name.split()[0].rstrip(".")
            if first in w.not_places or any(s < m.end(1) and m.start(1) < e for s, e in medical):
                continue
            return name
    return None


# --- terms: vocabulary mentions with negation and history -------------------------------------


def _in_scope(text: str, cue_end: int, start: int, w: Words) -> bool:
    """A forward cue reaches a term when only a few words of the same clause lie between."""
    gap = text[cue_end:start]
    if _CLAUSE_END.search(gap) or w.clause_break.search(gap):
        return False
    return len(_WORD.findall(gap)) <= w.scope_words


def _after_in_scope(text: str, end: int, cue_start: int) -> bool:
    gap = text[end:cue_start]
    return not _CLAUSE_END.search(gap) and len(_WORD.findall(gap)) <= 3


def _cued(text: str, start: int, end: int, before: re.Pattern[str], w: Words) -> bool:
    window = text[max(0, start - 200) : start]
    offset = max(0, start - 200)
    return any(_in_scope(text, offset + c.end(), start, w) for c in before.finditer(window))


def _someone_else(text: str, start: int, end: int, w: Words, relative: str | None) -> bool:
    """'family history of X', 'her father has X', 'X in his mother': not the person's own.
    The cue reaches over verbs and lists to the end of its sentence; the relative the
    description is about ('my daughter has ...') does not count."""
    lo = max(0, start - 200)
    for c in w.not_about.finditer(text[lo:start]):
        gap = text[lo + c.end() : start]
        if relative and re.search(rf"\b{relative}\b", c.group(0), re.I):
            continue
        if not re.search(r"[.;!?\n]", gap) and len(_WORD.findall(gap)) <= w.scope_words:
            return True
    after = w.not_about_after.search(text[end : end + 60])
    return after is not None and _after_in_scope(text, end, end + after.start())


def _cued_after(text: str, end: int, after: re.Pattern[str]) -> bool:
    window = text[end : end + 60]
    return any(_after_in_scope(text, end, end + c.start()) for c in after.finditer(window))


def _kind(concept: Concept, words_: str, w: Words) -> TermKind:
    tokens = {t.lower() for t in _WORD.findall(f"{concept.label} {words_}")}
    if concept.kind == "intervention":
        if tokens & w.procedure_words or any(
            t.endswith(("ectomy", "otomy", "ostomy", "plasty", "scopy")) for t in tokens
        ):
            return "procedure"
        return "treatment"
    if concept.kind == "condition":
        if tokens & w.finding_words and not {"cancer", "carcinoma", "disease"} & tokens:
            return "finding"
        return "condition"
    return "other"


def _mentions(text: str, vocab: Vocabulary, w: Words) -> list[tuple[int, int, Concept]]:
    """Vocabulary mentions, plus the abbreviations and lay words the vocabulary lacks."""
    found = [(m.start, m.end, m.concept) for m in vocab.find(text)]
    for short, term in w.extra_terms.items():
        concept = vocab.lookup(term)
        if concept is None:
            continue
        flags = 0 if short.isupper() else re.I
        for m in re.finditer(rf"(?<![\w/-]){re.escape(short)}(?![\w/-])", text, flags):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), concept))
    return sorted(found, key=lambda f: f[0])


def _terms(
    text: str, vocab: Vocabulary, w: Words, relative: tuple[str, Sex | None] | None
) -> list[ProfileTerm]:
    out: list[ProfileTerm] = []
    for start, end, concept in _mentions(text, vocab, w):
        said = text[start:end]
        low = said.lower()
        if low in w.ignore_terms or w.pregnancy.fullmatch(said):
            continue
        if _someone_else(text, start, end, w, relative[0] if relative else None):
            continue
        negated = _cued(text, start, end, w.negation_before, w) or _cued_after(
            text, end, w.negation_after
        )
        history = _cued(text, start, end, w.history_before, w) or _cued_after(
            text, end, w.history_after
        )
        out.append(
            ProfileTerm(
                words=said,
                start=start,
                end=end,
                concept=concept.id,
                label=concept.label,
                kind=_kind(concept, said, w),
                negated=negated,
                history=history and not negated,
            )
        )
    return out


def _pregnant(text: str, w: Words) -> bool | None:
    said: bool | None = None
    for m in w.pregnancy.finditer(text):
        negated = _cued(text, m.start(), m.end(), w.negation_before, w) or _cued_after(
            text, m.end(), w.negation_after
        )
        if not negated:
            return True
        said = False
    return said


# --- the condensed query -----------------------------------------------------------------------

_QUERY_ORDER: dict[TermKind, int] = {
    "condition": 0,
    "finding": 2,
    "treatment": 3,
    "procedure": 3,
    "other": 4,
}


def _modifiers(text: str, start: int, w: Words) -> str:
    """Up to three words right before a condition that narrow it ('anaplastic', 'stage iv')."""
    before = text[max(0, start - 60) : start]
    keep: list[str] = []
    for m in reversed(list(_WORD.finditer(before))[-3:]):
        tail = before[m.end() : m.end() + 3]
        if m.group(0).lower() not in w.modifiers or not re.fullmatch(r"[ -]?", tail[:1]):
            break
        if keep and not re.fullmatch(r"[ -]", before[m.end() : m.end() + 1]):
            break
        keep.insert(0, m.group(0))
        before = before[: m.start()] + " " * (len(before) - m.start())
    return " ".join(keep)


_HEADING = 8  # a concept with this many narrower ones is a heading ('Neoplasms'), not a diagnosis


def _ancestors(cids: set[str], vocab: Vocabulary, depth: int = 12) -> set[str]:
    """Every concept broader than one of ``cids`` (up the vocabulary's 'broader' links)."""
    out: set[str] = set()
    frontier = {c for c in cids if c in vocab.concepts}
    for _ in range(depth):
        frontier = {p.id for c in frontier for p in vocab.broader(c)} - out
        if not frontier:
            break
        out |= frontier
    return out


def _query(text: str, terms: list[ProfileTerm], w: Words, vocab: Vocabulary) -> str:
    """Main conditions first (said most often, then first said), then findings and treatments;
    negated terms left out; a general heading ('tumor': broader than another concept said, or
    a heading with many narrower ones) after the specific conditions."""
    groups: dict[str, list[ProfileTerm]] = {}
    for t in terms:
        if not t.negated:
            groups.setdefault(t.concept or t.words.lower(), []).append(t)
    broad = _ancestors(set(groups), vocab) | {
        c for c in groups if len(vocab.narrower(c)) >= _HEADING and len(groups) > 1
    }

    def rank(item: tuple[str, list[ProfileTerm]]) -> tuple[int, int, int]:
        ts = item[1]
        return (_QUERY_ORDER[ts[0].kind] + 2 * (item[0] in broad), -len(ts), ts[0].start)

    out: list[str] = []
    for _, ts in sorted(groups.items(), key=rank):
        t = ts[0]
        phrase = t.words
        if t.kind == "condition":
            phrase = max((f"{_modifiers(text, x.start, w)} {x.words}".strip() for x in ts), key=len)
        if t.label and phrase.isupper():  # an abbreviation: search with its name too
            phrase = f"{phrase} {t.label}"
        for word in phrase.split():
            if word.lower() not in {o.lower() for o in out}:
                out.append(word)
        if len(out) >= w.query_words:
            break
    if not terms:  # nothing in the vocabulary: the description's own content words
        out = [m.group(0) for m in _WORD.finditer(text) if m.group(0).lower() not in w.filler]
    return " ".join(out[: w.query_words])


# --- the whole reading --------------------------------------------------------------------------


def _looks_english(text: str, w: Words, vocab: Vocabulary) -> bool:
    """Mostly Latin letters, and either English function words or medical terms among them
    (case-note shorthand such as 'HTN, DM2, CAD' has few function words)."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(1 for c in letters if c.isascii()) / len(letters) < 0.7:
        return False
    tokens = [t.lower() for t in _WORD.findall(text[:2000])]
    if len(tokens) < 6 or sum(1 for t in tokens if t in w.english) / len(tokens) >= 0.06:
        return True
    return len(vocab.find(text[:2000])) * 8 >= len(tokens)


def _cap(description: str, max_chars: int) -> tuple[str, bool]:
    if len(description) <= max_chars:
        return description, False
    cut = description[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip(), True


def read_profile(description: str, *, max_chars: int = 4000) -> PersonProfile:
    """What a description says about a person; never raises on any text."""
    w = words()
    raw = description if isinstance(description, str) else ""
    text, truncated = _cap(raw, max(1, max_chars))
    notes: list[str] = []
    if truncated:
        notes.append(w.messages["truncated"].format(max_chars=max_chars))
    if not text.strip():
        return PersonProfile(text=text, truncated=truncated, notes=[w.messages["empty"], *notes])
    vocab = load_vocabulary()
    if not _looks_english(text, w, vocab):
        notes.append(w.messages["not_english"])
        return PersonProfile(text=text, truncated=truncated, notes=notes)
    read = text.replace("’", "'")  # same length, so spans index `text` too
    relative = _subject_relative(read, w)
    age = _age(read)
    sex = _sex(read, w, age[2] if age else None, relative)
    terms = _terms(read, vocab, w, relative)
    terms = [t.model_copy(update={"words": text[t.start : t.end]}) for t in terms]
    pregnant = _pregnant(read, w)
    if sex and sex[0] == "MALE":
        pregnant = None
    elif sex is None and pregnant:
        sex = ("FEMALE", "pregnant")
    profile = PersonProfile(
        text=text,
        truncated=truncated,
        age_years=age[0] if age else None,
        age_words=age[1] if age else None,
        sex=sex[0] if sex else None,
        sex_words=sex[1] if sex else None,
        pregnant=pregnant,
        terms=terms,
        place=_place(read, w, vocab),
        query=_query(read, terms, w, vocab),
        notes=notes,
    )
    if profile.empty:
        profile = profile.model_copy(update={"notes": [*notes, w.messages["nothing_medical"]]})
    return profile
