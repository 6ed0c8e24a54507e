"""Criteria parser coverage per source format, and the vocabulary's coverage of eval questions.

Parser coverage is the share of criteria with at least one typed constraint, per source format:
a sample of the legacy XML records, the API v2 records and the text seeds. Each format also gets
the share of criterion words left as untyped remainder and the parse time against the baseline of
parsing the same documents into Trials in the same run (ratio = criteria time / document time).

Vocabulary coverage: the surface words that ``prompts/conditions.json`` recognizes in the eval
questions about oneself ('I have HIV', 'I had a heart attack'), and the share the vocabulary maps
to a concept. Also its size and sources.

Usage: .venv/bin/python benchmarks/criteria_coverage.py [--data DIR] [--xml-limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tarfile
import time
from collections import Counter
from pathlib import Path

from summarizer.criteria import parse_trial
from summarizer.criteria.vocabulary import load as load_vocab
from summarizer.models import Trial
from summarizer.parsers import parse_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))


def xml_docs(archive: Path, limit: int) -> list[tuple[str, str]]:
    """Every ``step``-th record, so the sample spans the archive rather than its first years."""
    names: list[tuple[str, str]] = []
    with tarfile.open(archive, mode="r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    names.append((member.name, handle.read().decode("utf-8", "replace")))
    step = max(1, len(names) // limit) if limit else 1
    return names[::step][: limit or None]


def v2_docs(path: Path) -> list[tuple[str, str]]:
    records = json.loads(path.read_text(encoding="utf-8"))
    return [(f"v2-{i}.json", json.dumps(r)) for i, r in enumerate(records)]


def seed_docs() -> list[tuple[str, str]]:
    return [
        (p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "samples").glob("0*.txt"))
    ]


def measure(name: str, docs: list[tuple[str, str]]) -> dict[str, object]:
    t0 = time.perf_counter()
    trials: list[Trial] = [t for doc_name, text in docs for t in parse_text(doc_name, text)]
    doc_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed = [parse_trial(t) for t in trials]
    crit_time = time.perf_counter() - t0
    criteria = [c for p in parsed for c in p.criteria]
    typed = sum(1 for c in criteria if c.typed)
    kinds: Counter[str] = Counter(k.kind for p in parsed for k in p.constraints())
    words = left = 0
    for trial, p in zip(trials, parsed, strict=True):
        text = trial.source.text
        for crit in p.criteria:
            words += len(re.findall(r"\w+", text[crit.span.start : crit.span.end]))
            left += sum(
                len(re.findall(r"\w+", text[r.start : r.end]))
                for node in crit.walk()
                for r in node.remainder
            )
    return {
        "format": name,
        "trials": len(trials),
        "criteria": len(criteria),
        "typed_share": round(typed / len(criteria), 4) if criteria else None,
        "remainder_word_share": round(left / words, 4) if words else None,
        "warnings": sum(len(p.warnings) for p in parsed),
        "constraints": dict(kinds.most_common()),
        "doc_parse_s": round(doc_time, 3),
        "criteria_parse_s": round(crit_time, 3),
        "ratio_to_doc_parse": round(crit_time / doc_time, 3) if doc_time else None,
    }


def vocabulary_coverage() -> dict[str, object]:
    vocab = load_vocab()
    rules = json.loads((ROOT / "prompts" / "conditions.json").read_text(encoding="utf-8"))["terms"]
    says = [re.compile(p, re.I) for t in rules for p in t["say"]]
    questions = [
        json.loads(line)["question"]
        for path in sorted((ROOT / "evals" / "cases").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line).get("kind") == "self"
    ]
    surfaces = sorted({m.group(0).lower() for q in questions for p in says for m in p.finditer(q)})
    mapped = {s: (c.label if (c := vocab.lookup(s)) else None) for s in surfaces}
    sources = Counter(s for c in vocab.concepts.values() for s in c.sources)
    return {
        "concepts": len(vocab),
        "terms": vocab.term_count,
        "by_source": dict(sources),
        "self_questions": len(questions),
        "question_terms": len(surfaces),
        "question_terms_mapped": sum(1 for v in mapped.values() if v),
        "share": round(sum(1 for v in mapped.values() if v) / len(surfaces), 4)
        if surfaces
        else None,
        "unmapped": [s for s, v in mapped.items() if not v],
        "mapped": {s: v for s, v in mapped.items() if v},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--xml-limit", type=int, default=1000, help="XML records sampled (0: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    load_vocab()  # read once, outside the timings
    rows = [measure("text seeds", seed_docs())]
    if (args.data / "ctgov_v2_nsclc_100.json").is_file():
        rows.append(measure("ctgov v2 json", v2_docs(args.data / "ctgov_v2_nsclc_100.json")))
    if (args.data / "ctgov_xml_6786.tar.gz").is_file():
        rows.append(
            measure("ctgov xml", xml_docs(args.data / "ctgov_xml_6786.tar.gz", args.xml_limit))
        )
    report = {"formats": rows, "vocabulary": vocabulary_coverage()}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for r in rows:
        print(
            f"{r['format']:14} trials {r['trials']:5}  criteria {r['criteria']:6}  typed "
            f"{r['typed_share']:.1%}  words left as text {r['remainder_word_share']:.1%}  "
            f"warnings {r['warnings']}  criteria parse {r['criteria_parse_s']}s = "
            f"{r['ratio_to_doc_parse']}x document parse"
        )
    v = report["vocabulary"]
    print(
        f"vocabulary: {v['concepts']} concepts, {v['terms']} terms, sources {v['by_source']}; "
        f"eval self-question terms mapped {v['question_terms_mapped']}/{v['question_terms']} "
        f"({v['share']:.0%}); unmapped: {v['unmapped']}"
    )


if __name__ == "__main__":
    main()
