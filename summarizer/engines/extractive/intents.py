"""Which kind of question is this? Patterns and keywords live in prompts/intents.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.engines.extractive.resources import load


@dataclass(frozen=True)
class IntentRule:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    keywords: dict[str, float]
    closed: bool = False  # answered from its field only, else "the record does not say"
    about_trial: bool = False  # about the trial even when asked in the first person
    # Record sentences that hold the intent's fact in prose, when the field does not.
    source: tuple[re.Pattern[str], ...] = ()
    weight: float = 1.0  # what a matched pattern scores


# Questions about who took part, answered from the posted baseline characteristics: past tense
# or 'took part' about the people in it, never 'who can take part' (eligibility) or 'how many
# will take part' (enrollment). The parts are named after the registry's Baseline
# Characteristics measures (Age; Sex/Gender; and the module itself for 'who took part').
# Code-defined beside the file's intents (see the session-26 notes: they can move into
# prompts/intents.json as a 'baseline_parts' table); each is an intent 'baseline_<part>' that
# outranks the eligibility and enrollment readings of the same words.
_PEOPLE = r"(people|patients|participants|subjects|volunteers|veterans|adults|kids|children)"
_TOOK_PART = (
    r"(took part|taking part|were (in|enrolled|included|recruited|studied|treated|randomi[sz]ed)"
    r"|was (in|enrolled|included|recruited|studied)|participated|joined|signed up|were there)"
)
BASELINE_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "age",
        (
            r"\bhow old (were|was)\b",
            r"\b(average|mean|median|typical) ages?\b(?![^?]*\b(can|must|should|need|allowed)\b)",
            r"\bwhat (were|was) the ages?\b",
            rf"\bages? of (the )?{_PEOPLE} (who )?{_TOOK_PART}",
        ),
    ),
    (
        "sex",
        (
            rf"\bhow many (of (the|them) )?(\w+ )?(women|men|females|males|girls|boys)\b[^?]*"
            rf"\b{_TOOK_PART}",
            rf"\bhow many (of (the|them) )?{_PEOPLE}? ?(were|was) (women|men|female|male)\b",
            r"\b(sex|gender) (split|breakdown|mix|balance|ratio)\b",
            r"\b(what|which) (share|percentage|proportion|number|part) of (the )?"
            rf"{_PEOPLE} (were|was) (women|men|female|male)\b",
        ),
    ),
    (
        "all",
        (
            rf"\bwho {_TOOK_PART}",
            rf"\b(what|which) (kind|kinds|sort|type) of {_PEOPLE} {_TOOK_PART}",
            rf"\bwhat were the {_PEOPLE} like\b",
            r"\b(demographics?|baseline characteristics)\b",
        ),
    ),
)
BASELINE_WEIGHT = 3.0  # a matched 'who took part' question outranks a keyword reading


@cache
def _baseline_rules() -> tuple[IntentRule, ...]:
    return tuple(
        IntentRule(
            f"baseline_{part}",
            _compile(list(patterns)),
            {},
            about_trial=True,
            weight=BASELINE_WEIGHT,
        )
        for part, patterns in BASELINE_QUESTIONS
    )


def baseline_part(question: str) -> str | None:
    """The part of who took part a question asks about ('age', 'sex', 'all'), first in order;
    None when it asks nothing about the people who took part."""
    q = normalize(corrected(question))
    rule = next((r for r in _baseline_rules() if any(p.search(q) for p in r.patterns)), None)
    return rule.name.removeprefix("baseline_") if rule else None


@dataclass(frozen=True)
class Intent:
    name: str
    score: float


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@cache
def _rules() -> tuple[IntentRule, ...]:
    return (*_file_rules(), *_baseline_rules())


@cache
def _file_rules() -> tuple[IntentRule, ...]:
    data = load("intents")
    return tuple(
        IntentRule(
            r["name"],
            _compile(r.get("patterns", [])),
            dict(r.get("keywords", {})),
            bool(r.get("closed", False)),
            bool(r.get("about_trial", False)),
            _compile(r.get("source", [])),
        )
        for r in data["intents"]
    )


@cache
def _cues(key: str) -> tuple[re.Pattern[str], ...]:
    data = load("intents")
    value = data[key]
    return _compile(value["patterns"] if isinstance(value, dict) else value)


def normalize(question: str) -> str:
    return " ".join(question.replace("’", "'").split())


def is_declined(question: str) -> bool:
    """Medical advice about the asker's own care, diagnoses, promises of cure: out of scope."""
    q = normalize(question)
    return any(p.search(q) for p in _cues("decline"))


