"""The editor-bullet eval set for the criteria-aware fit check (issue 14, use #2).

Three steps, all reproducible:

1. ``select``: trials chosen from the shared data BEFORE any checker output is seen: each record
   gets a kind from its conditions, title and design (vaccines, pregnancy, children,
   observational, mental health, diabetes, heart, cancer: first match in that order), records in
   ``samples/`` or ``evals/cases/`` are left out, and within each kind the records are ordered by a
   seeded hash of the NCT id and the first ``PER_KIND`` taken (plus ``V2_COUNT`` API v2 records).
   Each trial's half (``tune`` / ``report``) is another seeded hash of its id. Written to
   ``fit_bullets_trials.json``; ``dump`` prints their criteria for the person writing bullets.
   Round 2 (``select --round 2``, appended to the same file): the same kinds under a second seed,
   leaving out every round-1 trial, ``samples/`` and every NCT id named anywhere under ``evals/``;
   the kinds are taken in turn (first of each kind, then second of each, ...) up to
   ``ROUND2_COUNT`` trials, and the half is the parity of each trial's rank in another seeded
   order (so the round is split evenly). Round 3 (``select --round 3``) does the same under a
   third seed (``SEED_ROUND3``, ``ROUND3_COUNT`` trials), leaving out rounds 1 and 2 too; round 4
   (``select --round 4``) under a fourth seed (``SEED_ROUND4``, ``ROUND4_COUNT`` trials), leaving
   out rounds 1 to 3 too; round 5 (``select --round 5``) under a fifth seed (``SEED_ROUND5``,
   ``ROUND5_COUNT`` trials), leaving out rounds 1 to 4 too. Rows without ``round`` are round 1.
2. Right paraphrases (``fit_bullets_right.jsonl``) were written by an AI helper reading the
   criterion text, before running the checker (round-2 rows say who wrote them in
   ``provenance``). Each names its trial, side and the criterion words
   it rests on, and may mark the condition phrase it contains (for the condition swap below).
3. ``build``: planted wrong bullets generated from the right ones by fixed rules (change a number,
   swap the comparator, change the unit, swap in a condition from a different trial's
   conditions, move to the other side, drop 'not'/'no', drop an exception clause), then every
   bullet written to ``fit_bullets.jsonl``. A round-2 bullet's swapped-in condition comes from
   any round's trials, a round-1 bullet's from round 1 only (so round-1 rows never change).

    .venv/bin/python evals/criteria/make_fit_bullets.py select|dump|build [--data DIR] [--round N]

``build --round 2`` rebuilds round 2 only and keeps round 1's rows byte for byte (a full ``build``
today would move a few round-1 condition donors, since the parsed record text they are checked
against has changed since round 1 was built).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from evals.unseen.records import iter_xml, v2_records

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TRIALS_FILE = HERE / "fit_bullets_trials.json"
RIGHT_FILE = HERE / "fit_bullets_right.jsonl"
OUT_FILE = HERE / "fit_bullets.jsonl"
DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
SEED = "fit-bullets-issue14"
PER_KIND = 5
V2_COUNT = 5
SEED_ROUND2 = "fit-bullets-issue14-round2"
ROUND2_COUNT = 12
SEED_ROUND3 = "fit-bullets-issue14-round3"
ROUND3_COUNT = 10
SEED_ROUND4 = "fit-bullets-issue14-round4"
ROUND4_COUNT = 10
SEED_ROUND5 = "fit-bullets-issue14-round5"
ROUND5_COUNT = 6
# Later rounds: their seed and trial count.
ROUNDS = {
    2: (SEED_ROUND2, ROUND2_COUNT),
    3: (SEED_ROUND3, ROUND3_COUNT),
    4: (SEED_ROUND4, ROUND4_COUNT),
    5: (SEED_ROUND5, ROUND5_COUNT),
}
PROVENANCE = "written by an AI helper reading the criterion text, before running the checker"

# Kinds in priority order (rarer first, so a vaccine trial in children counts as a vaccine trial).
KINDS: dict[str, str] = {
    "vaccine": r"vaccin|immuni[sz]",
    "pregnancy": r"pregnan|preterm|pre-?eclampsia|gestation|postpartum|labou?r induction",
    "children": r"\b(?:child|children|pediatric|paediatric|infant|neonat|adolescent)",
    "observational": r"^OBSERVATIONAL$",  # matched against the study type
    "mental": r"depress|anxiety|schizophren|bipolar|psychiatr|mental|ptsd|autis|adhd|"
    r"substance|alcohol|opioid use|insomnia",
    "diabetes": r"diabet",
    "heart": r"heart|cardiac|coronary|myocardial|atrial|hypertension|cardio|angina|stroke",
    "cancer": r"cancer|carcinoma|tumou?r|neoplasm|lymphoma|leukemia|myeloma|melanoma|sarcoma",
}
Kind = Literal[
    "cancer", "heart", "diabetes", "children", "pregnancy", "mental", "vaccine", "observational"
]
Mistake = Literal[
    "right", "number", "comparator", "unit", "condition", "swap", "negation", "exception"
]
MISTAKES: tuple[str, ...] = Mistake.__args__[1:]  # type: ignore[attr-defined]


class TrialPick(BaseModel):
    nct: str
    source: Literal["xml", "v2"]
    kind: str
    half: Literal["tune", "report"]
    conditions: list[str] = Field(default_factory=list)
    round: int | None = Field(default=None, description="None is round 1")

    @property
    def round_no(self) -> int:
        return self.round or 1


class Bullet(BaseModel):
    """One editor bullet: a right paraphrase or a planted wrong copy of one."""

    id: str
    nct: str
    half: Literal["tune", "report"]
    role: Literal["good_fit", "not_fit"]
    text: str
    mistake: Mistake
    criterion: str = Field(description="the criterion words the right bullet rests on")
    condition: str | None = Field(default=None, description="the condition phrase in the text")
    from_id: str | None = Field(default=None, description="the right bullet it was planted in")
    provenance: str = PROVENANCE
    round: int | None = Field(default=None, description="None is round 1")

    @property
    def round_no(self) -> int:
        return self.round or 1


def digest(*parts: str, seed: str = SEED) -> int:
    return int(hashlib.sha256(":".join((seed, *parts)).encode()).hexdigest()[:12], 16)


def half_of(nct: str) -> Literal["tune", "report"]:
    return "tune" if digest("half", nct) % 2 == 0 else "report"


# ---------------------------------------------------------------- reading the shared data


def _text(node: Any, path: str) -> str:
    found = node.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def used_elsewhere(folders: tuple[str, ...] = ("samples", "evals/cases")) -> set[str]:
    """NCT ids in the samples and the eval cases: never in this set. Round 2 looks under all of
    ``evals/`` except this set's own files (their round-1 trials are left out by name)."""
    out: set[str] = set()
    own = {TRIALS_FILE, RIGHT_FILE, OUT_FILE}
    for folder in (ROOT / f for f in folders):
        for path in folder.rglob("*"):
            if path.is_file() and path not in own and "__pycache__" not in path.parts:
                out.update(
                    re.findall(r"NCT\d{8}", path.read_text(encoding="utf-8", errors="replace"))
                )
    return out


