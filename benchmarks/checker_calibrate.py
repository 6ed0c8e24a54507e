"""Calibrate the source checker's thresholds on our own task: engine sentences vs their citations.

Labelled set. Positives ("supported"): the extractive engine's cited summary sentences for the
sample trials (samples/) and the API v2 trials (``--data``/ctgov_v2_nsclc_100.json, skipped with
a note when absent), each checked against its own citations. Negatives: copies of those sentences
with one planted error of a kind from evals/planted.py (number, age, swap, drug, target, not,
trial_id), plus ``unrelated``: the sentence unchanged but citing another statement's span of the
same trial from a different summary section, not overlapping its own (plain unsupported content).

Split by trial, fixed seed: half of the sample trials and half of the v2 trials fit, the others are
held out. Fit: a grid over ``support_threshold`` and ``polarity_min_overlap`` maximizing balanced
accuracy (1 - false-alarm rate + mean detection over the negative kinds, each kind weighted alike,
halved) among the values whose false-alarm rate on the untouched train sentences is <= 2%; the
points within 0.002 of the best form a plateau and its middle is taken (as evals/calibrate.py does
for the abstain floor), so the pick does not sit on the edge of a cliff. ``embedding_weight`` is
not fitted: no embedder is registered with the checker in the app (``use_embedder`` is never
called), so it stays 0.

Each item is checked three times (threshold 0 and polarity gate open; threshold 0, no polarity;
threshold above 1, no polarity) and the verdict at any grid point is rebuilt from those runs; the
figures reported for the defaults and the fitted values are direct checker runs. NLI4CT 2023 dev
macro-F1 (benchmarks/checker_nli4ct.py, uncited mode) is reported for both, when the data is there.

    .venv/bin/python benchmarks/checker_calibrate.py [--data DIR] [--per-trial N] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.planted import KINDS, Item, planted  # noqa: E402
from evals.trials import seed_trials  # noqa: E402
from summarizer.checker import core  # noqa: E402
from summarizer.checker.support import Calibration, calibration, save_calibration  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.models import Trial  # noqa: E402

NEG_KINDS = (*KINDS, "unrelated")
THRESHOLDS = [round(0.02 * i, 2) for i in range(0, 51)]  # 0.00 .. 1.00
OVERLAPS = [round(0.1 * i, 1) for i in range(0, 11)]  # 0.0 .. 1.0
FA_CEILING = 0.02
# Balanced-accuracy gap treated as a tie: about one standard error of the false-alarm term on
# ~2,000 positives at ~1% false alarms.
TOLERANCE = 0.002
SEED = 11
ROLES = {"good_fit": "good_fit", "not_fit": "not_fit"}
_NO_POLARITY = 2.0  # a polarity_min_overlap no coverage reaches
_NEVER = 2.0  # a support_threshold no score reaches


class Row(BaseModel):
    """One labelled sentence and what the checker's decision at any grid point depends on."""

    trial_id: str
    kind: str | None  # None: untouched (a positive)
    score: float  # support score (lexical coverage of the claim by its evidence)
    cov: float  # coverage of the claim by its closest source sentence (the polarity gate)
    always_polar: bool  # the polarity check runs whatever the overlap (numbers-only sentences)
    ok_polar: bool  # no contradiction or missing fact, polarity checked
    ok_plain: bool  # no contradiction or missing fact, polarity not checked
    template: bool  # stands on its verified facts whatever the score


def supported(row: Row, threshold: float, overlap: float) -> bool:
    """The checker's verdict at (threshold, overlap), rebuilt from the three runs."""
    ok = row.ok_polar if (row.always_polar or row.cov >= overlap) else row.ok_plain
    return ok and (row.score >= threshold or row.template)


# ---------------------------------------------------------------- the labelled set


def v2_trials(data: Path) -> list[Trial]:
    path = data / "ctgov_v2_nsclc_100.json"
    if not path.is_file():
        print(f"note: {path} not found; v2 trials skipped (set --data or TRIALSUM_DATA_DIR)")
        return []
    from summarizer.loader import parse_paths

    return [t for o in parse_paths([path]) for t in o.trials]


