"""Parse throughput on the 6,786 legacy XML records, against a bare xml.etree baseline.

Both runs read the same member texts from memory (the archive is decompressed once, up front), so
the ratio is the cost of building Trials (rendering, criteria, spans) over parsing the XML alone.

Usage: .venv/bin/python benchmarks/parse_throughput.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from summarizer.parsers.ctgov_xml import PARSER

DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", Path(__file__).parents[2] / "shared/data"))


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


def timed(label: str, docs: list[tuple[str, str]], run) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for name, text in docs:
        run(name, text)
    seconds = time.perf_counter() - start
    megabytes = sum(len(text.encode()) for _, text in docs) / 1e6
    print(
        f"{label:<34} {len(docs) / seconds:8.1f} docs/s {megabytes / seconds:7.2f} MB/s "
        f"({seconds:.2f} s)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    docs = read_members(args.data / "ctgov_xml_6786.tar.gz", args.limit)
    print(f"{len(docs)} XML records, {sum(len(t) for _, t in docs) / 1e6:.1f} M characters")
    baseline = timed("baseline: xml.etree.fromstring", docs, lambda n, t: ET.fromstring(t))
    trials = timed("trialsum ctgov_xml -> Trial", docs, PARSER.parse)
    print(f"ratio (Trial parse time / baseline time): {trials / baseline:.1f}x")


if __name__ == "__main__":
    main()
