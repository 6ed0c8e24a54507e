"""Calibrate the extractive engine's abstain floor on the eval cases, not by hand.

One store is built (as ``trialsum eval`` builds it); every question case is then run once per
candidate value of ``min_sentence_score`` (the share of the question's weighted words a selected
sentence must cover). Among the values with the best abstention F1 (answer when a case expects
an answer, abstain when it expects abstention) and then the best pass rate, the middle one is
written back to prompts/thresholds.json with how it was found.

    .venv/bin/python -m evals.calibrate [--write]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from evals.dataset import Dataset, default_case_files
from evals.metrics import CaseRun, passed, score
from evals.runner import _run_case, prepare_docs, ref_of
from summarizer.config import Settings

THRESHOLDS = Path(__file__).resolve().parents[1] / "prompts" / "thresholds.json"
KEY = "min_sentence_score"
GRID = [round(0.2 + 0.05 * i, 2) for i in range(14)]  # 0.20 .. 0.85
# Modules that read the floor through resources.threshold.
USERS = (
    "summarizer.engines.extractive.engine.threshold",
    "summarizer.engines.extractive.eligibility.threshold",
)


@contextmanager
def floor(value: float) -> Iterator[None]:
    from summarizer.engines.extractive.resources import threshold as real

    def patched(name: str) -> float:
        return value if name == KEY else real(name)

    with mock.patch(USERS[0], patched), mock.patch(USERS[1], patched):
        yield


def f1(runs: list[CaseRun]) -> float:
    """Abstention F1 over the cases that state an outcome."""
    tp = fp = fn = 0
    for r in runs:
        want = r.scores.get("expected_abstain", 0.0) > 0
        did = r.scores.get("did_abstain", 0.0) > 0
        tp += want and did
        fp += did and not want
        fn += want and not did
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def sweep(settings: Settings | None = None) -> list[dict[str, float]]:
    from summarizer.assistant import build_assistant

    data = Dataset.from_jsonl(default_case_files())
    cases = [c for c in data.cases if c.task == "answer"]
    base = settings or Settings()
    rows = []
    with tempfile.TemporaryDirectory(prefix="trialsum-cal-") as tmp:
        run_settings = base.model_copy(update={"home": Path(tmp) / "home", "chroma_url": None})
        docs = Path(tmp) / "docs"
        prepare_docs(cases, run_settings, docs)
        assistant = build_assistant(run_settings, engine="extractive")
        assistant.ingest([docs])
        trials = {t: assistant.get_trial(t) for t in assistant.trial_ids()}
        ref_ids = {ref_of(tr): t for t, tr in trials.items()}
        for value in GRID:
            with floor(value):
                runs = [score(_run_case(c, assistant, ref_ids, trials, 8)) for c in cases]
            done = [r for r in runs if not r.skipped]
            rows.append(
                {
                    KEY: value,
                    "abstention_f1": round(f1(done), 4),
                    "pass_rate": round(sum(passed(r) for r in done) / len(done), 4),
                }
            )
    return rows


def best(rows: list[dict[str, float]]) -> dict[str, float]:
    """The middle of the best-scoring values: farthest from both edges of the plateau."""
    top = max((r["abstention_f1"], r["pass_rate"]) for r in rows)
    tied = [r for r in rows if (r["abstention_f1"], r["pass_rate"]) == top]
    return tied[(len(tied) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the best value back")
    args = parser.parse_args()
    rows = sweep()
    for r in rows:
        print(json.dumps(r))
    top = best(rows)
    print("best:", json.dumps(top))
    if args.write:
        data = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
        data[KEY] = top[KEY]
        data["_calibration"] = (
            f"{KEY} = {top[KEY]} chosen by evals/calibrate.py over {GRID[0]}..{GRID[-1]} on "
            f"the eval question cases: abstention F1 {top['abstention_f1']}, pass rate "
            f"{top['pass_rate']}; the middle of the best plateau."
        )
        THRESHOLDS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