def engine_items(trial: Trial, rng: random.Random, per_trial: int) -> list[tuple[str, Item]]:
    """(summary section, item) for the engine's cited sentences; at most ``per_trial`` of them."""
    from summarizer.engines.extractive.summary import summarize

    out = []
    for section in summarize(trial).sections:
        for st in section.statements:
            if st.citations and st.fields != ["guidance"]:
                stmt = st.model_copy(update={"check": None})
                item = Item(
                    trial_id=trial.trial_id,
                    statement=stmt,
                    role=ROLES.get(section.key),
                    origin="engine",
                )
                out.append((section.key, item))
    if per_trial and len(out) > per_trial:
        out = rng.sample(out, per_trial)
    return out


def unrelated(pairs: Sequence[tuple[str, Item]], rng: random.Random) -> list[Item]:
    """Each sentence citing a span of another section's statement, away from its own spans."""
    out = []
    for key, item in pairs:
        own = item.statement.citations
        others = [
            o
            for k, o in pairs
            if k != key
            and o.statement.citations
            and not any(
                c.start < d.end and d.start < c.end for c in own for d in o.statement.citations
            )
        ]
        if not others:
            continue
        donor = rng.choice(others)
        stmt = item.statement.model_copy(
            update={"citations": list(donor.statement.citations), "check": None}
        )
        out.append(item.model_copy(update={"statement": stmt, "kind": "unrelated"}))
    return out


def labelled(
    trials: dict[str, Trial], *, per_trial: int, seed: int = SEED
) -> tuple[list[Item], list[Item]]:
    """(positives, negatives) over ``trials``."""
    rng = random.Random(seed)
    pos: list[Item] = []
    neg: list[Item] = []
    for trial in trials.values():
        pairs = engine_items(trial, rng, per_trial)
        pos += [i for _, i in pairs]
        neg += unrelated(pairs, rng)
    neg += planted(pos, trials, seed=seed)
    return pos, neg


def split(*groups: Sequence[str], seed: int = SEED) -> tuple[set[str], set[str]]:
    """Train and test trial ids: half of each group (samples, v2 trials) each way, seeded."""
    rng = random.Random(seed)
    train: set[str] = set()
    test: set[str] = set()
    for group in groups:
        ids = sorted(group)
        rng.shuffle(ids)
        cut = (len(ids) + 1) // 2
        train |= set(ids[:cut])
        test |= set(ids[cut:])
    return train, test


# ---------------------------------------------------------------- running the checker


@contextmanager
def using(cal: Calibration) -> Iterator[None]:
    with mock.patch.object(core, "calibration", lambda: cal):
        yield


def features(items: Sequence[Item], trials: dict[str, Trial], base: Calibration) -> list[Row]:
    """Three checker runs per item, read into the parts of the decision."""
    seen: list[tuple[float, bool]] = []
    real = core._polarity_unit

    def spy(claim, best, min_overlap, n_numbers):  # type: ignore[no-untyped-def]
        cov = best[0][0] if best else 0.0
        seen.append((cov, real(claim, best, _NO_POLARITY, n_numbers) is not None))
        return real(claim, best, min_overlap, n_numbers)

    def check(item: Item) -> object:
        trial = trials[item.trial_id]
        return core.check_statement(item.statement, trial, role=item.role)  # type: ignore[arg-type]

    open_gate = base.model_copy(update={"support_threshold": 0.0, "polarity_min_overlap": 0.0})
    no_polar = open_gate.model_copy(update={"polarity_min_overlap": _NO_POLARITY})
    never = no_polar.model_copy(update={"support_threshold": _NEVER})
    rows = []
    for item in items:
        seen.clear()
        with using(open_gate), mock.patch.object(core, "_polarity_unit", spy):
            a = check(item)
        with using(no_polar):
            c = check(item)
        with using(never):
            b = check(item)
        cov, always = seen[0] if seen else (0.0, False)
        rows.append(
            Row(
                trial_id=item.trial_id,
                kind=item.kind,
                score=a.score,  # type: ignore[attr-defined]
                cov=cov,
                always_polar=always,
                ok_polar=a.verdict == "supported",  # type: ignore[attr-defined]
                ok_plain=c.verdict == "supported",  # type: ignore[attr-defined]
                template=b.verdict == "supported",  # type: ignore[attr-defined]
            )
        )
    return rows


