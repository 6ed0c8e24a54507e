"""The LLM judge on a local model beside the offline checker, same items, same run.

Two item sets, each a fixed, named subset small enough for a shared 2-core machine:

* NLI4CT 2023 dev: the first ``--nli4ct`` statements by id, uncited (the trial section is the
  whole source, as ``checker_nli4ct.py`` runs it). supported -> Entailment, anything else ->
  Contradiction; macro-F1 against the gold labels, beside the all-Contradiction baseline.
* Planted errors (``evals/planted.py``): every ``--every``-th hand-written plain sentence of the
  seeds (``cases/planted_facts.jsonl``, with its citations and fit role) and its planted copies
  (one error per kind). A copy counts as caught when the verdict is not ``supported``; a clean
  sentence as a false alarm when it is not ``supported``.

Three checkers per item: the offline checker (the baseline), the judge as ``--judge llm`` runs it
(the model's verdict with the offline hard-fact floor), and the model's verdict alone (``judge``:
the same two requests, served from a cache, so the model is asked once per item). A request the
model cannot answer in time, or a reply cut off, counts as an error (and as flagged: a judge that
cannot judge does not pass). ``--budget`` seconds bound the run; items not reached are left out
and the report says how many ran.

The server: ``OPENAI_BASE_URL`` when set (e.g. ``trialsum llm serve``), else the pulled local
model started here with 1 thread.

    .venv/bin/python benchmarks/checker_judge_local.py [--nli4ct 16] [--every 4] [--budget 900]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._local_model import local_endpoint  # noqa: E402
from benchmarks.checker_nli4ct import build, load  # noqa: E402
from evals.planted import KINDS, Item, fact_items, planted  # noqa: E402
from evals.trials import seed_trials  # noqa: E402
from summarizer.checker.judge import LLMJudge, OfflineChecker  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.llm_client import LLMClient, LLMError, build_chat_model  # noqa: E402
from summarizer.models import Statement, Trial  # noqa: E402

NLI4CT = ROOT.parent / "shared/data/nli4ct_2023_train_dev.tar.gz"
REPLY_TOKENS = 512  # claims or verdicts for up to 8 claims; a rambling reply is cut, not waited on
CHECKERS = ("offline", "judge+floor", "judge alone")
WHY: Counter[str] = Counter()  # why the model's own verdict was not 'supported'


class CachedClient:
    """The judge's client with replies remembered by prompt: the floored and the bare verdict of
    one item cost the model one pair of requests."""

    def __init__(self, client: LLMClient) -> None:
        self.inner = client
        self.model = client.model
        self.base_url = client.base_url
        self.calls = 0
        self._seen: dict[tuple[str, ...], str] = {}

    def complete(self, messages: Sequence[Any]) -> str:
        key = tuple(str(m.content) for m in messages)
        if key not in self._seen:
            self.calls += 1
            self._seen[key] = self.inner.complete(messages)
        return self._seen[key]


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def load_now() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def verdicts(
    judge: LLMJudge, statement: Statement, trial: Trial, role: str | None
) -> tuple[dict[str, str], float, float]:
    """The three verdicts ('error' when the model failed), offline and model seconds."""
    t0 = time.perf_counter()
    offline = OfflineChecker().check_statement(statement, trial, role=role).verdict  # type: ignore[arg-type]
    t1 = time.perf_counter()
    try:
        floored = judge.check_statement(statement, trial, role=role).verdict  # type: ignore[arg-type]
        bare = judge.judge(statement, trial, role=role)  # type: ignore[arg-type]
        alone = bare.verdict
        if alone != "supported":
            WHY[why(bare.reasons)] += 1
    except LLMError as exc:
        print(f"  model error: {' '.join(str(exc).split())[:120]}", file=sys.stderr)
        floored = alone = "error"
    t2 = time.perf_counter()
    return {"offline": offline, "judge+floor": floored, "judge alone": alone}, t1 - t0, t2 - t1


def why(reasons: Sequence[str]) -> str:
    """What kept the model's own verdict from 'supported', in a few words."""
    text = " ".join(reasons)
    for needle, label in (
        ("could not be used", "reply unusable"),
        ("not in the source", "quote not found in the source"),
        ("no verdict given", "a claim without a verdict"),
        ("no checkable claim", "no claims extracted"),
        ("shares a content word", "no evidence found"),
        ("contradicted", "model said contradicted"),
    ):
        if needle in text:
            return label
    return "model said unsupported"