# A statement in the first person ('I quit smoking 2 years ago', 'My cancer has spread'): about
# the asker even without a cue verb; the engine still needs a fact the asker gave.
_FIRST_PERSON = re.compile(
    r"^(?:and |but |so |well,? )?(?:i|my)\b(?!\s+(?:question|query)\b)", re.I
)


def is_about_self(question: str) -> bool:
    q = normalize(question)
    if any(p.search(q) for p in _cues("self_cues")):
        return True
    return any(_FIRST_PERSON.match(s.strip()) for s in re.split(r"[.!?;]\s+", q))


def is_first_person_statement(question: str) -> bool:
    """'I've been on the same dose of risperidone for 6 months.': no question asked, every
    sentence about the asker. Words that name a trial field ('dose', 'blind') do not make it a
    question about the trial."""
    q = normalize(question).strip()
    if not q or "?" in q:
        return False
    parts = [s.strip() for s in re.split(r"[.!;]\s+", q) if s.strip()]
    return bool(parts) and all(_FIRST_PERSON.match(s) for s in parts)


@cache
def vocabulary() -> frozenset[str]:
    """The words intents are recognized by: literal words of the intent and topic patterns, the
    keywords, and the file's extra ``typo_tolerance.vocabulary``."""
    data = load("intents")
    texts: list[str] = []
    for rule in data["intents"]:
        texts += rule.get("patterns", []) + list(rule.get("keywords", {}))
    for t in data.get("topics", []):
        texts += t["question"]
    texts += data.get("typo_tolerance", {}).get("vocabulary", [])
    # Strip regex escapes (\b, \w) before taking the words.
    return frozenset(w for t in texts for w in re.findall(r"[a-z]+", re.sub(r"\\[a-zA-Z]", " ", t)))


@cache
def _known_words() -> frozenset[str]:
    """Common English words (textstat's Dale-Chall list): never taken for a misspelling."""
    from importlib import resources

    try:
        text = (resources.files("textstat") / "resources" / "en" / "easy_words.txt").read_text(
            encoding="utf-8"
        )
    except (FileNotFoundError, ModuleNotFoundError):  # an optional guard, not a dependency
        return frozenset()
    return frozenset(text.split())


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one dropped, added or changed letter, or two neighbours
    swapped (the typos people make when typing fast)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@cache
def corrected_word(word: str) -> str:
    """``word``, or the one intent word it is a single typo of ('phsae' -> 'phase'). Only for
    words not in the vocabulary nor common English, and only towards vocabulary words of at
    least ``min_vocab_letters`` letters, so short words are never bent into intent words."""
    cfg = load("intents").get("typo_tolerance", {})
    vocab = vocabulary()
    low = word.lower()
    if (
        len(low) < int(cfg.get("min_word_letters", 4))
        or low in vocab
        or low in _known_words()
        or low in cfg.get("unapostrophed", ())  # 'theyre' is "they're", not 'there'
        or not low.isalpha()
        or low.removesuffix("s") in vocab  # a plural is not a typo ('groups', 'sites')
        or f"{low}s" in vocab
    ):
        return word
    least = int(cfg.get("min_vocab_letters", 5))
    near = sorted(v for v in vocab if len(v) >= least and _one_edit(low, v))
    return near[0] if len(near) == 1 else word


def corrected(question: str) -> str:
    """The question with single-letter typos of intent words fixed, for routing only (the
    question itself, as asked, is what retrieval and the answer see)."""
    return re.sub(r"[A-Za-z]+", lambda m: corrected_word(m.group(0)), question)


def classify(question: str) -> list[Intent]:
    """Intents scoring at least ``min_score``, best first (ties keep the file's order).
    Misspelt intent words count as spelt right (``corrected``)."""
    q = normalize(corrected(question))
    words = re.findall(r"[a-z0-9]+", q.lower())
    out: list[Intent] = []
    for rule in _rules():
        score = rule.weight if any(p.search(q) for p in rule.patterns) else 0.0
        score += sum(rule.keywords.get(w, 0.0) for w in set(words))
        if score >= float(load("intents")["min_score"]):
            out.append(Intent(rule.name, round(score, 3)))
    return sorted(out, key=lambda i: -i.score)