def kind_of(words: str, study_type: str, max_age_years: float | None) -> str | None:
    for kind, pattern in KINDS.items():
        if kind == "observational":
            if re.search(pattern, study_type.upper()):
                return kind
        elif (kind == "children" and max_age_years is not None and max_age_years < 18) or re.search(
            pattern, words, re.I
        ):
            return kind
    return None


def _years(raw: str) -> float | None:
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day)", raw.lower())
    if not m:
        return None
    return float(m.group(1)) / {"year": 1, "month": 12, "week": 52, "day": 365}[m.group(2)]


def _usable(criteria: str) -> bool:
    low = criteria.lower()
    return "inclusion" in low and "exclusion" in low and len(criteria) >= 300


def _xml_pools(data: Path, skip: set[str], seed: str) -> dict[str, list[tuple[int, TrialPick]]]:
    """Usable XML records by kind, each with its seeded rank key."""
    from defusedxml import ElementTree

    pools: dict[str, list[tuple[int, TrialPick]]] = {k: [] for k in KINDS}
    for nct, text in iter_xml(data):
        if nct in skip:
            continue
        root = ElementTree.fromstring(text)
        criteria = _text(root, "eligibility/criteria/textblock")
        if not _usable(criteria):
            continue
        conditions = [" ".join((c.text or "").split()) for c in root.findall("condition")]
        words = " ".join([*conditions, _text(root, "brief_title")])
        kind = kind_of(
            words, _text(root, "study_type"), _years(_text(root, "eligibility/maximum_age"))
        )
        if kind is not None:
            pick = TrialPick(
                nct=nct, source="xml", kind=kind, half=half_of(nct), conditions=conditions
            )
            pools[kind].append((digest("pick", nct, seed=seed), pick))
    return pools


