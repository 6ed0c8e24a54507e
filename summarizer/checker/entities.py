"""Named things a sentence can get wrong: trial ids, antigens/targets, drugs, phases, statuses.

Each extractor returns normalized values, so 'CD 19' and 'CD19', 'Phase I/II' and 'PHASE1; PHASE2',
'not yet recruiting' and 'NOT_YET_RECRUITING' compare equal.
"""

from __future__ import annotations

import functools
import re

from summarizer import normalize
from summarizer.checker.text import lexicon, stem_all, words

NCT_RE = re.compile(r"\bNCT\s?\d{8}\b", re.IGNORECASE)


def nct_ids(text: str) -> list[str]:
    return sorted({m.group(0).upper().replace(" ", "") for m in NCT_RE.finditer(text)})


# Targets that are also English words ('met the criteria'): only counted when written in capitals.
_AMBIGUOUS = ("MET", "RET", "ALK")


def targets(text: str) -> list[str]:
    """Antigens named in ``text``; 'CD 19 +' and 'CD19-positive' both give CD19."""
    return [
        t
        for t in normalize.targets(text)
        if t not in _AMBIGUOUS or re.search(rf"\b{t}\b", text) is not None
    ]


@functools.cache
def _drug_tables() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    lex = lexicon()
    names = frozenset(str(n).lower() for n in lex["drug_names"])
    suffixes = tuple(sorted((str(s) for s in lex["drug_suffixes"]), key=len, reverse=True))
    exceptions = frozenset(str(e).lower() for e in lex["drug_suffix_exceptions"])
    return names, suffixes, exceptions


def drugs(text: str) -> list[str]:
    """Drug-like names: known drug names and words with drug-name endings (-mab, -nib, -cel...)."""
    names, suffixes, exceptions = _drug_tables()
    out: list[str] = []
    for word in words(text):
        w = word.strip("-'")
        if w in exceptions or not w.isalpha():
            continue
        if (w in names or (len(w) >= 7 and w.endswith(suffixes))) and w not in out:
            out.append(w)
    return out


def drug_present(drug: str, source: str) -> bool:
    """A drug counts as present when its stem appears in the source's words."""
    stem = stem_all([drug])[0]
    return stem in set(stem_all(words(source))) or drug in source.lower()


def phases(text: str) -> list[str]:
    return normalize.phases(text)


# Status phrases, longest first so 'not yet recruiting' never reads as 'recruiting'.
_STATUS_PATTERNS: list[tuple[str, str]] = [
    (
        r"not\s+yet\s+recruiting|has\s+not\s+(?:yet\s+)?started\s+(?:recruiting|taking)",
        "NOT_YET_RECRUITING",
    ),
    # 'not taking new people' alone follows 'completed' or 'stopped early' too: only 'running
    # but not taking new' is this status.
    (
        r"active,?\s+not\s+recruiting|(?:running|active)\b[^.;]{0,20}\bnot\s+(?:taking|recruiting)\s+new",
        "ACTIVE_NOT_RECRUITING",
    ),
    (r"enrolling\s+by\s+invitation", "ENROLLING_BY_INVITATION"),
    (r"withdrawn", "WITHDRAWN"),
    (r"terminated|stopped\s+early", "TERMINATED"),
    (r"suspended|on\s+hold", "SUSPENDED"),
    (
        r"(?:trial|study|status)\s+(?:is\s+|was\s+|has\s+)?(?:been\s+)?completed|\bcompleted\s+status",
        "COMPLETED",
    ),
    (
        r"(?<!not\s)(?<!non-)(?<!non)recruiting|(?<!not\s)taking\s+new\s+(?:people|participants|patients)",
        "RECRUITING",
    ),
]
_STATUS_RE = re.compile(
    "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_STATUS_PATTERNS)), re.I
)


def statuses(text: str) -> list[str]:
    out: list[str] = []
    for m in _STATUS_RE.finditer(text):
        for i, (_, value) in enumerate(_STATUS_PATTERNS):
            if m.group(f"s{i}") and value not in out:
                out.append(value)
    return out


# Whether a sentence says the trial takes people now: 'it is taking anyone', 'is recruiting',
# 'is open to new patients'; a 'not' / 'no longer' before the verb says it does not.
_OPEN_RE = re.compile(
    r"\b(?P<lead>isn't|aren't|is|are|it's|still|now|currently)\s+(?P<neg>(?:not|no\s+longer|n't)\s+)?(?:still\s+)?"
    r"(?:(?:taking|accepting|enrolling|recruiting|looking\s+for)\s+"
    r"(?:any(?:one|body)|new\b|people|participants|patients|volunteers)|"
    r"recruiting\b(?!\s+by)|open\s+to\s+(?:new\s+)?(?:any(?:one|body)|people|participants|patients))",
    re.I,
)
_CLOSED_PREFIX = re.compile(r"(?:\bnot|n't|\bno\s+longer)\s+$", re.I)
OPEN_STATUSES = frozenset({"RECRUITING", "ENROLLING_BY_INVITATION"})
CLOSED_STATUSES = frozenset(
    {"ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED"}
)


def says_open(text: str) -> bool | None:
    """True when the sentence says the trial is taking people now, False when it says it is
    not, None when it says neither (or both)."""
    said = set()
    for m in _OPEN_RE.finditer(text):
        neg = bool(m.group("neg")) or "n't" in m.group("lead").lower()
        neg = neg or bool(_CLOSED_PREFIX.search(text[: m.start()]))
        said.add(not neg)
    return said.pop() if len(said) == 1 else None