def is_closed(name: str) -> bool:
    """Whether only the intent's own field may answer (no sentence picked by words)."""
    return any(r.closed for r in _rules() if r.name == name)


def source(name: str) -> tuple[re.Pattern[str], ...]:
    """The patterns of record sentences that hold the intent's fact in prose ('A total of 18-24
    patients will be accrued' for enrollment); empty when the field is the only source."""
    return next((r.source for r in _rules() if r.name == name), ())


def is_about_trial(name: str) -> bool:
    """Whether the intent asks about the trial itself, whoever the question names."""
    return any(r.about_trial for r in _rules() if r.name == name)


@dataclass(frozen=True)
class Topic:
    """Something patients ask that trial documents seldom hold (cost, payment, travel...)."""

    name: str
    question: tuple[re.Pattern[str], ...]
    source: tuple[re.Pattern[str], ...]

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)


@cache
def _topics() -> tuple[Topic, ...]:
    return tuple(
        Topic(t["name"], _compile(t["question"]), _compile(t["source"]))
        for t in load("intents").get("topics", [])
    )


# Results questions the file's 'results' topic patterns miss, asked in the past tense about what
# a treatment did: a drug code for a name ('did MSL-109 help?', the file allows plain words only),
# the verbs registry outcome titles measure change with ('lower', 'reduce', 'improve': 'Change
# From Baseline in ...', 'Reduction in ...'), and side effects 'reported' or 'seen' (past tense
# only: 'what are the side effects?' stays the risks question).
RESULTS_QUESTIONS = (
    r"\bdid (the |this |these |their |adding |giving )?[\w-]+( [\w-]+){0,3} (help|work|shrink|"
    r"lower|reduce|raise|improve|increase|decrease|prevent|slow|delay|extend|prolong|cure|"
    r"change|affect)\b",
    r"\b(were|was) (there )?(any )?(serious |bad |major )?(side[- ]effects?|adverse (events?|"
    r"effects?|reactions?)|complications?)\b[^?]*\b(reported|seen|found|recorded|posted|"
    r"observed|noted)\b",
)


@cache
def _results_questions() -> tuple[re.Pattern[str], ...]:
    return _compile(list(RESULTS_QUESTIONS))


def topic(question: str) -> Topic | None:
    """The seldom-documented topic a question asks about, if any (first in file order; a past
    tense question about what a treatment did is the results topic, ``RESULTS_QUESTIONS``)."""
    q = normalize(corrected(question))
    found = next((t for t in _topics() if any(p.search(q) for p in t.question)), None)
    if found is None and any(p.search(q) for p in _results_questions()):
        found = next((t for t in _topics() if t.name == "results"), None)
    return found


def region_countries(question: str) -> frozenset[str]:
    """The countries of the regions a question names ('anywhere in Europe'), lower case."""
    q = normalize(question)
    return frozenset(
        c.lower()
        for name, countries in load("intents").get("regions", {}).items()
        if not name.startswith("_") and re.search(rf"\b{re.escape(name)}\b", q, re.I)
        for c in countries
    )


@dataclass(frozen=True)
class AgeGroup:
    words: str
    min_years: float
    max_years: float


def age_group(question: str) -> AgeGroup | None:
    """The age range a group word names ('young children': 0-5 years), first match in file order."""
    q = normalize(question)
    for g in load("intents").get("age_groups", []):
        if m := re.search(g["words"], q, re.IGNORECASE):
            return AgeGroup(m.group(0), float(g["min"]), float(g["max"]))
    return None


@dataclass(frozen=True)
class Kind:
    """A kind of thing a question asks for ('what drug'), the record's intervention types that
    are that kind, and the words the documents name it with."""

    name: str
    question: tuple[re.Pattern[str], ...]
    types: frozenset[str]
    source: tuple[re.Pattern[str], ...]

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)

    def has_type(self, type_: str | None) -> bool:
        """'Drug', 'DRUG' and 'DIETARY_SUPPLEMENT' are read as the same words as the data's."""
        return bool(type_) and " ".join(str(type_).replace("_", " ").lower().split()) in self.types


@cache
def _kinds() -> dict[str, tuple[Kind, ...]]:
    return {
        r["name"]: tuple(
            Kind(
                k["name"],
                _compile(k["question"]),
                frozenset(t.lower() for t in k["types"]),
                _compile(k["source"]),
            )
            for k in r.get("kinds", [])
        )
        for r in load("intents")["intents"]
    }