def macro_f1(rows: list[tuple[str, str]]) -> dict[str, float]:
    """(gold, predicted) pairs over Entailment/Contradiction."""
    out: dict[str, float] = {}
    for label in ("Entailment", "Contradiction"):
        tp = sum(1 for g, p in rows if g == label and p == label)
        fp = sum(1 for g, p in rows if g != label and p == label)
        fn = sum(1 for g, p in rows if g == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[label] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    out["macro_f1"] = round((out["Entailment"] + out["Contradiction"]) / 2, 3)
    return out


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def run_nli4ct(judge: LLMJudge, n: int, deadline: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        _, dev, ct_dir = load(NLI4CT, Path(tmp))
        ids = sorted(dev)[:n]
        rows: dict[str, list[tuple[str, str]]] = {c: [] for c in CHECKERS}
        secs: list[float] = []
        errors = 0
        for k, key in enumerate(ids, start=1):
            if time.monotonic() > deadline:
                break
            item = dev[key]
            trial, _ = build(item, ct_dir)
            found, _, model_s = verdicts(judge, Statement(text=item["Statement"]), trial, None)
            secs.append(model_s)
            errors += found["judge alone"] == "error"
            for name, verdict in found.items():
                rows[name].append(
                    (item["Label"], "Entailment" if verdict == "supported" else "Contradiction")
                )
            print(f"  nli4ct {k}/{len(ids)} {item['Label'][:3]} {found} {model_s:.1f}s",
                  file=sys.stderr)  # fmt: skip
    done = len(secs)
    gold = rows["offline"]
    return {
        "subset": f"NLI4CT 2023 dev, first {done} of {len(ids)} asked by id (sorted), uncited",
        "n": done,
        "n_entailment": sum(1 for g, _ in gold if g == "Entailment"),
        "model_errors": errors,
        "macro_f1": {c: macro_f1(rows[c]) for c in CHECKERS},
        "baseline_all_contradiction": macro_f1([(g, "Contradiction") for g, _ in gold]),
        "judge_s_p50": pct(secs, 0.5),
        "judge_s_p95": pct(secs, 0.95),
    }


def run_planted(judge: LLMJudge, every: int, deadline: float) -> dict[str, Any]:
    seeds = {t.trial_id: t for t in seed_trials()}
    clean = fact_items(seeds)[::every]
    flags: dict[str, dict[str, list[bool]]] = {c: {} for c in CHECKERS}
    secs: list[float] = []
    errors = 0
    reached = 0

    def check(it: Item, group: str) -> None:
        nonlocal errors
        found, _, model_s = verdicts(judge, it.statement, seeds[it.trial_id], it.role)
        secs.append(model_s)
        errors += found["judge alone"] == "error"
        for name, verdict in found.items():
            flags[name].setdefault(group, []).append(verdict != "supported")
        print(f"  planted {group:8} {found} {model_s:.1f}s", file=sys.stderr)

    for item in clean:  # each clean sentence, then its copies: a cut-off run stays balanced
        if time.monotonic() > deadline:
            break
        reached += 1
        check(item, "clean")
        for bad in planted([item], seeds):
            check(bad, bad.kind or "?")

    def rate(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 3) if values else None

    out: dict[str, Any] = {
        "subset": (
            f"evals/cases/planted_facts.jsonl every {every}th sentence: {reached} of "
            f"{len(clean)} clean sentences and their planted copies"
        ),
        "n_clean": reached,
        "planted_counts": {k: len(flags["offline"].get(k, [])) for k in KINDS},
        "model_errors": errors,
        "judge_s_p50": pct(secs, 0.5),
        "judge_s_p95": pct(secs, 0.95),
    }
    for name in CHECKERS:
        by = flags[name]
        out[name] = {
            "false_alarm_rate": rate(by.get("clean", [])),
            "catch_rate": {k: rate(by.get(k, [])) for k in KINDS},
            "catch_rate_all": rate([f for k in KINDS for f in by.get(k, [])]),
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nli4ct", type=int, default=16, help="first N dev statements by id")
    ap.add_argument("--every", type=int, default=4, help="every Nth hand-written planted fact")
    ap.add_argument("--budget", type=float, default=900.0, help="seconds for both sets")
    ap.add_argument("--model", default="0.5b", help="local model when no OPENAI_BASE_URL")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    if not NLI4CT.is_file():
        print(f"skipped: {NLI4CT} not found")
        return 0
    with ExitStack() as stack:
        local_endpoint(stack, args.model)
        settings = Settings().model_copy(update={"llm_timeout": 180.0, "llm_max_retries": 0})
        inner = LLMClient(settings, chat=build_chat_model(settings, max_tokens=REPLY_TOKENS))
        client = CachedClient(inner)
        judge = LLMJudge(client)  # type: ignore[arg-type]
        started = time.monotonic()
        deadline = started + args.budget
        results: dict[str, Any] = {
            "commit": commit(),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "judge": judge.describe(),
            "reply_tokens": REPLY_TOKENS,
            "load_before": load_now(),
        }
        # Half the budget each; the planted set gets whatever NLI4CT leaves over.
        results["nli4ct"] = run_nli4ct(judge, args.nli4ct, started + args.budget / 2)
        results["load_mid"] = load_now()
        results["planted"] = run_planted(judge, args.every, deadline)
        results["model_requests"] = client.calls
        results["judge_alone_not_supported_because"] = dict(WHY.most_common())
        results["seconds"] = round(time.monotonic() - started, 1)
        results["load_after"] = load_now()
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