def select(data: Path) -> list[TrialPick]:
    skip = used_elsewhere()
    pools = _xml_pools(data, skip, SEED)
    out = [p for kind in KINDS for _, p in sorted(pools[kind], key=lambda x: x[0])[:PER_KIND]]
    v2 = []
    for nct, rec in v2_records(data).items():
        p = rec.get("protocolSection", {})
        criteria = p.get("eligibilityModule", {}).get("eligibilityCriteria") or ""
        if nct in skip or not _usable(criteria):
            continue
        conditions = p.get("conditionsModule", {}).get("conditions") or []
        v2.append(
            (
                digest("pick", nct),
                TrialPick(
                    nct=nct, source="v2", kind="cancer", half=half_of(nct), conditions=conditions
                ),
            )
        )
    out.extend(p for _, p in sorted(v2, key=lambda x: x[0])[:V2_COUNT])
    return out


def select_round(data: Path, earlier: list[TrialPick], round_no: int) -> list[TrialPick]:
    """A later round (2 to 5): the kinds in turn under that round's seed, none of ``earlier`` nor
    any NCT id under ``samples/`` or ``evals/``; halves by the parity of a seeded rank (an even
    split)."""
    seed, count = ROUNDS[round_no]
    skip = used_elsewhere(("samples", "evals")) | {p.nct for p in earlier}
    ranked = {
        k: [p for _, p in sorted(v, key=lambda x: x[0])]
        for k, v in _xml_pools(data, skip, seed).items()
    }
    turns = [
        p
        for depth in range(count)
        for k in KINDS
        if depth < len(ranked[k])
        for p in [ranked[k][depth]]
    ]
    out = turns[:count]
    order = sorted(out, key=lambda p: digest("half", p.nct, seed=seed))
    halves: dict[str, Literal["tune", "report"]] = {
        p.nct: ("tune" if i % 2 == 0 else "report") for i, p in enumerate(order)
    }
    return [p.model_copy(update={"half": halves[p.nct], "round": round_no}) for p in out]


def load_picks(path: Path = TRIALS_FILE) -> list[TrialPick]:
    return [TrialPick(**d) for d in json.loads(path.read_text(encoding="utf-8"))["trials"]]


def load_trials(data: Path, picks: list[TrialPick]) -> dict[str, Any]:
    """The picked trials parsed by the product's parsers, by NCT id."""
    from summarizer.parsers import parse_text

    out: dict[str, Any] = {}
    xml = {p.nct for p in picks if p.source == "xml"}
    for nct, text in iter_xml(data, xml):
        out[nct] = parse_text(f"{nct}.xml", text)[0]
    records = v2_records(data)
    for p in picks:
        if p.source == "v2" and p.nct in records:
            out[p.nct] = parse_text(f"{p.nct}.json", json.dumps(records[p.nct]))[0]
    return out


def dump(data: Path, round_no: int | None = None) -> None:
    picks = [p for p in load_picks() if round_no is None or p.round_no == round_no]
    trials = load_trials(data, picks)
    for p in picks:
        t = trials[p.nct]
        print(f"=== {p.nct} [{p.kind}/{p.half}/round {p.round_no}] conditions={p.conditions}")
        print(
            f"    age={t.min_age and t.min_age.raw}..{t.max_age and t.max_age.raw} "
            f"sex={t.sex and t.sex.value}"
        )
        for c in t.criteria:
            print(f"  {c.kind[:3]} {c.number}: {' '.join(c.text.split())[:400]}")