def asked_kinds(name: str, question: str) -> list[Kind]:
    """The kinds of thing the question asks the intent ``name`` for ('what drug': drug)."""
    q = normalize(corrected(question))
    return [k for k in _kinds().get(name, ()) if any(p.search(q) for p in k.question)]


@dataclass(frozen=True)
class Gap:
    """A part of a question the record may lack ('which drugs and doses'): said to be missing
    when its field gives nothing and no answer sentence holds its source words."""

    name: str
    field: str
    source: tuple[re.Pattern[str], ...]
    say: str

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)


@cache
def _gaps() -> tuple[tuple[tuple[re.Pattern[str], ...], Gap], ...]:
    return tuple(
        (_compile(g["question"]), Gap(g["name"], g["field"], _compile(g["source"]), g["say"]))
        for g in load("intents").get("gaps", [])
    )


def gaps(question: str) -> list[Gap]:
    """The parts the question asks for that the record may lack, in file order."""
    q = normalize(corrected(question))
    return [gap for patterns, gap in _gaps() if any(p.search(q) for p in patterns)]


def date_kinds(question: str) -> frozenset[str] | None:
    """The record dates a date question asks for ('when did it begin': the start), from the
    file's ``date_parts``; None when it names no part (every date answers)."""
    q = normalize(corrected(question))
    found = [
        part
        for part in load("intents").get("date_parts", [])
        if any(re.search(p, q, re.IGNORECASE) for p in part["question"])
    ]
    return frozenset(k for part in found for k in part["kinds"]) if found else None


# 'Complete' names an outcome, not finishing the study, in the response terms of RECIST and the
# NCI dictionary ('complete response', 'complete remission', 'completely healed'); typo
# tolerance may have read 'complete' as the intent word 'completed'.
_OUTCOME_NOT_FLOW = re.compile(
    r"\bcompleted? (response|remission|recovery|resolution|healing|healed|cure|cured|clearance)"
    r"|\bcompletely (healed|cleared|resolved|cured|recovered)\b",
    re.IGNORECASE,
)
_FLOW_TOO = re.compile(
    r"\b(finish(ed)?|drop(ped)? out|dropouts?|withdr[ea]w\w*|quit|left the (study|trial)|"
    r"completed the (study|trial|treatment))\b",
    re.IGNORECASE,
)


def results_parts(question: str) -> frozenset[str]:
    """The posted results a results question asks for, from the file's ``results_parts``
    ('what side effects did people have': events; 'how many finished': flow; 'how many of the
    patients were women': 'baseline_sex', see ``baseline_part``); a question naming none asks
    for the outcome results ('did it work?')."""
    q = normalize(corrected(question))
    found = frozenset(
        part["part"]
        for part in load("intents").get("results_parts", [])
        if any(re.search(p, q, re.IGNORECASE) for p in part["question"])
    )
    if "flow" in found and _OUTCOME_NOT_FLOW.search(q):
        found |= {"outcomes"}  # 'had a complete response': an outcome ...
        if not _FLOW_TOO.search(q):
            found -= {"flow"}  # ... and not finishing the study, unless that is asked too
    if (people := baseline_part(question)) is not None:
        found |= {f"baseline_{people}"}  # 'how many of the patients were women?'
    return found or frozenset({"outcomes"})


def asked_place(question: str) -> str | None:
    """The place a sites question names at its end ('is it in boston?': 'boston'), the way it
    was written; None when it names none (``asked_place`` in the file: pattern, not_places)."""
    data = load("intents").get("asked_place", {})
    m = re.search(data.get("pattern", r"(?!)"), normalize(question), re.IGNORECASE)
    if m is None:
        return None
    place = m.group("place").strip(" .'")
    low = re.sub(r"^the\s+", "", place.lower())
    skip = {w.lower() for w in data.get("not_places", [])}
    return None if place.lower() in skip or low in skip else place


def place_names(place: str) -> frozenset[str]:
    """The names a place goes by in the registry: itself without 'the', and the country a short
    form stands for ('us' -> 'united states'), lower case."""
    data = load("intents").get("asked_place", {})
    short = data.get("abbreviations", {})
    low = re.sub(r"^the\s+", "", " ".join(place.lower().split()))
    low = " ".join(short.get(w.rstrip("."), w) for w in low.split())
    aliases = data.get("aliases", {})
    return frozenset(
        {
            low,
            *(
                country
                for country, forms in aliases.items()
                if low in forms or place.lower() in forms
            ),
        }
    )
