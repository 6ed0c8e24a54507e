"""One record with very many sites: parse, chunk, ingest, ask and summarize stay linear and capped.

A real CT.gov XML record (the first of 6-12 kB in ``ctgov_xml_6786.tar.gz``) gets ``--sites``
site lists added (default 1,000, 10,000 and 100,000; the last about 20 MB, under the file size
limit). Each stage is timed for each, in the same run, into a fresh local store, and printed with
its ratio against the first (smallest) record next to the ratio of their sizes. Per-trial work is
linear when the time ratio stays near the size ratio (parse, chunk, ingest) and capped when it
stays near 1 (ask "Where is it?" and summarize name and cite the first few sites plus the count;
what is left of them is reading the stored record once, linear).

    .venv/bin/python benchmarks/one_big_record.py [--sites 1000,10000,100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.assistant import Assistant  # noqa: E402
from summarizer.chunking import chunk_trial  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.loader import parse_document  # noqa: E402
from summarizer.render import render  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

QUESTION = "Where is it?"


def base_record(data_dir: Path) -> str:
    with tarfile.open(data_dir / "ctgov_xml_6786.tar.gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml") and 6_000 <= member.size <= 12_000:
                stream = tar.extractfile(member)
                assert stream is not None
                return stream.read().decode("utf-8")
    raise SystemExit("no record of 6-12 kB in the archive")


def with_sites(text: str, count: int) -> str:
    """``text`` with ``count`` more <location> elements, varied like a real site list."""
    sites = "".join(
        f"<location><facility><name>Site {i} Hospital</name><address><city>City {i % 977}"
        f"</city><state>State {i % 50}</state><zip>{10000 + i}</zip><country>Country {i % 30}"
        "</country></address></facility><status>Recruiting</status></location>"
        for i in range(count)
    )
    return text.replace("</clinical_study>", sites + "</clinical_study>")


CPU: dict[str, float] = {}  # CPU seconds of the last run of each stage (all threads)


def timed(fn: Callable[[], Any], stage: str = "") -> tuple[float, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    CPU[stage] = time.process_time() - c0
    return time.perf_counter() - t0, result


def stages(name: str, text: str, home: Path) -> dict[str, float]:
    """Wall seconds per stage for one record, in a fresh store under ``home``; CPU seconds
    under ``cpu_<stage>`` (on a busy machine wall time mostly measures the neighbours)."""
    data = text.encode("utf-8")
    out: dict[str, float] = {"bytes": float(len(data))}
    out.update(_stages(name, data, home))
    out.update({f"cpu_{stage}": seconds for stage, seconds in CPU.items() if stage})
    return out


def _stages(name: str, data: bytes, home: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    out["parse"], outcome = timed(lambda: parse_document(name, data), "parse")
    if outcome.error:
        raise SystemExit(f"{name}: {outcome.error}")
    (trial,) = outcome.trials
    out["chunk"], chunks = timed(lambda: chunk_trial(trial), "chunk")
    out["chunks"] = float(len(chunks))
    home.mkdir(parents=True)
    path = home / name
    path.write_bytes(data)
    assistant = Assistant(Runtime(Settings(home=home)), "extractive")
    out["ingest"], report = timed(lambda: assistant.ingest([path]), "ingest")
    if not report.ok:
        raise SystemExit(f"{name}: {[f.line() for f in report.trials_failed]}")
    out["ask"], answer = timed(lambda: assistant.ask(QUESTION, trial_ids=[trial.trial_id]), "ask")
    out["answer_citations"] = float(len(answer.citations))
    out["summarize"], summary = timed(
        lambda: render(assistant.summarize(trial.trial_id), "md"), "summarize"
    )
    out["summary_chars"] = float(len(summary))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default="1000,10000,100000", help="comma-separated counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.sites.split(",")]
    data_dir = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
    base = base_record(data_dir)
    runs: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stages("warmup.xml", base, Path(tmp) / "warmup")  # model and checker loads, discarded
        for n in counts:
            runs[n] = stages(f"sites{n}.xml", with_sites(base, n), Path(tmp) / f"sites{n}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = runs[counts[0]]
    keys = ("parse", "chunk", "ingest", "ask", "summarize")
    result = {
        "baseline_sites": counts[0],
        "runs": {
            str(n): {
                "bytes": run["bytes"],
                "size_ratio": run["bytes"] / first["bytes"],
                "chunks": run["chunks"],
                "answer_citations": run["answer_citations"],
                "summary_chars": run["summary_chars"],
                "stages": {
                    key: {
                        "s": run[key],
                        "cpu_s": run[f"cpu_{key}"],
                        "ratio": run[key] / first[key],
                    }
                    for key in keys
                },
            }
            for n, run in runs.items()
        },
        "peak_rss_mb": peak_mb,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"ratios against the {counts[0]:,}-site record, measured in this run")
    print(f"{'sites':>8} {'MB':>6} {'size':>6} " + " ".join(f"{k:>17}" for k in keys))
    for n, run in runs.items():
        cells = " ".join(f"{run[k]:>7.2f}s {run[k] / first[k]:>6.1f}x" + " " * 2 for k in keys)
        print(f"{n:>8,} {run['bytes'] / 1e6:>6.1f} {run['bytes'] / first['bytes']:>5.0f}x {cells}")
    print(
        "answer citations "
        + ", ".join(f"{n:,}: {run['answer_citations']:.0f}" for n, run in runs.items())
        + f"; peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
