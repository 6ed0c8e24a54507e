"""The source checker on NLI4CT 2023: calibrate its support threshold on train, report dev.

Each statement is checked against its trial section (primary, plus the secondary trial for
comparison statements) as the whole source, i.e. uncited mode, and again citing only the gold
evidence lines (oracle citations). Mapping: supported -> Entailment; unsupported and contradicted
-> Contradiction (NLI4CT has no neutral class). The threshold maximizing macro-F1 on train is
written to summarizer/checker/calibration.json with ``--write-calibration``.

    .venv/bin/python benchmarks/checker_nli4ct.py [--data PATH] [--limit N] [--write-calibration]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.checker import core  # noqa: E402
from summarizer.checker.support import Calibration, calibration, save_calibration  # noqa: E402
from summarizer.models import Citation, Source, Statement, Trial, sha256_text  # noqa: E402


def load(data: Path, workdir: Path) -> tuple[dict, dict, Path]:
    with tarfile.open(data) as tar:
        tar.extractall(workdir, filter="data")
    base = workdir / "nli4ct"
    train = json.loads((base / "train.json").read_text())
    dev = json.loads((base / "dev.json").read_text())
    return train, dev, base / "ct_json"


def build(item: dict, ct_dir: Path) -> tuple[Trial, list[Citation]]:
    """The section text as one source document; gold evidence lines as citations."""
    section = item["Section_id"]
    parts: list[str] = []
    cites: list[tuple[int, int]] = []
    for role, key in (("Primary", "Primary_id"), ("Secondary", "Secondary_id")):
        nct = item.get(key)
        if not nct:
            continue
        lines = json.loads((ct_dir / f"{nct}.json").read_text())[section]
        parts.append(f"{role} trial {nct}:\n")
        gold = set(item.get(f"{role}_evidence_index") or [])
        for i, line in enumerate(lines):
            start = sum(len(p) for p in parts)
            parts.append(line.strip() + "\n")
            if i in gold:
                cites.append((start, start + len(line.strip())))
    text = "".join(parts)
    trial = Trial(
        trial_id=item["Primary_id"],
        source=Source(path="nli4ct", format="txt", text=text, sha256=sha256_text(text)),
    )
    citations = [
        Citation(trial_id=trial.trial_id, section="other", quote=text[a:b], start=a, end=b)
        for a, b in cites
    ]
    return trial, citations


def run(items: dict, ct_dir: Path, *, oracle: bool) -> list[tuple[str, str, float]]:
    """(gold label, hard verdict with threshold 0, support score) per statement."""
    out = []
    for item in items.values():
        trial, cites = build(item, ct_dir)
        statement = Statement(text=item["Statement"], citations=cites if oracle else [])
        check = core.check_statement(statement, trial)
        out.append((item["Label"], check.verdict, check.score))
    return out


def predict(verdict: str, score: float, threshold: float) -> str:
    return "Entailment" if verdict == "supported" and score >= threshold else "Contradiction"


def prf(rows: list[tuple[str, str, float]], threshold: float) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for label in ("Entailment", "Contradiction"):
        tp = sum(1 for g, v, s in rows if g == label and predict(v, s, threshold) == label)
        fp = sum(1 for g, v, s in rows if g != label and predict(v, s, threshold) == label)
        fn = sum(1 for g, v, s in rows if g == label and predict(v, s, threshold) != label)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[label] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    out["macro_f1"] = {"f1": round((out["Entailment"]["f1"] + out["Contradiction"]["f1"]) / 2, 3)}
    return out


def fit_threshold(rows: list[tuple[str, str, float]]) -> tuple[float, float]:
    grid = [i / 100 for i in range(0, 101, 2)]
    best = max(grid, key=lambda t: (prf(rows, t)["macro_f1"]["f1"], -abs(t - 0.5)))
    return best, prf(rows, best)["macro_f1"]["f1"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared/data/nli4ct_2023_train_dev.tar.gz"
    )
    ap.add_argument(
        "--limit", type=int, default=0, help="use only the first N statements of each split"
    )
    ap.add_argument("--write-calibration", action="store_true")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} not found (set --data)")
        return 0
    current = calibration()
    zero = current.model_copy(update={"support_threshold": 0.0})
    with tempfile.TemporaryDirectory() as tmp:
        train, dev, ct_dir = load(args.data, Path(tmp))
        if args.limit:
            train = dict(list(train.items())[: args.limit])
            dev = dict(list(dev.items())[: args.limit])
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        results: dict[str, object] = {
            "commit": rev,
            "load_before": [round(x, 2) for x in os.getloadavg()],
            "n_train": len(train),
            "n_dev": len(dev),
        }
        with mock.patch.object(core, "calibration", lambda: zero):
            t0 = time.perf_counter()
            train_rows = run(train, ct_dir, oracle=False)
            secs = time.perf_counter() - t0
            dev_rows = run(dev, ct_dir, oracle=False)
            dev_oracle = run(dev, ct_dir, oracle=True)
            train_oracle = run(train, ct_dir, oracle=True)
    threshold, train_f1 = fit_threshold(train_rows)
    oracle_threshold, _ = fit_threshold(train_oracle)
    majority = prf([(g, "supported", 0.0) for g, _, _ in dev_rows], 1.0)
    results.update(
        {
            "threshold_uncited": threshold,
            "train_macro_f1_uncited": train_f1,
            "dev_uncited": prf(dev_rows, threshold),
            "threshold_oracle": oracle_threshold,
            "dev_oracle_citations": prf(dev_oracle, oracle_threshold),
            "dev_at_current_threshold": prf(dev_rows, current.support_threshold),
            "baseline_all_contradiction": majority,
            "statements_per_second": round(len(train_rows) / secs, 1),
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
    )
    print(json.dumps(results, indent=2))
    base_f1 = majority["macro_f1"]["f1"]
    ratio = results["dev_uncited"]["macro_f1"]["f1"] / base_f1 if base_f1 else float("nan")
    print(f"dev macro-F1 vs all-Contradiction baseline: {ratio:.2f}x")
    if args.write_calibration:
        save_calibration(
            Calibration(
                support_threshold=threshold,
                polarity_min_overlap=current.polarity_min_overlap,
                embedding_weight=current.embedding_weight,
                source=(
                    "benchmarks/checker_nli4ct.py: support threshold maximizing macro-F1 on "
                    f"NLI4CT 2023 train ({len(train)} statements, uncited mode, lexical score)"
                ),
                fitted={
                    "train_macro_f1": train_f1,
                    "dev_macro_f1": results["dev_uncited"]["macro_f1"]["f1"],  # type: ignore[index]
                    "oracle_threshold": oracle_threshold,
                },
            )
        )
        print("wrote summarizer/checker/calibration.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