# ---------------------------------------------------------------- fitting


def rates(flags: Sequence[tuple[str | None, bool]]) -> dict[str, float]:
    """From (kind, flagged) pairs: false-alarm rate, detection per kind, their balanced accuracy."""
    clean = [f for k, f in flags if k is None]
    out: dict[str, float] = {
        "n_clean": len(clean),
        "false_alarm": round(sum(clean) / len(clean), 4) if clean else 0.0,
    }
    dets = []
    for kind in NEG_KINDS:
        group = [f for k, f in flags if k == kind]
        if group:
            out[f"detect_{kind}"] = round(sum(group) / len(group), 4)
            out[f"n_{kind}"] = len(group)
            dets.append(sum(group) / len(group))
    out["detect_mean"] = round(sum(dets) / len(dets), 4) if dets else 0.0
    out["balanced_accuracy"] = round((1 - out["false_alarm"] + out["detect_mean"]) / 2, 4)
    return out


def evaluate(rows: Sequence[Row], threshold: float, overlap: float) -> dict[str, float]:
    return rates([(r.kind, not supported(r, threshold, overlap)) for r in rows])


def fit(
    rows: Sequence[Row],
    *,
    thresholds: Sequence[float] = THRESHOLDS,
    overlaps: Sequence[float] = OVERLAPS,
    ceiling: float = FA_CEILING,
    tolerance: float = TOLERANCE,
) -> tuple[float, float, dict[str, float]]:
    """(support_threshold, polarity_min_overlap, train rates).

    Among the grid points with false alarms <= ``ceiling``, the plateau is every point within
    ``tolerance`` of the best balanced accuracy; the pick is the plateau point nearest its middle
    (the median of its thresholds and of its overlaps), away from the edges where a small shift
    in the data tips the verdicts (as evals/calibrate.py picks the abstain floor). With no point
    under the ceiling, the one with the fewest false alarms."""
    grid = [(t, m, evaluate(rows, t, m)) for t in thresholds for m in overlaps]
    ok = [g for g in grid if g[2]["false_alarm"] <= ceiling]
    if not ok:
        return min(grid, key=lambda g: (g[2]["false_alarm"], -g[2]["balanced_accuracy"]))
    top = max(g[2]["balanced_accuracy"] for g in ok)
    plateau = [g for g in ok if g[2]["balanced_accuracy"] >= top - tolerance - 1e-9]
    mid_t = statistics.median_low(sorted({g[0] for g in plateau}))
    mid_m = statistics.median_low(sorted({g[1] for g in plateau}))
    return min(
        plateau, key=lambda g: (abs(g[0] - mid_t) + abs(g[1] - mid_m), -g[2]["balanced_accuracy"])
    )


def direct(items: Sequence[Item], trials: dict[str, Trial], cal: Calibration) -> dict[str, float]:
    """Rates from plain checker runs under ``cal`` (no rebuilding)."""
    flags = []
    with using(cal):
        for it in items:
            check = core.check_statement(it.statement, trials[it.trial_id], role=it.role)  # type: ignore[arg-type]
            flags.append((it.kind, check.verdict != "supported"))
    return rates(flags)


def nli4ct_dev(path: Path, cals: dict[str, Calibration]) -> dict[str, float] | str:
    """NLI4CT 2023 dev macro-F1 (uncited) per calibration, verdicts taken as the checker gives
    them; a note when the data is absent."""
    if not path.is_file():
        return f"skipped: {path} not found"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import checker_nli4ct as nli

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        _, dev, ct_dir = nli.load(path, Path(tmp))
        for name, cal in cals.items():
            with using(cal):
                rows = nli.run(dev, ct_dir, oracle=False)
            out[name] = nli.prf(rows, 0.0)["macro_f1"]["f1"]
    return out


