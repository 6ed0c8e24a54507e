"""Planted errors: the checker's detection rate per kind and its false-alarm rate, standalone.

Correct sentences (see evals/planted.py), each copied with one planted error per kind (number,
age, swap, drug, target, not, trial_id); a planted copy counts as caught when the checker's
verdict is not ``supported``, a correct sentence as a false alarm when it is. Item sets:

* ``seeds``: hand-written plain sentences plus 25 source sentences per seed (as tests/checker);
* ``v2``: 10 source sentences per trial of the 100 API v2 trials (skipped when absent);
* ``engine``: the extractive engine's own summary sentences (cited ones) for seeds and v2 trials.

Baseline, same items, same run: a verbatim checker (supported only when the sentence, lower-cased
and space-normalized, appears inside its cited quotes), to show what the real checker adds on
paraphrases (false alarms) and on planted errors.

    .venv/bin/python benchmarks/checker_planted.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.planted import KINDS, Item, fact_items, measure, source_items  # noqa: E402
from evals.trials import seed_trials  # noqa: E402
from summarizer.checker import check_statement  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.engines.extractive.summary import summarize  # noqa: E402
from summarizer.models import Statement, Trial  # noqa: E402

ROLES = {"good_fit": "good_fit", "not_fit": "not_fit"}


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def verbatim(statement: Statement, trial: Trial, *, role: str | None = None) -> SimpleNamespace:
    quotes = " ".join(" ".join(c.quote.split()).lower() for c in statement.citations)
    text = " ".join(statement.text.split()).lower().rstrip(".")
    ok = bool(quotes) and text in quotes
    return SimpleNamespace(verdict="supported" if ok else "unsupported")


def v2_trials(data: Path) -> list[Trial]:
    path = data / "ctgov_v2_nsclc_100.json"
    if not path.is_file():
        print(f"note: {path} not found; v2 items skipped", file=sys.stderr)
        return []
    from summarizer.loader import parse_paths

    return [t for o in parse_paths([path]) for t in o.trials]


def engine_items(trials: dict[str, Trial]) -> list[Item]:
    out = []
    for trial in trials.values():
        for section in summarize(trial).sections:
            for st in section.statements:
                if st.citations and st.fields != ["guidance"]:
                    stmt = st.model_copy(update={"check": None})
                    out.append(
                        Item(
                            trial_id=trial.trial_id,
                            statement=stmt,
                            role=ROLES.get(section.key),
                            origin="engine",
                        )
                    )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Settings().data_dir)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    seeds = {t.trial_id: t for t in seed_trials()}
    v2 = {t.trial_id: t for t in v2_trials(args.data)}
    trials = {**seeds, **v2}
    sets: dict[str, list[Item]] = {
        "seeds": fact_items(seeds) + [i for t in seeds.values() for i in source_items(t, limit=25)],
    }
    if v2:
        sets["v2"] = [i for t in v2.values() for i in source_items(t, limit=10)]
    sets["engine"] = engine_items(trials)

    results: dict = {
        "commit": commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "sets": {},
    }
    for name, items in sets.items():
        row = {}
        for label, fn in (("checker", check_statement), ("verbatim baseline", verbatim)):
            t0 = time.perf_counter()
            rates = measure(items, trials, fn)
            secs = time.perf_counter() - t0
            row[label] = {
                "n_clean": rates.n_clean,
                "false_alarm_rate": rates.false_alarm_rate,
                "detection": rates.detection,
                "counts": rates.counts,
                "seconds": round(secs, 1),
            }
            if label == "checker":
                row[label]["misses_sample"] = {k: v[:2] for k, v in rates.misses.items() if v}
        results["sets"][name] = row
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"commit {results['commit']}  {results['date']}  load {results['load_before']}")
    for name, row in results["sets"].items():
        print(f"\n{name}: {row['checker']['n_clean']} clean sentences")
        print(f"{'':20}{'false alarm':>12}" + "".join(f"{k:>9}" for k in KINDS))
        for label, r in row.items():
            det = "".join(f"{r['detection'][k]:>9.3f}" for k in KINDS)
            print(f"{label:20}{r['false_alarm_rate']:>12.3f}{det}")
        counts = row["checker"]["counts"]
        print(f"{'planted (n)':20}{'':>12}" + "".join(f"{counts[k]:>9}" for k in KINDS))
    print(f"\nload after {results['load_after']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
