"""Scoring questions about oneself on unseen trials: is the answer's direction right, and does it
rest on the right criterion?

Reads ``evals/criteria/self_questions.jsonl`` (round 1: 166 questions over 43 trials; round 2:
66 questions over 16 more trials; round 3: 76 over 16 more; round 4: 74 over 16 more;
round 5: 75 over 16 more; round 6: 92 over 16 more;
each chosen by
``evals/criteria/self_questions_sample.py`` and
written and labelled by an AI helper reading the criteria, before running the engine; a row
without "round" is round 1), asks each through the application layer (extractive
engine, the one verification step) about its one trial, and scores what the patient would read:

- direction: each cited statement (with the comparison that follows it, if any) reads as "does
  not take", "allowed if", "takes" or "the record does not say" by its wording; the answer's
  direction is the most restrictive one it states (none stated: "does not say");
- criterion: the statements carrying that direction cite the labelled criterion (its span in
  the source overlaps the citation), or the age or sex field for "age" and "sex".

Shared by benchmarks/self_eligibility_eval.py (the whole set, both halves), the CI gate
(tests/evals/test_self_eligibility_gate.py) and ``trialsum eval --suite criteria``.
"""

from __future__ import annotations

import json
import os
import re
import tarfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evals.unseen.records import V2_FILE, XML_ARCHIVE

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
QUESTIONS = Path(__file__).resolve().parent / "self_questions.jsonl"

ORDER = ("does_not_take", "allowed_if", "takes", "not_said")  # most restrictive first
READ = ("allowed_if", "does_not_take", "takes", "not_said")  # one sentence: most specific first
WORDING = {
    "does_not_take": re.compile(
        r"\bdoes not take\b|\brules? (?:you |them |him |her )?out\b|\bis only for\b|"
        r"\babove its upper\b|\bbelow its lower\b|\bwhich is within that time\b|"
        r"\bwhich is less than that\b|\bwhich is outside that time\b|\bis not for\b",
        re.I,
    ),
    "allowed_if": re.compile(r"\ballows?\b|\blonger ago than that\b|\bonly if\b", re.I),
    "takes": re.compile(
        r"\btakes (?!part\b)|\binside that range\b|\basks for\b|"
        r"\bis for people\b",
        re.I,
    ),
    "not_said": re.compile(r"\bfound no(?:thing)?\b|\bdoes not say\b|\bdo not say\b", re.I),
}


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def round_of(row: dict[str, Any]) -> int:
    """The round a question was written in; rows from before rounds were recorded are round 1."""
    return int(row.get("round", 1))


def load_trials(rows: Iterable[dict[str, Any]], data: Path = DATA) -> dict[str, Any]:
    """The questions' trials, parsed from the shared data (XML members and v2 records)."""
    from summarizer.parsers import parse_text

    want_xml = {r["path"] for r in rows if r["source"] == "xml"}
    want_v2 = {r["path"] for r in rows if r["source"] == "v2"}
    out: dict[str, Any] = {}
    with tarfile.open(data / XML_ARCHIVE, mode="r|gz") as tar:
        for member in tar:
            if member.name in want_xml:
                handle = tar.extractfile(member)
                if handle is not None:
                    for t in parse_text(member.name, handle.read().decode("utf-8", "replace")):
                        out[t.trial_id] = t
    records = json.loads((data / V2_FILE).read_text(encoding="utf-8"))
    for name in want_v2:
        index = int(name.removeprefix("v2-").removesuffix(".json"))
        for t in parse_text(name, json.dumps(records[index])):
            out[t.trial_id] = t
    return out


class _Store:
    def __init__(self, trials: dict[str, Any]) -> None:
        self._trials = trials

    def get_trial(self, trial_id: str) -> Any:
        return self._trials.get(trial_id)

    def trial_ids(self) -> list[str]:
        return sorted(self._trials)


class _Runtime:
    def __init__(self, trials: dict[str, Any]) -> None:
        from summarizer.config import Settings

        self.store = _Store(trials)
        self.settings = Settings()

    @property
    def retriever(self) -> Any:
        raise RuntimeError("no retriever: one-trial answers select from the record")


