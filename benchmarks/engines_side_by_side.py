"""Engines side by side on the eval suite: extractive (the baseline, same run) and assisted (and
llm), on the local 0.5B model (``--model 1.5b`` for the larger one) unless OPENAI_BASE_URL
points elsewhere.

Runs ``trialsum eval``'s runner (``evals.runner.run_eval``) once per engine on the same cases and
prints correctness, faithfulness, unsupported facts, reading grade per summary section, latency
p50/p95, time to first token (first text piece of ``stream_ask``) and to the streamed final
answer (for ``assisted``: the checked extract streams at once, the checked rewrite replaces it),
with each figure's ratio to the extractive engine's. The full suite is slow on a 0.5B model on a
shared CPU, so by default a fixed, named subset runs: every summary case plus the first N
answer cases of ``evals/cases/questions.jsonl`` in file order (``--answers N``; ``--all`` for
every case).

    .venv/bin/python benchmarks/engines_side_by_side.py --home /tmp/trialsum_m_home
    .venv/bin/python benchmarks/engines_side_by_side.py --engines extractive,assisted,llm --all

Not run in CI. Prints the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.dataset import CASES_DIR, Dataset, default_case_files  # noqa: E402
from evals.runner import Report, run_eval  # noqa: E402
from summarizer.config import Settings  # noqa: E402


def first_lines(name: str, n: int | None, folder: Path) -> tuple[Path, int]:
    """The first ``n`` cases of ``evals/cases/<name>`` (all when None) as a file."""
    lines = (CASES_DIR / name).read_text(encoding="utf-8").splitlines()
    picked = [line for line in lines if line.strip()][:n]
    path = folder / name
    path.write_text("\n".join(picked) + "\n", encoding="utf-8")
    return path, len(picked)


def subset_files(n_answers: int, n_summaries: int | None, folder: Path) -> tuple[list[Path], str]:
    """The first summary cases (all by default) plus the first ``n_answers`` cases of
    questions.jsonl, in file order, as files."""
    summaries, n_sum = first_lines("summaries.jsonl", n_summaries, folder)
    answers, n_ans = first_lines("questions.jsonl", n_answers, folder)
    which = "all" if n_summaries is None else f"first {n_sum}"
    name = f"summaries.jsonl ({which}, {n_sum}) + first {n_ans} of questions.jsonl"
    return [summaries, answers], name


def streams(engine: str, settings: Settings) -> bool:
    """Whether the engine shows text while it writes; otherwise the Assistant shows the verified
    answer's text only when it is done, and the first token comes at the answer's latency."""
    from summarizer.engines.base import StreamingGenerator
    from summarizer.engines.factory import make_engine

    generator = make_engine(engine, store=None, retriever=None, settings=settings)
    return isinstance(generator, StreamingGenerator)


def first_token_seconds(
    engine: str, settings: Settings, questions: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    """Per question, seconds to the first text piece of ``stream_ask`` (what a reader waits to
    see anything: for ``assisted``, the checked extract) and to the final ``Answer`` (for
    ``assisted``, the checked rewrite that replaces it)."""
    from summarizer.assistant import build_assistant
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    with tempfile.TemporaryDirectory(prefix="trialsum-ttft-") as tmp:
        run_settings = settings.model_copy(update={"home": Path(tmp), "chroma_url": None})
        ingest_paths([run_settings.samples_dir], Runtime(run_settings))
        assistant = build_assistant(run_settings, engine=engine)
        assistant.warm()
        by_ref = {Path(t.source_path or "").name[:3]: t.trial_id for t in assistant.trials()}
        first: list[float] = []
        final: list[float] = []
        for question, ref in questions:
            trial_id = by_ref.get(ref.removeprefix("seed:"))
            if trial_id is None:
                continue
            started = time.perf_counter()
            seen: float | None = None
            for piece in assistant.stream_ask(question, trial_ids=[trial_id]):
                if seen is None and isinstance(piece, str) and piece.strip():
                    seen = time.perf_counter() - started
            done = time.perf_counter() - started
            first.append(done if seen is None else seen)
            final.append(done)
        return first, final


def section_grades(report: Report) -> dict[str, float | None]:
    return dict(report.metrics.get("reading_grade") or {})


def summary_rows(report: Report) -> list[dict[str, Any]]:
    return [c for c in report.cases if c["task"] == "summary" and c["status"] != "skipped"]


def sections_over(report: Report, limit: float) -> int:
    """Summary sections (over every summary case) whose grade is above ``limit``."""
    count = 0
    for row in summary_rows(report):
        for key, value in row["scores"].items():
            if key.startswith("grade:") and value is not None and value > limit:
                count += 1
    return count


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def latencies(report: Report, task: str) -> list[float]:
    return [
        c["scores"]["latency_s"]
        for c in report.cases
        if c["task"] == task and "latency_s" in c["scores"] and c["status"] != "skipped"
    ]


def figures(report: Report, ttft: list[float], final: list[float]) -> dict[str, Any]:
    m = report.metrics
    answers = latencies(report, "answer")
    summaries = latencies(report, "summary")
    return {
        "cases": m["cases"],
        "errors": m["errors"],
        "pass_rate": m["pass_rate"],
        "answer_correctness": m["answer_correctness"],
        "faithfulness": m["faithfulness"],
        "unsupported_facts": m["unsupported_facts"],
        "polarity_errors": m["polarity_errors"],
        "summary_coverage": m["summary_coverage"],
        "reading_grade_max_mean": m["reading_grade_max_mean"],
        "summary_sections_over_8": sections_over(report, 8.0),
        "reading_grade": section_grades(report),
        "answer_latency_p50_s": pct(answers, 0.5),
        "answer_latency_p95_s": pct(answers, 0.95),
        "summary_latency_p50_s": pct(summaries, 0.5),
        "summary_latency_p95_s": pct(summaries, 0.95),
        "first_token_p50_s": pct(ttft, 0.5),
        "first_token_p95_s": pct(ttft, 0.95),
        "first_token_max_s": max(ttft) if ttft else None,
        "streamed_final_p50_s": pct(final, 0.5),
        "streamed_final_p95_s": pct(final, 0.95),
        "streamed_final_max_s": max(final) if final else None,
        "seconds": report.seconds,
    }


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def table(results: dict[str, dict[str, Any]]) -> str:
    engines = list(results)
    base = results.get("extractive", {})
    keys = [k for k in next(iter(results.values())) if k != "reading_grade"]
    lines = ["| metric | " + " | ".join(engines) + " |", "|---" * (len(engines) + 1) + "|"]
    for key in keys:
        cells = []
        for engine in engines:
            value = results[engine].get(key)
            cell = fmt(value)
            ref = base.get(key)
            if engine != "extractive" and key.endswith("_s") and value and ref:
                cell += f" ({value / ref:.0f}x)" if value / ref >= 10 else f" ({value / ref:.1f}x)"
            cells.append(cell)
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    sections = sorted({k for r in results.values() for k in r["reading_grade"]})
    for section in sections:
        cells = [fmt(results[e]["reading_grade"].get(section)) for e in engines]
        lines.append(f"| grade: {section} (mean) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="extractive,assisted")
    parser.add_argument("--answers", type=int, default=20, help="answer cases in the subset")
    parser.add_argument("--summaries", type=int, help="summary cases in the subset (default all)")
    parser.add_argument("--all", action="store_true", help="every eval case (slow on 0.5B)")
    parser.add_argument(
        "--ttft", type=int, default=20, help="answer questions timed to first token and to the end"
    )
    parser.add_argument("--home", type=Path, help="trialsum home holding models/ (llm pull)")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads")
    parser.add_argument("--model", default=None, help="local model key: 0.5b (default) or 1.5b")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="trialsum-bench-") as tmp:
        if any(e != "extractive" for e in engines) and not os.environ.get("OPENAI_BASE_URL"):
            from summarizer.local_llm.models import DEFAULT_MODEL, get_model
            from summarizer.local_llm.serve import LocalServer, ServeOptions, client_environment

            spec = get_model(args.model or DEFAULT_MODEL)
            home = args.home or Settings().home
            server = stack.enter_context(
                LocalServer(spec, home, ServeOptions(verify=False, threads=args.threads))
            )
            env = client_environment(server)
            env.pop("TRIALSUM_ENGINE", None)
            os.environ.update(env)
            print(
                f"local model {spec.title} at {server.base_url} "
                f"(loaded in {server.load_seconds or 0:.1f} s)"
            )
        if args.all:
            files, name = default_case_files(), "every eval case"
        else:
            files, name = subset_files(args.answers, args.summaries, Path(tmp))
        cases = Dataset.from_jsonl(files).cases
        ttft_questions = [
            (c.question or "", c.trial or "") for c in cases if c.task == "answer" and c.trial
        ][: args.ttft]
        print(
            f"cases: {name} ({len(cases)}); first token of streaming engines timed on "
            f"{len(ttft_questions)} questions (others: the answer latency)"
        )
        settings = Settings()
        results: dict[str, dict[str, Any]] = {}
        for engine in engines:
            started = time.perf_counter()
            report = run_eval(
                engine=engine,
                case_files=files,
                settings=settings,
                baseline=None,
                progress=lambda i, n, cid, e=engine: print(f"  {e} {i}/{n} {cid}", file=sys.stderr),
            )
            if streams(engine, settings):
                ttft, final = first_token_seconds(engine, settings, ttft_questions)
            else:
                ttft = final = latencies(report, "answer")[: len(ttft_questions)]
            results[engine] = figures(report, ttft, final)
            print(f"{engine}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    load_after = os.getloadavg()
    print()
    print(table(results))
    print()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"subset": name, "load": [load_before, load_after], "results": results}, indent=2
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