# ---------------------------------------------------------------- main


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def _table(results: dict[str, dict[str, float]], out: Callable[[str], None] = print) -> None:
    cols = ["false_alarm", *[f"detect_{k}" for k in NEG_KINDS], "balanced_accuracy"]
    out(f"{'':22}" + "".join(f"{c.replace('detect_', ''):>12}" for c in cols))
    for label, r in results.items():
        out(f"{label:22}" + "".join(f"{r.get(c, float('nan')):>12.4f}" for c in cols))


def _brief(r: dict[str, float]) -> dict[str, float]:
    return {k: r[k] for k in ("false_alarm", "detect_mean", "balanced_accuracy")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Settings().data_dir)
    ap.add_argument("--per-trial", type=int, default=0, help="engine sentences per trial (0: all)")
    ap.add_argument("--max-v2", type=int, default=0, help="use the first N v2 trials (0: all)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "--uncited", type=int, default=400, help="held-out sentences also checked uncited"
    )
    ap.add_argument("--write", action="store_true", help="write the shipped calibration.json")
    ap.add_argument("--json", type=Path, help="also write the full results here")
    args = ap.parse_args()

    t0 = time.perf_counter()
    load_before = [round(x, 2) for x in os.getloadavg()]
    default = Calibration()
    current = calibration()
    trials = {t.trial_id: t for t in seed_trials()}
    samples = list(trials)
    n_samples = len(samples)
    v2 = v2_trials(args.data)[: args.max_v2 or None]
    trials.update({t.trial_id: t for t in v2})
    train_ids, test_ids = split(samples, [t.trial_id for t in v2], seed=args.seed)
    pos, neg = labelled(trials, per_trial=args.per_trial, seed=args.seed)
    items = pos + neg
    train = [i for i in items if i.trial_id in train_ids]
    test = [i for i in items if i.trial_id in test_ids]
    print(
        f"{len(trials)} trials ({n_samples} samples), {len(train_ids)} train / {len(test_ids)} "
        f"test; {len(pos)} positives, {len(neg)} negatives; "
        f"built in {time.perf_counter() - t0:.0f} s"
    )

    t1 = time.perf_counter()
    rows = features(train, trials, default)
    print(f"train features: {len(rows)} items in {time.perf_counter() - t1:.0f} s")
    threshold, overlap, train_fit = fit(rows)
    fitted = default.model_copy(
        update={"support_threshold": threshold, "polarity_min_overlap": overlap}
    )
    print(f"fitted support_threshold {threshold}, polarity_min_overlap {overlap}")

    t2 = time.perf_counter()
    results = {
        "train, defaults": direct(train, trials, default),
        "train, fitted": direct(train, trials, fitted),
        "held-out, defaults": direct(test, trials, default),
        "held-out, fitted": direct(test, trials, fitted),
    }
    print(f"direct runs in {time.perf_counter() - t2:.0f} s")
    # The rebuilt train figure must equal the direct one, or the rebuild is wrong.
    rebuilt = train_fit
    if rebuilt != results["train, fitted"]:
        print("WARNING: rebuilt train rates differ from the direct run:", rebuilt)
    _table(results)
    sweep = {f"{t:.2f}": _brief(evaluate(rows, t, overlap)) for t in THRESHOLDS}
    sweep_overlap = {f"{m:.1f}": _brief(evaluate(rows, threshold, m)) for m in OVERLAPS}
    # Uncited mode (the whole trial is the evidence) is not what the set is built for; a sample
    # of held-out sentences and their polarity plants, citations dropped, shows it is not broken.
    rng = random.Random(args.seed)
    held_pos = [i for i in test if i.kind is None]
    bare = [
        i.model_copy(update={"statement": i.statement.model_copy(update={"citations": []})})
        for i in rng.sample(held_pos, min(args.uncited, len(held_pos)))
    ]
    bare += planted(bare, trials, seed=args.seed, kinds=("swap", "not"))
    t3 = time.perf_counter()
    uncited = {"defaults": direct(bare, trials, default), "fitted": direct(bare, trials, fitted)}
    print(f"uncited held-out sample ({len(bare)} items, {time.perf_counter() - t3:.0f} s):")
    _table({f"uncited, {k}": v for k, v in uncited.items()})
    nli = nli4ct_dev(
        args.data / "nli4ct_2023_train_dev.tar.gz", {"defaults": default, "fitted": fitted}
    )
    print("NLI4CT dev macro-F1 (uncited):", nli)
    load_after = [round(x, 2) for x in os.getloadavg()]
    summary = {
        "commit": commit(),
        "load_before": load_before,
        "load_after": load_after,
        "seconds": round(time.perf_counter() - t0, 1),
        "n_trials": len(trials),
        "n_train_trials": len(train_ids),
        "n_test_trials": len(test_ids),
        "n_positives": len(pos),
        "n_negatives": len(neg),
        "fitted": {"support_threshold": threshold, "polarity_min_overlap": overlap},
        "previous_calibration": current.model_dump(),
        "rates": results,
        "train_by_threshold": sweep,
        "train_by_polarity_min_overlap": sweep_overlap,
        "heldout_uncited_sample": uncited,
        "nli4ct_dev_macro_f1": nli,
    }
    print(f"commit {summary['commit']}  load {load_before} -> {load_after}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if args.write:
        held = results["held-out, fitted"]
        held_default = results["held-out, defaults"]
        fitted_figures = {
            "heldout_false_alarm": held["false_alarm"],
            "heldout_detect_mean": held["detect_mean"],
            "heldout_balanced_accuracy": held["balanced_accuracy"],
            **{f"heldout_detect_{k}": held[f"detect_{k}"] for k in NEG_KINDS},
            "heldout_n_clean": held["n_clean"],
            "heldout_false_alarm_at_defaults": held_default["false_alarm"],
            "heldout_balanced_accuracy_at_defaults": held_default["balanced_accuracy"],
            "train_false_alarm": results["train, fitted"]["false_alarm"],
            "train_balanced_accuracy": results["train, fitted"]["balanced_accuracy"],
        }
        if isinstance(nli, dict):
            fitted_figures["nli4ct_dev_macro_f1"] = nli["fitted"]
            fitted_figures["nli4ct_dev_macro_f1_at_defaults"] = nli["defaults"]
        per_trial = f"up to {args.per_trial}" if args.per_trial else "all cited sentences"
        same = (threshold, overlap) == (default.support_threshold, default.polarity_min_overlap)
        save_calibration(
            Calibration(
                support_threshold=threshold,
                polarity_min_overlap=overlap,
                embedding_weight=0.0,
                source=(
                    "benchmarks/checker_calibrate.py at "
                    f"{summary['commit']} (seed {args.seed}): extractive engine summary "
                    f"sentences with their citations over {n_samples} sample trials (samples/) "
                    f"and {len(trials) - n_samples} API v2 trials (ctgov_v2_nsclc_100.json), "
                    f"{per_trial} per trial, as supported ({len(pos)}); planted-error "
                    f"copies ({', '.join(KINDS)}) and the sentence citing an unrelated span of "
                    f"the same trial as not supported ({len(neg)}). Split by trial: "
                    f"{len(train_ids)} train / {len(test_ids)} held-out. Grid over "
                    "support_threshold and polarity_min_overlap maximizing balanced accuracy "
                    "(mean of 1 - false alarms and per-kind detection) with train false alarms "
                    f"<= {FA_CEILING:.0%}, middle of the plateau within {TOLERANCE} of the best. "
                    "embedding_weight not fitted (no embedder registered "
                    "in the app). `fitted` holds held-out figures"
                    + ("; the fit equals the defaults." if same else ".")
                ),
                fitted=fitted_figures,
            )
        )
        print("wrote summarizer/checker/calibration.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