# ---------------------------------------------------------------- planting

_ID_CONTEXT = re.compile(r"(?:type|stage|class|grade|phase|cd|brca|m)\s*-?$", re.I)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
# First match wins; each pair is (pattern, replacement), read left to right.
_COMPARATORS = [
    (r"\bat least\b", "at most"),
    (r"\bor older\b", "or younger"),
    (r"\bor more\b", "or less"),
    (r"\bor lower\b", "or higher"),
    (r"\bmore than\b", "less than"),
    (r"\bless than\b", "more than"),
    (r"\bolder than\b", "younger than"),
    (r"\bover\b", "under"),
    (r"\babove\b", "below"),
    (r"\bbelow\b", "above"),
    (r"\bunder\b", "over"),
    (r"≥", "≤"),
    (r"≤", "≥"),
    (r">", "<"),
    (r"<", ">"),
]
_UNITS = [
    (r"\bmonths\b", "weeks"),
    (r"\bweeks\b", "days"),
    (r"\bdays\b", "weeks"),
    (r"\byears\b", "months"),
    (r"\byear\b", "month"),
    (r"\bhours\b", "days"),
    (r"\bmg/dl\b", "g/dl"),
    (r"\bg/dl\b", "mg/dl"),
    (r"\bng/ml\b", "mg/ml"),
    (r"\bml/min\b", "l/min"),
    (r"\bmm3\b", "ml"),
    (r"\bkg/m2\b", "kg"),
    (r"%", " mg/dl"),
    (r"\bmm\b", "cm"),
    (r"\bg\b", "mg"),
    (r"\bmiles\b", "km"),
]
_NEGATIONS = [
    (r"\bdo not\b", "do"),
    (r"\bhave not\b", "have"),
    (r"\bare not\b", "are"),
    (r"\bcannot\b", "can"),
    (r"\bnever been\b", "been"),
    (r"\bnot\s+", ""),
    (r"\bno\s+", ""),
]
_EXCEPTION = re.compile(
    r",?\s*\(?\b(?:except|excluding|other than|apart from|with the exception of)\b[^.;)]*\)?",
    re.I,
)


def _sub_first(table: list[tuple[str, str]], text: str, flags: int = re.I) -> str | None:
    for pattern, repl in table:
        new, n = re.subn(pattern, repl, text, count=1, flags=flags)
        if n:
            return new
    return None


def plant_number(text: str) -> str | None:
    """The last number that is not part of a name ('type 2', 'CD20') changed: +2 below 10,
    else x1.5 (rounded), written the way it was."""
    found = [m for m in _NUMBER.finditer(text) if not _ID_CONTEXT.search(text[: m.start()])]
    if not found:
        return None
    m = found[-1]
    raw = m.group(1)
    value = float(raw.replace(",", ""))
    new = value + 2 if value < 10 else round(value * 1.5)
    if "," in raw:
        out = f"{int(new):,}"
    elif "." in raw:
        out = f"{new:.1f}"
    else:
        out = str(int(new))
    return text[: m.start()] + out + text[m.end() :]


def plant_comparator(text: str) -> str | None:
    if not _NUMBER.search(text):
        return None
    return _sub_first(_COMPARATORS, text)


def plant_unit(text: str) -> str | None:
    if not _NUMBER.search(text):
        return None
    return _sub_first(_UNITS, text)


def plant_negation(text: str) -> str | None:
    new = re.sub(r"\b(\w+)n't\b", r"\1", text, count=1)
    if new != text:
        return new
    return _sub_first(_NEGATIONS, text)


def plant_exception(text: str) -> str | None:
    new, n = _EXCEPTION.subn("", text, count=1)
    return new if n else None


def plant_condition(bullet: Bullet, donor: str) -> str | None:
    if not bullet.condition or bullet.condition not in bullet.text:
        return None
    return bullet.text.replace(bullet.condition, donor, 1)


# Registry condition labels that name a state or a habit, not a disease: never a donor.
_NOT_DISEASES = re.compile(
    r"^(?:metastatic|hormone refractory|smoking|recurrent disease|"
    r".*phase of disease|healthy)$",
    re.I,
)


