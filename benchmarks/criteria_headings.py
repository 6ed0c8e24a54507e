"""Criteria-splitting failures of two kinds, counted over every record of a corpus.

(a) heading criteria: a criterion whose whole text is a heading, not a criterion. A heading is
    told by its shape alone, with no look at how the splitter decided: one line, at most 60
    characters, no sentence punctuation at its end or inside it, and either ending in ':' with
    nothing after it, written in capitals and spaces only ('DISEASE CHARACTERISTICS', not
    'ECOG 0-2'), an 'Inclusion/Exclusion criteria ...' line (at most one word before the kind
    word: 'Does not meet inclusion criteria' is a criterion), or nothing but the words of one
    PDQ layout heading ('Biologic therapy', 'Hepatic').
(b) exclusion items read as inclusion: a criterion that starts after a heading line saying
    exclusion criteria (with any qualifier: 'for all groups', '(Part A)', '- healthy
    volunteers') and before the next heading saying inclusion criteria, but is kind 'inclusion'.
    Items under a sub-heading of their own that states a requirement ('Required:', 'Patients
    must have:', 'Patients must:', 'To be eligible, a person must:') are inclusion-like by
    design and not counted.

Both are read from the rendered record text, where the criteria's spans point. Formats: every
legacy XML record in ``ctgov_xml_6786.tar.gz``, the API v2 records and the text seeds.
``--examples N`` prints N seeded random examples of each kind (same seed, same examples), and
``--show ID`` prints one trial's criteria as split, for a before/after look.

Usage: .venv/bin/python benchmarks/criteria_headings.py [--data DIR] [--limit N] [--json]
       [--examples N] [--seed S] [--show NCT...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

from summarizer.models import Trial
from summarizer.parsers import parse_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
PDQ_HEADINGS = ROOT / "summarizer" / "criteria" / "data" / "pdq_headings.json"

_CAPS = re.compile(r"[A-Z][A-Z /&,()'-]*")  # capitals and spaces only: 'ECOG 0-2' is no heading
_KIND_LINE = re.compile(r"\W*(?:\w+\s+)?(?:inclusion|exclusion)s?\b", re.I)
_SENTENCE_END = re.compile(r"[.;]\s+\S")  # 'Antiretroviral therapy. NOTE:' holds a sentence
_EXCLUSION_HEAD = re.compile(
    r"^(?:[-*•]\s*)?(?:[\w/()-]+\s+){0,3}?exclusion\s+criteri(?:a|on)\b(?P<rest>[^.;]{0,60})$",
    re.I,
)
# A sub-heading that states a requirement ('Required:', 'Patients must have:') turns the items
# under it inclusion-like inside an exclusion section, by design: such items are not counted.
_REQUIREMENT_GROUP = re.compile(
    r"^(?:allowed|required|recommended|included)\b|\bmust(?:\s+(?:have|be|meet)\b|:?$)|\beligible\b"
    r"|\binclu(?:ded|sion)\b",
    re.I,
)
_INCLUSION_HEAD = re.compile(
    r"^(?:[-*•]\s*)?(?:[\w/()-]+\s+){0,3}?inclusion\s+criteri(?:a|on)\b[^.;]{0,60}$", re.I
)


def pdq_words() -> set[str]:
    data = json.loads(PDQ_HEADINGS.read_text(encoding="utf-8")) if PDQ_HEADINGS.is_file() else {}
    return {h.lower() for h in data.get("headings", [])}


def is_heading(text: str, known: set[str]) -> bool:
    """Whether a criterion's whole text is only a heading (see the module text)."""
    t = text.strip()
    if not t or "\n" in t or len(t) > 60 or t[-1] in ".;," or _SENTENCE_END.search(t):
        return False
    bare = t.rstrip(":").strip()
    if t.endswith(":") or bare.lower() in known:
        return True
    if _CAPS.fullmatch(bare) and sum(ch.isalpha() for ch in bare) >= 4:
        return True
    return bool(_KIND_LINE.match(bare)) and "criteri" in bare.lower()


