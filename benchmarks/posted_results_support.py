"""Posted-results answers backed by the record? ``python -m benchmarks.posted_results_support``

Every XML record of the shared archive that posts results (``clinical_results``) and every v2
study with a ``resultsSection`` is parsed, and the extractive engine is asked the results
questions (did it work, what did they find, side effects, how many finished) and the questions
about who took part (age, women, who), answered from the posted baseline characteristics. Each
answer sentence that reads posted results (field ``results`` or ``baseline``) goes through the
real source checker (``Verifier.check``); the figures are how many are supported, unsupported
or contradicted, per question, and how many answers came from the posted results at all.

This is the measurement behind docs/BENCHMARKS.md's "4,010 of 4,011 answer sentences supported
over the 440 XML records with results" (session 25), extended to the baseline answers. The
flagged sentences are listed (``--show N``) so a regression can be read, not only counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence

from summarizer.config import Settings
from summarizer.engines.extractive.engine import ExtractiveEngine
from summarizer.models import NOT_CLAIMS, Trial
from summarizer.parsers.ctgov_json import PARSER as JSON_PARSER
from summarizer.parsers.ctgov_xml import PARSER as XML_PARSER
from summarizer.verify import Verifier

XML_ARCHIVE = "ctgov_xml_6786.tar.gz"
V2_FILE = "ctgov_v2_nsclc_100.json"
# (name, question, the field its answer sentences carry)
RESULTS_QUESTIONS = (
    ("did it work", "Did it work?", "results"),
    ("what did they find", "What did they find?", "results"),
    ("side effects", "What side effects did people have?", "results"),
    ("how many finished", "How many people finished the study?", "results"),
)
BASELINE_QUESTIONS = (
    ("how old", "How old were the people in the study?", "baseline"),
    ("how many women", "How many women took part?", "baseline"),
    ("who took part", "Who took part?", "baseline"),
)


def trials_with_results(settings: Settings) -> Iterator[Trial]:
    """Parsed trials whose record posts results: the XML archive's, then the v2 file's."""
    from evals.unseen import records

    for nct, text in records.iter_xml(settings.data_dir):
        if "<clinical_results>" in text:
            yield XML_PARSER.parse(f"{nct}.xml", text)[0]
    v2 = settings.data_dir / V2_FILE
    if v2.exists():
        data = json.loads(v2.read_text(encoding="utf-8"))
        studies = data if isinstance(data, list) else data.get("studies", [])
        for study in studies:
            if isinstance(study, dict) and "resultsSection" in study:
                yield JSON_PARSER.parse("study.json", json.dumps(study))[0]


def measure(
    trials: Sequence[Trial], questions: Sequence[tuple[str, str, str]], show: int = 0
) -> dict[str, dict[str, int]]:
    engine = ExtractiveEngine(None)  # type: ignore[arg-type]
    verifier = Verifier()
    out: dict[str, dict[str, int]] = {}
    flagged: list[str] = []
    for name, question, field in questions:
        counts: Counter[str] = Counter()
        for trial in trials:
            draft = engine.draft_answer(question, [trial])
            read = [
                s
                for s in draft.statements
                if field in s.fields and not any(k in s.fields for k in NOT_CLAIMS)
            ]
            counts["answers"] += 1
            counts["answered from posted"] += bool(read)
            for statement in read:
                verdict = verifier.check(statement, trial).verdict
                counts[verdict] += 1
                if verdict != "supported" and len(flagged) < show:
                    flagged.append(f"{trial.trial_id} {name}: {verdict}: {statement.text[:300]}")
        out[name] = dict(counts)
    for line in flagged:
        print(line, file=sys.stderr)
    return out


def _total(part: dict[str, dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for counts in part.values():
        total.update(counts)
    return dict(total)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=10, help="list up to N flagged sentences")
    ap.add_argument("--limit", type=int, default=0, help="only the first N trials (0: all)")
    ap.add_argument("--part", choices=("results", "baseline", "both"), default="both")
    args = ap.parse_args(argv)
    settings = Settings()
    if not (settings.data_dir / XML_ARCHIVE).exists():
        print(f"shared data absent: {XML_ARCHIVE} not in {settings.data_dir}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    trials = list(trials_with_results(settings))
    if args.limit:
        trials = trials[: args.limit]
    parsed = time.perf_counter() - started
    results = measure(trials, RESULTS_QUESTIONS, args.show) if args.part != "baseline" else {}
    baseline = measure(trials, BASELINE_QUESTIONS, args.show) if args.part != "results" else {}
    report = {
        "trials": len(trials),
        "with_baseline": sum(bool(getattr(t.results, "baseline", None)) for t in trials),
        "parse_seconds": round(parsed, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "results": {**results, "all": _total(results)},
        "baseline": {**baseline, "all": _total(baseline)},
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