def _donor(bullet: Bullet, picks: list[TrialPick], trial_text: str) -> str | None:
    """A condition of a different trial of this bullet's round or an earlier one, named nowhere
    in this trial's record (seeded pick)."""
    low = trial_text.lower()
    pool = sorted(
        {
            c
            for p in picks
            if p.nct != bullet.nct and p.round_no <= bullet.round_no
            for c in p.conditions
            if "," not in c
            and len(c) > 4
            and c.lower() not in low
            and not _NOT_DISEASES.match(c)
            and not any(w in low for w in re.findall(r"[a-z]{5,}", c.lower()))
        }
    )
    if not pool:
        return None
    return pool[digest("donor", bullet.id) % len(pool)].lower() if pool else None


def build(data: Path = DEFAULT_DATA) -> list[Bullet]:
    picks = load_picks()
    half = {p.nct: p.half for p in picks}
    trials = load_trials(data, picks)
    right: list[Bullet] = []
    for i, line in enumerate(RIGHT_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            right.append(Bullet(id=f"r{i:03d}", half=half[row["nct"]], mistake="right", **row))
    out: list[Bullet] = []
    for round_no in sorted({b.round_no for b in right}):
        # Each round's rows after the earlier rounds' (rights, then the planted copies).
        part = [b for b in right if b.round_no == round_no]
        out.extend(part)
        for b in part:
            text = trials[b.nct].source.text
            donor = _donor(b, picks, text)
            planted: dict[str, str | None] = {
                "number": plant_number(b.text),
                "comparator": plant_comparator(b.text),
                "unit": plant_unit(b.text),
                "condition": plant_condition(b, donor) if donor else None,
                "negation": plant_negation(b.text),
                "exception": plant_exception(b.text) if b.role == "not_fit" else None,
            }
            for mistake, new in planted.items():
                if new and new != b.text:
                    out.append(
                        b.model_copy(
                            update={
                                "id": f"{b.id}-{mistake}",
                                "text": new,
                                "mistake": mistake,
                                "from_id": b.id,
                            }
                        )
                    )
            other = "not_fit" if b.role == "good_fit" else "good_fit"
            out.append(
                b.model_copy(
                    update={"id": f"{b.id}-swap", "role": other, "mistake": "swap", "from_id": b.id}
                )
            )
    return out


def load_bullets(path: Path = OUT_FILE) -> list[Bullet]:
    return [
        Bullet(**json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["select", "dump", "build"])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--round",
        type=int,
        choices=[1, *ROUNDS],
        default=None,
        help="select/dump/build: that round only (build keeps the other rounds' rows as they are)",
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.step == "select" and args.round in ROUNDS:
        body = json.loads(TRIALS_FILE.read_text(encoding="utf-8"))
        first = [p for p in load_picks() if p.round_no < args.round]
        new = select_round(args.data, first, args.round)
        seed, count = ROUNDS[args.round]
        body.update({f"seed_round{args.round}": seed, f"round{args.round}_count": count})
        body["trials"] = [p.model_dump(exclude_none=True) for p in (*first, *new)]
        TRIALS_FILE.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        print(f"{len(new)} round-{args.round} trials -> {TRIALS_FILE}")
    elif args.step == "select":
        picks = select(args.data)
        body = {
            "seed": SEED,
            "per_kind": PER_KIND,
            "v2": V2_COUNT,
            "trials": [p.model_dump(exclude_none=True) for p in picks],
        }
        TRIALS_FILE.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        print(f"{len(picks)} trials -> {TRIALS_FILE}")
    elif args.step == "dump":
        dump(args.data, args.round)
    else:
        bullets = build()
        if args.round is not None:
            # One round rebuilt; the other rounds' rows kept as they are in the file (a rebuild
            # can move their planted condition donors when the parsed record text changes).
            kept = [b for b in load_bullets() if b.round_no != args.round]
            fresh = [b for b in bullets if b.round_no == args.round]
            bullets = sorted([*kept, *fresh], key=lambda b: b.round_no)
        OUT_FILE.write_text(
            "".join(b.model_dump_json(exclude_none=True) + "\n" for b in bullets), encoding="utf-8"
        )
        print(f"{len(bullets)} bullets -> {OUT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