def labels(trial: Any, start: int, end: int) -> set[str]:
    """What a cited range rests on: criteria ('exc3'), the age field, the sex field."""
    out: set[str] = set()
    for crit in trial.criteria:
        if any(s.start < end and start < s.end for s in crit.spans):
            out.add(f"{crit.kind[:3]}{crit.number}")
    for fact, name in ((trial.min_age, "age"), (trial.max_age, "age"), (trial.sex, "sex")):
        if fact is not None and any(s.start < end and start < s.end for s in fact.spans):
            out.add(name)
    return out


def direction_of(text: str) -> str | None:
    for name in READ:
        if WORDING[name].search(text):
            return name
    return None


def read_answer(answer: Any, trial: Any) -> tuple[str, set[str]]:
    """The answer's direction and the criteria the statements carrying it cite."""
    units: list[tuple[str | None, set[str]]] = []
    for st in answer.statements:
        cited: set[str] = set()
        for c in st.citations:
            cited |= labels(trial, c.start, c.end)
        said = direction_of(st.text)
        if not st.citations and "comparison" in st.fields and units:
            prev_dir, prev_cited = units[-1]
            units[-1] = (said or prev_dir, prev_cited)  # a comparison settles the cited limit
            continue
        units.append((said, cited))
    found = [d for d, _ in units if d is not None]
    if not found:
        return "not_said", set()
    best = min(found, key=ORDER.index)
    cited = set().union(*(c for d, c in units if d == best))
    return best, cited


def score(rows: list[dict[str, Any]], trials: dict[str, Any]) -> list[dict[str, Any]]:
    from summarizer.assistant import Assistant
    from summarizer.engines.extractive.engine import ExtractiveEngine
    from summarizer.verify import Verifier

    runtime = _Runtime(trials)
    assistant = Assistant(
        runtime,  # type: ignore[arg-type]
        generator=ExtractiveEngine(runtime.store, None),
        verifier=Verifier(),
    )
    out = []
    for row in rows:
        trial = trials[row["trial"]]
        t0 = time.perf_counter()
        answer = assistant.ask(row["question"], trial_ids=[row["trial"]])
        ms = 1000 * (time.perf_counter() - t0)
        got, cited = read_answer(answer, trial)
        right_dir = got == row["expect"]
        right_crit = right_dir and (
            row["expect"] == "not_said" or bool(cited & set(row["criteria"]))
        )
        out.append({**row, "got": got, "cited": sorted(cited), "right_direction": right_dir,
                    "right": right_crit, "ms": round(ms, 1), "answer": answer.answer})  # fmt: skip
    return out


def summary(results: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Figures per half ("tune", "report") and for "all"; when the results span more than one
    round, also per half and round ("tune r2", "all r1", ...)."""
    halves: dict[str, list[dict[str, Any]]] = defaultdict(list)
    several = len({round_of(r) for r in results}) > 1
    for r in results:
        halves[r["half"]].append(r)
        halves["all"].append(r)
        if several:
            halves[f"{r['half']} r{round_of(r)}"].append(r)
            halves[f"all r{round_of(r)}"].append(r)
    return {
        h: {
            "questions": len(rs),
            "trials": len({r["trial"] for r in rs}),
            "direction": round(sum(r["right_direction"] for r in rs) / len(rs), 3),
            "direction_and_criterion": round(sum(r["right"] for r in rs) / len(rs), 3),
        }
        for h, rs in sorted(halves.items())
    }


def vocabulary_coverage(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Of the questions that name a condition or treatment (not only an age, a sex, pregnancy
    or breastfeeding), the share in which the vocabulary maps at least one term to a concept."""
    from summarizer.engines.extractive.self_facts import extract

    named = mapped = 0
    for row in rows:
        facts = extract(row["question"])
        other = [t for t in facts.terms if t not in ("pregnancy", "breastfeeding")]
        read_elsewhere = facts.age_years is not None or facts.sex or facts.terms
        if not other and not facts.concepts and read_elsewhere:
            continue  # age, sex, pregnancy: read by the detectors, not the vocabulary
        named += 1
        mapped += bool(facts.concepts)
    return {"questions_naming_a_term": named, "mapped": mapped,
            "share": round(mapped / named, 3) if named else 0.0}  # fmt: skip
