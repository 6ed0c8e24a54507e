"""What a person says about themselves in a question: age, sex, pregnancy, conditions, treatments.

Only what is said is extracted; nothing is inferred beyond plain reading ('my daughter' is female).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, Field

from summarizer.criteria.detect import WEEKS_PER_MONTH, lazy_pattern
from summarizer.engines.extractive.resources import load

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUM = r"(\d{1,3}(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r"|a|an|half a)"
_UNIT = r"(years?|yrs?|months?|mos?|weeks?|days?|hours?|hrs?)"
# Who 'is N' is said of: 'my son is 7', 'she is 12'; not 'my CD4 count is 500'.
_PERSON = (
    r"(?:he|she|who|son|daughter|child|kid|baby|boy|girl|brother|sister|husband|wife|"
    r"mother|mom|father|dad|partner)"
)
_AGE_PATTERNS = (
    lazy_pattern(rf"\b{_NUM}[- ]{_UNIT}[- ]old\b", re.I),
    lazy_pattern(
        rf"\b(?:i'?m|i am|{_PERSON}\s+is|he's|she's|they're|turned|aged?|age)\s+{_NUM}"
        rf"(?:\s+{_UNIT})?"
        r"(?!\s*(?:%|kg|cm|times|(?:weeks?|wks?|months?) (?:pregnant|along)|pregnant|along))\b",
        re.I,
    ),
    lazy_pattern(rf"(?:^|[.?!]\s+)is\s+{_NUM}(?:\s+{_UNIT})?(?=\s+(?:too|old|young))", re.I),
)
# 'a' and 'an' are numbers only before a unit ('a year old'): 'I'm a man' states no age.
_ARTICLE = frozenset({"a", "an", "half a"})
# 'Am I too old at 80?', 'at 12, is she old enough?': an age said with 'at', next to age words.
_AT_AGE_RE = lazy_pattern(
    rf"\b(?:too (?:old|young)|old enough|young enough)\b[^.?!]{{0,12}}?\bat\s+{_NUM}\b"
    rf"|\bat\s+{_NUM}\b[^.?!]{{0,20}}?\b(?:too (?:old|young)|old enough|young enough)\b",
    re.I,
)
# '25 weeks pregnant', '6 months along', 'pregnant, 20 weeks': how far along a pregnancy is.
_GESTATION_RE = (
    lazy_pattern(rf"\b{_NUM}[- ](weeks?|wks?|months?)[- ](?:pregnant|along|of pregnancy)\b", re.I),
    lazy_pattern(
        rf"\bpregnan\w*\b[^.?!]{{0,25}}?\b{_NUM}[- ](weeks?|wks?|months?)\b(?!\s+ago)", re.I
    ),
)
_CURRENT_RE = lazy_pattern(
    r"\b(?:i|he|she|they|we)\s+(?:currently\s+|still\s+)?(?:take|takes|use|uses|smoke|smokes|"
    r"inject|am taking|am using|am on|is taking|is on)\b|\bi'?m\s+(?:taking|using|on)\b|"
    r"\bcurrently\b",
    re.I,
)
_STOPPED_RE = lazy_pattern(
    r"\b(?:quit|stopped|gave up|given up|no longer|used to|former|ex-?smoker|came off|went off)\b",
    re.I,
)
# Languages a person may name ('I only speak Portuguese'), as criteria name them ('English
# speaking', 'unable to read/write English'): prompts/conditions.json 'languages'.
LANGUAGES: tuple[str, ...] = tuple(load("conditions")["languages"])
_LANG = "|".join(LANGUAGES)
_SPEAK = r"(?:speak|speaks|read|reads|write|writes|understand|understands)"
_ONLY_SPEAKS = lazy_pattern(
    rf"\b(?:only|just)\s+{_SPEAK}\s+({_LANG})\b|\b{_SPEAK}\s+(?:only|just)\s+({_LANG})\b", re.I
)
_NOT_SPEAKS = lazy_pattern(
    rf"\b(?:don't|do not|doesn't|does not|can't|cannot|can not)\s+{_SPEAK}"
    rf"(?:\s+(?:or|and)\s+{_SPEAK})?\s+(?:much\s+|any\s+|good\s+)?({_LANG})\b",
    re.I,
)
_LANG_LIST = rf"(?:{_LANG})(?:\s*(?:,|and|or)\s*(?:{_LANG}))*"
_SPEAKS = lazy_pattern(
    rf"\b{_SPEAK}\s+(?:fluent\s+|good\s+)?({_LANG_LIST})\b|\b({_LANG})[- ]speaking\b|"
    rf"\bfluent in ({_LANG_LIST})\b",
    re.I,
)
_LANG_RE = lazy_pattern(rf"\b(?:{_LANG})\b", re.I)


def _languages(q: str, facts: PersonFacts) -> None:
    def names(m: re.Match[str]) -> list[str]:
        return [w.capitalize() for w in _LANG_RE().findall(m.group(0))]

    facts.not_languages = [n for m in _NOT_SPEAKS().finditer(q) for n in names(m)]
    for m in _ONLY_SPEAKS().finditer(q):
        facts.only_languages = True
        facts.languages.extend(names(m))
    for m in _SPEAKS().finditer(q):
        if not _NOT_SPEAKS().search(q[max(0, m.start() - 20) : m.end()]):
            facts.languages.extend(names(m))
    facts.languages = list(dict.fromkeys(facts.languages))


_PAST_RE = lazy_pattern(
    r"\b(?:i|he|she|they|we)(?:'ve| have| has|'s)?\s+(?:already\s+)?(?:had|underwent|"
    r"received|been on|been taking|undergone)\b|\bi'?ve\s+(?:already\s+)?(?:had|been on|"
    r"been taking|received|undergone)\b|"
    # 'Risperidone didn't work for me before', 'it stopped working for me': a treatment tried.
    r"\b(?:didn't|did not|never)\s+(?:really\s+)?(?:work|help)(?:ed)?\s+(?:for|on)\s+(?:me|him|her|"
    r"them|my\s+\w+)\b|\bstopped\s+working\s+(?:for|on)\s+(?:me|him|her|them|my\s+\w+)\b",
    re.I,
)
_TREATED_RE = lazy_pattern(
    r"\b(?:was|were|been|got|is|are|had it|had them)\s+(?:successfully\s+|fully\s+)?"
    r"(?:treated|cured|removed|cut out|excised|resected)\b|\b(?:i'?m|he'?s|she'?s|they'?re)\s+"
    r"(?:cured|in remission)\b|\boff (?:the |my |his |her |all )?(?:\w+ )?(?:drugs|medicines?|"
    r"medications?|treatment|pills)\b",
    re.I,
)
_AGO_RE = lazy_pattern(rf"\b{_NUM}\s+{_UNIT}\s+ago\b", re.I)
_LAST_RE = lazy_pattern(r"\blast\s+(year|month|week)\b", re.I)
_RECENT_RE = lazy_pattern(r"\b(?:this (?:morning|week|evening)|yesterday|today|right now)\b", re.I)
# Words that name no condition of the person's own: the relative asked for, the trial itself.
_NOT_THEIRS = frozenset({"mother", "father", "study", "trial", "child", "children", "baby"})
_SINCE_RE = lazy_pattern(rf"\b(?:for|over|in the (?:last|past))\s+{_NUM}\s+{_UNIT}\b", re.I)
_RELATIVES = {
    "daughter": "FEMALE",
    "mother": "FEMALE",
    "mom": "FEMALE",
    "wife": "FEMALE",
    "sister": "FEMALE",
    "son": "MALE",
    "father": "MALE",
    "dad": "MALE",
    "husband": "MALE",
    "brother": "MALE",
    "child": None,
    "kid": None,
    "baby": None,
    "partner": None,
}
_AGED = r"(?:\d{1,3}[- ](?:years?|yrs?)[- ]old[- ])?"  # 'I'm a 45 year old woman'
_SEX_RE = (
    (lazy_pattern(rf"\b(i'?m|i am) an? {_AGED}(woman|female|girl|lady)\b", re.I), "FEMALE"),
    (lazy_pattern(rf"\b(i'?m|i am) an? {_AGED}(man|male|boy|guy)\b", re.I), "MALE"),
)


def _number(text: str) -> float:
    t = text.lower()
    if t in ("a", "an"):
        return 1.0
    if t == "half a":
        return 0.5
    return float(_NUMBER_WORDS.get(t, t))


def _years(n: float, unit: str | None) -> float:
    u = (unit or "years").lower()
    if u.startswith("mo"):
        return round(n / 12, 4)
    if u.startswith("w"):
        return round(n / 52.1775, 4)
    if u.startswith("d"):
        return round(n / 365.25, 4)
    if u.startswith("h"):
        return round(n / (365.25 * 24), 6)
    return n


@dataclass(frozen=True)
class TermRule:
    label: str
    kind: str
    say: tuple[re.Pattern[str], ...]
    criteria: tuple[re.Pattern[str], ...]
    only: str | None
    people: str
    concept: str | None = None  # the vocabulary heading the asker's words name ('I drink')


@cache
def term_rules() -> tuple[TermRule, ...]:
    return tuple(
        TermRule(
            t["label"],
            t["kind"],
            tuple(re.compile(p, re.I) for p in t["say"]),
            tuple(re.compile(p, re.I) for p in t["criteria"]),
            t.get("only"),
            t.get("people", f"people with {t['label']}"),
            t.get("concept"),
        )
        for t in load("conditions")["terms"]
    )


class PersonFacts(BaseModel):
    """What the asker said about themselves (or the person they ask for)."""

    age_years: float | None = None
    age_text: str | None = None
    who: str = Field(
        default="you", description="'you' or the relative asked about, e.g. 'your daughter'"
    )
    sex: str | None = None
    sex_said: bool = Field(
        default=False,
        description="the asker stated their sex ('I'm a man'), not read off a relative",
    )
    terms: list[str] = Field(
        default_factory=list, description="labels from prompts/conditions.json"
    )
    years_since: float | None = None
    since_text: str | None = None
    concepts: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(the person's words, vocabulary concept id) for conditions and treatments",
    )
    gestation_weeks: float | None = Field(
        default=None, description="how far along the pregnancy is ('25 weeks pregnant')"
    )
    gestation_text: str | None = None
    measures: list[tuple[str, float, str | None, str]] = Field(
        default_factory=list,
        description="(marker, value, unit, the person's words) for a lab value or score they "
        "gave ('my HbA1c is 14%' -> ('HbA1c', 14.0, '%', 'HbA1c is 14%'))",
    )
    current: bool = Field(
        default=False,
        description="the person says they take or use something now ('I take warfarin', "
        "'I'm on prednisone')",
    )
    stopped: bool = Field(
        default=False,
        description="the person says they no longer do or take it ('I quit smoking')",
    )
    past: bool = Field(
        default=False,
        description="the person says they already had or have been on it ('I had radiation', "
        "'I've been on HIV medicines for a year'), not that it is planned",
    )
    languages: list[str] = Field(
        default_factory=list, description="languages the person says they speak ('Portuguese')"
    )
    only_languages: bool = Field(
        default=False, description="they speak only those ('I only speak Portuguese')"
    )
    not_languages: list[str] = Field(
        default_factory=list, description="languages they say they do not speak or read"
    )
    treated: bool = Field(
        default=False,
        description="the person says what they had was treated, removed or cured ('syphilis "
        "that was treated 2 years ago', 'removed by surgery and I'm cured')",
    )
    lacking: list[str] = Field(
        default_factory=list,
        description="the person's words for what they say they never had or do not have "
        "('I've never had chemotherapy': 'chemotherapy')",
    )

    @property
    def empty(self) -> bool:
        return (
            self.age_years is None
            and self.sex is None
            and not self.terms
            and not self.concepts
            and not self.measures
            and not self.languages
            and not self.not_languages
        )


def _concepts(question: str, facts: PersonFacts) -> list[tuple[str, str]]:
    """Conditions and treatments the question names, by the criteria vocabulary ('warfarin',
    'blood thinners', 'bipolar 2', 'heart attack'); the words a term rule already read as
    pregnancy or breastfeeding are left to those facts."""
    from summarizer.criteria.vocabulary import load

    try:
        vocab = load()
    except (OSError, ValueError):
        return []
    out: list[tuple[str, str]] = []
    for mention in vocab.find(question):
        words = question[mention.start : mention.end]
        if words.lower() in _NOT_THEIRS or re.search(
            r"pregnan|breast[- ]?feed|nursing", words, re.I
        ):
            continue
        if (words, mention.concept.id) not in out:
            out.append((words, mention.concept.id))
    # A lay word that names the concept only in the asker's own words ('I drink', where a
    # criterion's 'drinking water' is no alcohol): the term rule that read it names the concept.
    for rule in term_rules():
        concept = vocab.lookup(rule.concept) if rule.concept else None
        if concept is None or any(cid == concept.id for _, cid in out):
            continue
        for pattern in rule.say:
            if m := pattern.search(question):
                out.append((m.group(0), concept.id))
                break
    return out


# 'my HbA1c is 14%', 'CD4 count of 500', 'my ejection fraction was 30 percent': the number
# said right after a marker the criteria parser knows (summarizer/criteria/data/lexicon.json).
_MEASURE_AFTER = lazy_pattern(
    r"\s*(?:count|level|value|score|result|status)?\s*"
    r"(?:is|was|of|at|=|:|around|about|only|just)?\s*(?:is\s+|was\s+)?"
    r"(?:(?:tested|measured|checked|scored)\s+(?:at\s+|as\s+)?)?"  # 'IQ was tested at 65'
    r"(?:around |about |only |just )?([-−]?\d+(?:\.\d+)?)\s*"
    r"(%|percent\b|mg/dl|mmol/l|g/dl|cells/mm3|/mm3|ml/min|kg/m2|grams\b|gram\b)?"
    r"(?!\s*(?:times|x\b|×|fold))",  # '3 times the upper limit' is not the value
    re.I,
)


@cache
def _markers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    from summarizer.criteria.detect import lexicon

    lex = lexicon()
    # A score of how well one does daily tasks ('my ECOG is 2') is read as a measure too.
    named = {**lex["markers"], **{k: v for k, v in lex["performance"].items() if k != "NYHA"}}
    return tuple(
        (name, re.compile(p, re.I))
        for name, pats in named.items()
        for p in pats
        if name not in ("body weight", "lesion size", "life expectancy", "blasts")
    )


# 'My baby was born at 36 weeks', 'delivered at 29 weeks of pregnancy': a baby's gestational
# age at birth, set against a criterion's gestational age as a measure (named as the criteria
# parser names it: summarizer.criteria.detect.GESTATION).
_BORN_AT = lazy_pattern(
    r"\b(?:born|delivered|came)\s+(?:early\s+)?(?:at|after)\s+(\d{1,2})(?:\s*\+\s*\d)?\s*"
    r"(?:weeks?|wks?)\b(?!\s+(?:ago|old))",
    re.I,
)


# 'I weigh 320 pounds', 'my son weighs 14 kg': a body weight with its unit (the criteria parser's
# marker name; the marker's own words, 'weight', are too common to be read as a measure alone).
_WEIGHS = lazy_pattern(
    r"\b(?:weigh|weighs|weighed|weight is|weight of)\s+(?:about |around |only |just |over )?"
    r"(\d{1,3}(?:\.\d+)?)\s*(pounds?|lbs?|kilograms?|kgs?|kilos?)\b",
    re.I,
)


def _measures(q: str) -> list[tuple[str, float, str | None, str]]:
    out: list[tuple[str, float, str | None, str]] = []
    if m := _WEIGHS().search(q):
        words = f"weight is {m.group(1)} {m.group(2).lower()}"
        out.append(("body weight", float(m.group(1)), m.group(2).lower(), words))
    if m := _BORN_AT().search(q):
        from summarizer.criteria.detect import GESTATION

        words = f"gestational age at birth of {m.group(1)} weeks"
        out.append((GESTATION, float(m.group(1)), None, words))
    taken: list[tuple[int, int]] = []
    for name, pattern in _markers():
        for m in pattern.finditer(q):
            if any(s <= m.start() < e for s, e in taken):
                continue
            after = _MEASURE_AFTER().match(q, m.end())
            if after is None or not after.group(1):
                continue
            unit = after.group(2)
            unit = "%" if unit and unit.lower() == "percent" else unit
            unit = "grams" if unit and unit.lower() == "gram" else unit
            value = float(after.group(1).replace("−", "-"))
            out.append((name, value, unit, q[m.start() : after.end()].strip()))
            taken.append((m.start(), after.end()))
    return out


# 'nursing my baby', 'I want to breastfeed my baby', 'caring for my mother': the relative is
# the object, not the one asked about.
_OBJECT_BEFORE = lazy_pattern(r"(?:\w+ing|\w*feed|for|of|to|with|and|than)\s+$", re.I)


def _relative(q: str) -> re.Match[str] | None:
    """The first 'my <relative>' that is the subject of the question."""
    for m in re.finditer(r"\bmy (\w+)", q, re.I):
        if m.group(1).lower() in _RELATIVES and not _OBJECT_BEFORE().search(q[: m.start()]):
            return m
    return None


# 'I've never had chemotherapy', 'I don't have diabetes', 'I have not taken steroids', 'I haven't
# done detox yet', 'has not completed detoxification': what follows in the same clause is
# something the person does not have or has not been through.
_LACKS = lazy_pattern(
    r"\b(?:never\s+(?:had|been|taken|used|received|smoked)|"
    r"(?:have|has)(?:n't|\s+not|\s+never)\s+(?:yet\s+)?(?:had|been|taken|used|received|"
    r"done|undergone|gone\s+through|completed|finished|started)|"
    r"(?:don't|do not|doesn't|does not)\s+(?:have|take|use)|no history of)\b"
    r"(?:(?!\b(?:but|and (?:I|he|she|they)|though|although|yet)\b)[^.;,]){0,40}$",
    re.I,
)


# 'I'm HIV negative', 'hepatitis C-negative', 'tested negative for TB', 'negative for HIV': a
# test status said negative is a condition the person does not have (as a criterion's 'must be
# HIV negative' rules the condition out). 'HER2-negative breast cancer' names a kind of cancer the
# person has: a negative status followed by a disease word is no lack of it.
_NEGATIVE_AFTER = lazy_pattern(
    r"[- ]?(?:sero)?negative\b(?!\s+(?:breast|cancer|tumou?r|disease|lymphoma|leukemia|"
    r"carcinoma|[a-z]+oma)\b)",
    re.I,
)
_NEGATIVE_BEFORE = lazy_pattern(
    r"\b(?:(?:tested|tests|test|came back|was|is|am|i'm)\s+)?negative\s+(?:for|to|on)\s+"
    r"(?:(?:the|a|an)\s+)?$",
    re.I,
)


def _said_lacking(q: str, words: str) -> bool:
    at = q.find(words)
    if at < 0:
        return False
    if _NEGATIVE_AFTER().match(q, at + len(words)) or _NEGATIVE_BEFORE().search(q[:at]):
        return True
    return at > 0 and bool(_LACKS().search(q[:at]))


def extract(question: str) -> PersonFacts:
    q = question.replace("’", "'")
    facts = PersonFacts()
    if m := _relative(q):
        rel = m.group(1).lower()
        if rel in _RELATIVES:
            facts.who = f"your {rel}"
            facts.sex = _RELATIVES[rel]
    for pattern in (get() for get in _AGE_PATTERNS):
        for m in pattern.finditer(q):
            n, unit = m.group(1), m.group(2)
            if _AGO_RE().match(q, m.start()) or (n.lower() in _ARTICLE and not unit):
                continue
            facts.age_years = _years(_number(n), unit)
            facts.age_text = m.group(0)
            break
        if facts.age_years is not None:
            break
    if facts.age_years is None and (m := _AT_AGE_RE().search(q)):
        n = m.group(1) or m.group(2)
        facts.age_years, facts.age_text = _number(n), m.group(0)
    for pattern, value in ((get(), v) for get, v in _SEX_RE):
        if pattern.search(q):
            facts.sex, facts.sex_said = value, True
    if m := (_AGO_RE().search(q) or _SINCE_RE().search(q)):
        facts.years_since = _years(_number(m.group(1)), m.group(2))
        facts.since_text = m.group(0)
        if facts.age_text and m.group(0).startswith(facts.age_text.split()[-1]):
            facts.age_years = facts.age_text = None
    elif m := _LAST_RE().search(q):
        facts.years_since = _years(1.0, m.group(1))
        facts.since_text = m.group(0)
    elif m := _RECENT_RE().search(q):
        facts.years_since, facts.since_text = 0.0, m.group(0)
    for pattern in (get() for get in _GESTATION_RE):
        if (m := pattern.search(q)) and m.group(1).lower() not in _ARTICLE:
            n, unit = _number(m.group(1)), m.group(2).lower()
            facts.gestation_weeks = n * WEEKS_PER_MONTH if unit.startswith("mo") else n
            facts.gestation_text = f"{m.group(1)} {unit}"
            if facts.since_text and facts.since_text in m.group(0):
                facts.years_since = facts.since_text = None  # 'for 20 weeks' of pregnancy
            break
    facts.stopped = bool(_STOPPED_RE().search(q))
    facts.treated = bool(_TREATED_RE().search(q))
    facts.past = bool(_PAST_RE().search(q)) or facts.stopped
    facts.current = bool(_CURRENT_RE().search(q)) and not facts.stopped
    facts.measures = _measures(q)
    _languages(q, facts)
    facts.concepts = _concepts(q, facts)
    facts.lacking = [w for w, _ in facts.concepts if _said_lacking(q, w)]
    for rule in term_rules():
        hits = [m for p in rule.say for m in p.finditer(q)]
        if hits and rule.label not in facts.terms:
            facts.terms.append(rule.label)
            if rule.kind == "state" and all(_state_denied(q, m.start()) for m in hits):
                facts.lacking.append(rule.label)  # 'I'm not pregnant or breastfeeding'
    said = {"pregnancy", "breastfeeding"} & set(facts.terms) - set(facts.lacking)
    if said and facts.sex is None:
        facts.sex = "FEMALE"
    return facts


# 'I'm not breastfeeding', 'I am not pregnant or breastfeeding', 'neither pregnant nor nursing',
# 'I don't plan to breastfeed': a state denied in its own sentence. The denial does not carry
# into the next sentence ('I'm not pregnant. I am breastfeeding.'), and only a few words may stand
# between the denial and the state, so 'not sure if I'm pregnant' is no denial.
_STATE_DENIED = lazy_pattern(
    r"(?:\bnot|n't|\bnever|\bneither|\bnor|\bno\s+longer)\s+"
    r"(?:(?:currently|now|yet|plan(?:ning)?|going|intend(?:ing)?|want(?:ing)?|to|be|"
    r"pregnant|breast[- ]?feeding|nursing|lactating|or|nor|and|either|expecting|a\s+baby),?\s+)"
    r"{0,4}$",
    re.I,
)


def _state_denied(q: str, at: int) -> bool:
    start = max(q.rfind(c, 0, at) for c in ".?!;") + 1
    return bool(_STATE_DENIED().search(q[start:at]))
