"""The local model end to end: pull, server start, first-token latency and tokens/s.

Figures through trialsum's own code: ``pull`` (assemble + verify) against a plain copy of the
same chunk files (baseline, same run); ``LocalServer.start`` (load + /health); then a short prompt
streamed through ``LLMClient`` (first piece, pieces per second after it) with 1 thread and with
2 (ratio 2 threads / 1 thread). The machine's load average is printed beside the figures: on a
shared machine they move with it.

    .venv/bin/python benchmarks/local_llm.py [--model 0.5b] [--runs 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.config import Settings  # noqa: E402
from summarizer.llm_client import LLMClient, build_chat_model  # noqa: E402
from summarizer.local_llm.models import get_model  # noqa: E402
from summarizer.local_llm.pull import part_paths, pull  # noqa: E402
from summarizer.local_llm.serve import LocalServer, ServeOptions, client_environment  # noqa: E402

PROMPT = "In two sentences, what is a placebo in a clinical trial?"


def stream_once(client: LLMClient, run: int) -> tuple[float, int, float]:
    """Seconds to the first piece, pieces, seconds in all (the run number opens the prompt, so
    llama.cpp's prompt cache cannot skip the prefill of a repeated prompt)."""
    from langchain_core.messages import HumanMessage

    started = time.monotonic()
    first = 0.0
    pieces = 0
    for _ in client.stream([HumanMessage(content=f"Question {run + 1}. {PROMPT}")]):
        if pieces == 0:
            first = time.monotonic() - started
        pieces += 1
    return first, pieces, time.monotonic() - started


def serve_and_measure(spec_key: str, home: Path, threads: int, runs: int) -> dict[str, float]:
    spec = get_model(spec_key)
    server = LocalServer(spec, home, ServeOptions(threads=threads, verify=False))
    started = time.monotonic()
    server.start()
    start_s = time.monotonic() - started
    try:
        os.environ.update(client_environment(server))
        settings = Settings()
        rows = []
        for run in range(runs):
            client = LLMClient(settings, chat=build_chat_model(settings, max_tokens=64))
            rows.append(stream_once(client, run))
    finally:
        server.stop()
    firsts = [r[0] for r in rows]
    rates = [(n - 1) / (total - first) for first, n, total in rows if n > 1 and total > first]
    return {
        "start_s": round(start_s, 2),
        "first_piece_s_median": round(statistics.median(firsts), 2),
        "first_piece_s_cold": round(firsts[0], 2),
        "pieces_per_s_median": round(statistics.median(rates), 2) if rates else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="0.5b")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    spec = get_model(args.model)
    with tempfile.TemporaryDirectory(prefix="trialsum-bench-") as scratch:
        home = Path(scratch)
        paths = part_paths(spec)
        started = time.monotonic()
        with (home / "copy.bin").open("wb") as out:
            for path in paths:
                with path.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 4 * 1024 * 1024)
        copy_s = time.monotonic() - started
        (home / "copy.bin").unlink()
        pulled = pull(spec, home, force=True)
        reused = pull(spec, home)
        one = serve_and_measure(args.model, home, 1, args.runs)
        two = serve_and_measure(args.model, home, 2, args.runs)
    figures = {
        "model": spec.title,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "pull_s": round(pulled.seconds, 2),
        "copy_baseline_s": round(copy_s, 2),
        "pull_over_copy": round(pulled.seconds / copy_s, 2) if copy_s else None,
        "verify_existing_s": round(reused.seconds, 2),
        "threads_1": one,
        "threads_2": two,
        "pieces_per_s_2_over_1": (
            round(two["pieces_per_s_median"] / one["pieces_per_s_median"], 2)
            if one["pieces_per_s_median"]
            else None
        ),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
