"""Parse throughput on the 6,786 legacy XML records, against a bare xml.etree baseline.

Both runs read the same member texts from memory (the archive is decompressed once, up front), so
the ratio is the cost of building Trials (rendering, criteria, spans) over parsing the XML alone.

Usage: .venv/bin/python benchmarks/parse_throughput.py [--data DIR] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from summarizer.parsers.ctgov_xml import PARSER

DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", Path(__file__).parents[2] / "shared/data"))


CPU: dict[str, float] = {}


def read_members(archive: Path, limit: int | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    with tarfile.open(archive, mode="r|gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            stream = tar.extractfile(member)
            if stream is not None:
                out.append((member.name, stream.read().decode("utf-8")))
            if limit and len(out) >= limit:
                break
    return out


def timed(label: str, docs: list[tuple[str, str]], run, quiet: bool = False) -> float:  # type: ignore[no-untyped-def]
    start, cpu = time.perf_counter(), time.process_time()
    for name, text in docs:
        run(name, text)
    seconds = time.perf_counter() - start
    CPU[label] = time.process_time() - cpu
    megabytes = sum(len(text.encode()) for _, text in docs) / 1e6
    if not quiet:
        print(
            f"{label:<34} {len(docs) / seconds:8.1f} docs/s {megabytes / seconds:7.2f} MB/s "
            f"({seconds:.2f} s wall, {CPU[label]:.2f} s CPU: "
            f"{len(docs) / CPU[label]:.1f} docs/CPU-s)"
        )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    archive = args.data / "ctgov_xml_6786.tar.gz"
    if not archive.is_file():
        print(f"skipped: {archive} not found (set --data or TRIALSUM_DATA_DIR)")
        return
    rev = subprocess.run(
        ["git", "-C", str(Path(__file__).parents[1]), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    load_before = [round(x, 2) for x in os.getloadavg()]
    docs = read_members(archive, args.limit)
    if not args.json:
        print(f"commit {rev}  load {load_before}")
        print(f"{len(docs)} XML records, {sum(len(t) for _, t in docs) / 1e6:.1f} M characters")
    q = args.json
    baseline = timed("baseline: xml.etree.fromstring", docs, lambda n, t: ET.fromstring(t), q)
    trials = timed("trialsum ctgov_xml -> Trial", docs, PARSER.parse, q)
    if args.json:
        print(json.dumps({
            "commit": rev,
            "records": len(docs),
            "load_before": load_before,
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "baseline_s": round(baseline, 2),
            "baseline_docs_per_s": round(len(docs) / baseline, 1),
            "trialsum_s": round(trials, 2),
            "trialsum_docs_per_s": round(len(docs) / trials, 1),
            "ratio": round(trials / baseline, 2),
            "cpu_s": {k: round(v, 2) for k, v in CPU.items()},
        }, indent=2))  # fmt: skip
        return
    print(f"ratio (Trial parse time / baseline time): {trials / baseline:.1f}x")
    print(f"load after {[round(x, 2) for x in os.getloadavg()]}")


if __name__ == "__main__":
    main()