def kind_headings(text: str) -> list[tuple[int, str]]:
    """(offset, 'inclusion'|'exclusion') of every line that is a kind heading, in order."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        words = line.strip()
        low = words.lower()
        if len(words) <= 100 and not ("inclusion" in low and "exclusion" in low):
            if _EXCLUSION_HEAD.match(words):
                out.append((pos, "exclusion"))
            elif _INCLUSION_HEAD.match(words):
                out.append((pos, "inclusion"))
        pos += len(line)
    return out


def crossed(trial: Trial) -> list[int]:
    """Indexes into ``trial.criteria`` of the items after an exclusion heading read as
    inclusion."""
    heads = kind_headings(trial.source.text)
    out: list[int] = []
    if not any(k == "exclusion" for _, k in heads):
        return out
    for i, crit in enumerate(trial.criteria):
        if not crit.spans:
            continue
        start = crit.spans[0].start
        before = [k for pos, k in heads if pos < start]
        if before and before[-1] == "exclusion" and crit.kind == "inclusion":
            if crit.group and _REQUIREMENT_GROUP.search(crit.group):
                continue
            out.append(i)
    return out


def xml_docs(archive: Path, limit: int) -> Iterator[tuple[str, str]]:
    with tarfile.open(archive, mode="r|gz") as tar:
        seen = 0
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    yield Path(member.name).name, handle.read().decode("utf-8", "replace")
                    seen += 1
                    if limit and seen >= limit:
                        return


def v2_docs(path: Path) -> Iterator[tuple[str, str]]:
    for i, record in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        yield f"v2-{i}.json", json.dumps(record)


def seed_docs() -> Iterator[tuple[str, str]]:
    for p in sorted((ROOT / "samples").glob("0*.txt")):
        yield p.name, p.read_text(encoding="utf-8")


def measure(name: str, docs: Iterator[tuple[str, str]], known: set[str]) -> dict[str, object]:
    trials = criteria = 0
    heads: list[tuple[str, int, str, str | None]] = []
    wrong: list[tuple[str, int, str, str | None]] = []
    t0 = time.perf_counter()
    for doc_name, text in docs:
        try:
            parsed = parse_text(doc_name, text)
        except Exception:  # a record the parsers refuse is not this benchmark's business
            continue
        for trial in parsed:
            trials += 1
            criteria += len(trial.criteria)
            for i, crit in enumerate(trial.criteria):
                if is_heading(crit.text, known):
                    heads.append((trial.trial_id, i, crit.text, crit.group))
            for i in crossed(trial):
                crit = trial.criteria[i]
                wrong.append((trial.trial_id, i, crit.text, crit.group))
    return {
        "format": name,
        "trials": trials,
        "criteria": criteria,
        "heading_criteria": len(heads),
        "heading_trials": len({h[0] for h in heads}),
        "exclusion_read_as_inclusion": len(wrong),
        "exclusion_trials": len({w[0] for w in wrong}),
        "seconds": round(time.perf_counter() - t0, 1),
        "_heads": heads,
        "_wrong": wrong,
    }


def show(archive: Path, ids: list[str]) -> None:
    wanted = {f"{i}.xml" for i in ids}
    for name, text in xml_docs(archive, 0):
        if name in wanted:
            for trial in parse_text(name, text):
                print(f"== {trial.trial_id}")
                for c in trial.criteria:
                    words = " ".join(c.text.split())
                    print(f"  {c.kind[:3]} {c.number:3} [{c.group or ''}] {words[:100]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="XML records read (0: all)")
    ap.add_argument("--examples", type=int, default=0, help="seeded random examples per kind")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--show", nargs="*", default=None, help="print these XML trials as split")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    archive = args.data / "ctgov_xml_6786.tar.gz"
    if args.show:
        show(archive, args.show)
        return
    known = pdq_words()
    rows = [measure("text seeds", seed_docs(), known)]
    if (args.data / "ctgov_v2_nsclc_100.json").is_file():
        rows.append(measure("ctgov v2 json", v2_docs(args.data / "ctgov_v2_nsclc_100.json"), known))
    if archive.is_file():
        rows.append(measure("ctgov xml", xml_docs(archive, args.limit), known))
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]))
    else:
        for r in rows:
            print(
                f"{r['format']:14} trials {r['trials']:5}  criteria {r['criteria']:6}  "
                f"(a) heading criteria {r['heading_criteria']:5} in {r['heading_trials']:4} "
                f"trials  (b) exclusion items read as inclusion "
                f"{r['exclusion_read_as_inclusion']:4} in {r['exclusion_trials']:3} trials  "
                f"{r['seconds']}s"
            )
    if args.examples:
        rng = random.Random(args.seed)
        for r in rows:
            for label, key in (("(a) heading", "_heads"), ("(b) exclusion", "_wrong")):
                found = r[key]
                assert isinstance(found, list)
                for trial_id, i, text, group in rng.sample(found, min(args.examples, len(found))):
                    words = " ".join(text.split())
                    print(f"{r['format']} {label}: {trial_id} #{i} [{group}] {words[:90]!r}")


if __name__ == "__main__":
    main()
