"""Build the cross-trial eval from the shared XML archive: ``python -m evals.crosstrial.generate``.

Libraries are drawn before any answer is looked at, by salted sha256 of NCT ids: each gathers a
few trials sharing one MeSH term (so "trials for <condition>" has something to tell apart), a few
open or stopped trials (statuses are skewed: 83% of the archive is completed), a trial for
pregnant women in every third library, and random others up to 8-15 trials; no trial is in two
libraries, and none that the hand-written evals, the samples or the unseen eval use. Each library
goes to the ``tune`` or the ``report`` half by another hash of its id. The right trial set of each
question is computed from the records' fields (``facts.py``), never from trialsum's answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.crosstrial.cases import CASES, LIBRARIES, MANIFEST, CrossCase, Library, vocab
from evals.crosstrial.facts import TrialFacts, from_xml, place_values, with_pregnancy
from evals.unseen import records
from evals.unseen.generate import used_elsewhere

SEED = "trialsum-crosstrial-v1"
LIBRARIES_N = 44
SLICE_LIBRARIES = 3
OPEN = ("RECRUITING", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
STOPPED = ("TERMINATED", "WITHDRAWN", "SUSPENDED")
# MeSH terms too broad to be a question's condition ('Neoplasms' matches a third of the archive).
FOCUS_DF = (5, 80)

Truth = tuple[set[str], set[str]]  # (expected, ambiguous)


def h(*parts: str) -> int:
    return int(hashlib.sha256(":".join((SEED, *parts)).encode()).hexdigest()[:16], 16)


def half_of(library: str) -> str:
    return "tune" if h("half", library) % 2 == 0 else "report"


def _unseen_trials() -> set[str]:
    path = Path(__file__).resolve().parents[1] / "unseen" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {t for ids in data.get("halves", {}).values() for t in ids}


# ---------------------------------------------------------------- truth from the fields


def by(pred: Callable[[TrialFacts], bool | None]) -> Callable[[list[TrialFacts]], Truth]:
    """A truth from a per-trial predicate: True expected, None ambiguous, False neither."""

    def truth(lib: list[TrialFacts]) -> Truth:
        got = [(t.nct, pred(t)) for t in lib]
        return {n for n, v in got if v is True}, {n for n, v in got if v is None}

    return truth


def for_pregnant(t: TrialFacts) -> bool | None:
    if t.sex == "MALE" or not t.takes_pregnant:
        return False
    return None if t.excludes_pregnant else True


def takes_children(t: TrialFacts) -> bool | None:
    if t.min_years is None and t.max_years is None:
        return None
    return t.min_years is None or t.min_years < 18


def takes_older(t: TrialFacts) -> bool | None:
    if t.min_years is None and t.max_years is None:
        return None
    return t.max_years is None or t.max_years >= 65


def has_place(level: str, value: str) -> Callable[[TrialFacts], bool]:
    return lambda t: value.lower() in {v.lower() for v in place_values(t, level)}


def about(term: str) -> Callable[[TrialFacts], bool | None]:
    low = term.lower()

    def pred(t: TrialFacts) -> bool | None:
        if low in {m.lower() for m in t.mesh} or any(low in c.lower() for c in t.conditions):
            return True
        words = " ".join([t.title, *t.keywords]).lower()
        return None if re.search(rf"\b{re.escape(low)}\b", words) else False

    return pred


def both(a: Truth, b: Truth) -> Truth:
    exp = a[0] & b[0]
    maybe = (a[0] | a[1]) & (b[0] | b[1])
    return exp, maybe - exp


# ---------------------------------------------------------------- libraries


def read_all(data_dir: Path) -> dict[str, tuple[TrialFacts, str]]:
    return {nct: (from_xml(text), text) for nct, text in records.iter_xml(data_dir)}


def draw(everything: dict[str, TrialFacts]) -> list[tuple[str, str, list[str]]]:
    """(library id, focus MeSH term, trial ids) for every library, by hash only."""
    avoid = used_elsewhere() | _unseen_trials()
    pool = sorted((n for n in everything if n not in avoid), key=lambda n: h("pick", n))
    used: set[str] = set()
    df = Counter(m for n in pool for m in set(everything[n].mesh))
    focus = sorted(
        (m for m, c in df.items() if FOCUS_DF[0] <= c <= FOCUS_DF[1]), key=lambda m: h("focus", m)
    )

    def take(pred: Callable[[TrialFacts], bool], k: int) -> list[str]:
        out = [n for n in pool if n not in used and pred(everything[n])][:k]
        used.update(out)
        return out

    out = []
    for i in range(LIBRARIES_N):
        lib_id = f"L{i:02d}"
        term = focus[i]
        size = 8 + h("size", lib_id) % 8
        trials = take(lambda t, term=term: term in t.mesh, 3 + h("k", lib_id) % 3)
        trials += take(lambda t: t.status in OPEN, 1 + h("open", lib_id) % 2)
        trials += take(lambda t: t.status in STOPPED, 1)
        if i % 3 == 0:
            trials += take(lambda t: any(re.search("pregnan", c, re.I) for c in t.conditions), 1)
        trials += take(lambda t: True, max(0, size - len(trials)))
        out.append((lib_id, term, sorted(trials, key=lambda n: h("order", lib_id, n))))
    return out


# ---------------------------------------------------------------- questions


def _fill(kind: str, key: str, **slots: str) -> tuple[str, int]:
    templates = vocab()["kinds"][kind]
    i = h("template", key) % len(templates)
    text = templates[i].format(**slots, status_cap=slots.get("status", "").capitalize())
    return text, i


def _status_phrase(status: str, key: str) -> str:
    words = vocab()["status_words"][status]
    return words[h("words", key) % len(words)]


def _place(lib: list[TrialFacts], key: str) -> tuple[str, str] | None:
    options = sorted(
        {
            (level, v)
            for t in lib
            for level in ("city", "state", "country")
            for v in place_values(t, level)
        }
    )
    if not options:
        return None
    return options[h("place", key) % len(options)]


def questions(
    lib_id: str, term: str, lib: list[TrialFacts]
) -> list[tuple[str, dict[str, str], Truth]]:
    """(kind, slots, truth) for one library."""
    out: list[tuple[str, dict[str, str], Truth]] = []
    present = [s for s in vocab()["status_words"] if any(t.status == s for t in lib)]
    status_of = lambda s: by(lambda t: t.status == s)(lib)  # noqa: E731
    out.append(("status", {"status": "RECRUITING"}, status_of("RECRUITING")))
    other = [s for s in present if s != "RECRUITING"] or ["COMPLETED"]
    second = other[h("status2", lib_id) % len(other)]
    out.append(("status", {"status": second}, status_of(second)))
    out.append(("pregnancy", {}, by(for_pregnant)(lib)))
    age_kind = ("children", "older")[h("age", lib_id) % 2]
    out.append((age_kind, {}, by(takes_children if age_kind == "children" else takes_older)(lib)))
    who = ("women_only", "men_only", "healthy")[h("who", lib_id) % 3]
    pred = {
        "women_only": lambda t: t.sex == "FEMALE",
        "men_only": lambda t: t.sex == "MALE",
        "healthy": lambda t: t.healthy_volunteers,
    }[who]
    out.append((who, {}, by(pred)(lib)))
    if place := _place(lib, lib_id):
        level, value = place
        out.append((level, {"place": value}, by(has_place(level, value))(lib)))
    out.append(("condition", {"condition": term.lower()}, by(about(term))(lib)))
    combo = ("status_condition", "status_place", "status_children")[h("combo", lib_id) % 3]
    status = ("COMPLETED", "RECRUITING")[h("combo_status", lib_id) % 2]
    if combo == "status_place" and place:
        level, value = place
        truth = both(status_of(status), by(has_place(level, value))(lib))
        out.append((combo, {"status": status, "place": value}, truth))
    elif combo == "status_children":
        out.append((combo, {"status": status}, both(status_of(status), by(takes_children)(lib))))
    else:
        truth = both(status_of(status), by(about(term))(lib))
        out.append(("status_condition", {"status": status, "condition": term.lower()}, truth))
    return out


def cases_for(library: Library, lib: list[TrialFacts]) -> list[CrossCase]:
    out = []
    for n, (kind, slots, (expected, ambiguous)) in enumerate(
        questions(library.id, library.focus, lib)
    ):
        key = f"{library.id}:{n}"
        words = dict(slots)
        if "status" in slots:
            words["status"] = _status_phrase(slots["status"], key)
        question, template = _fill(kind, key, **words)
        out.append(
            CrossCase(
                id=f"{library.id}-{n:02d}-{kind}",
                library=library.id,
                half=library.half,
                slice=library.slice,
                kind=kind,
                question=question,
                template=template,
                asked=slots,
                expected=sorted(expected),
                ambiguous=sorted(ambiguous),
            )
        )
    return out


def build(data_dir: Path) -> dict[str, Any]:
    raw = read_all(data_dir)
    facts = {n: f for n, (f, _) in raw.items()}
    drawn = draw(facts)
    report = sorted(
        (d for d in drawn if half_of(d[0]) == "report"), key=lambda d: (len(d[2]), h("slice", d[0]))
    )
    in_slice = {d[0] for d in report[:SLICE_LIBRARIES]}
    libraries: list[Library] = []
    cases: list[CrossCase] = []
    for lib_id, term, trials in drawn:
        lib = [with_pregnancy(facts[n], raw[n][1]) for n in trials]
        library = Library(
            id=lib_id,
            half=half_of(lib_id),  # type: ignore[arg-type]
            slice=lib_id in in_slice,
            focus=term,
            trials=trials,
            statuses={t.nct: t.status for t in lib},
        )
        libraries.append(library)
        cases += cases_for(library, lib)
    LIBRARIES.write_text(
        "".join(lib.model_dump_json() + "\n" for lib in libraries), encoding="utf-8"
    )
    CASES.write_text("".join(c.model_dump_json() + "\n" for c in cases), encoding="utf-8")
    manifest = {
        "seed": SEED,
        "data": [records.XML_ARCHIVE],
        "how": "libraries drawn and split into halves by hash before any answer was looked at; "
        "tune on 'tune', report 'report'; 'slice' is the CI gate's part of the report half",
        "libraries": len(libraries),
        "trials": sum(len(lib.trials) for lib in libraries),
        "cases": len(cases),
        "halves": {
            half: {
                "libraries": [lib.id for lib in libraries if lib.half == half],
                "cases": sum(1 for c in cases if c.half == half),
            }
            for half in ("tune", "report")
        },
        "slice": sorted(in_slice),
        "kinds": dict(sorted(Counter(c.kind for c in cases).items())),
        "empty_expected": sum(1 for c in cases if not c.expected),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(data_dir: Path | None = None) -> int:
    from summarizer.config import Settings

    folder = data_dir or Settings().data_dir
    if not (folder / records.XML_ARCHIVE).exists():
        print(f"shared data absent: {records.XML_ARCHIVE} not in {folder}")
        return 1
    manifest = build(folder)
    print(json.dumps({k: v for k, v in manifest.items() if k != "halves"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
