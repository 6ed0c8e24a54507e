"""Many tiny documents in one archive: ingest's parse stage costs what ``trialsum parse`` costs.

A small real CT.gov XML record (the first of 3-6 kB in ``ctgov_xml_6786.tar.gz``) is copied
``--files`` times (default 10,000) with distinct NCT ids into one ``.tar.gz`` in a temporary
folder. The same archive is then read twice in this run: parse only (``parse_paths``, what
``trialsum parse`` does) and a full ingest into a fresh local store, whose report charges the
time spent producing each document to its parse stage. The ratio ingest-parse / parse-only
should stay near 1: anything above it is per-file overhead that ingest adds to reading.

    .venv/bin/python benchmarks/many_small_files.py [--files 10000] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.assistant import Assistant  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.loader import parse_paths  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

_NCT = re.compile(r"NCT\d{8}")


def small_record(data_dir: Path) -> str:
    with tarfile.open(data_dir / "ctgov_xml_6786.tar.gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml") and 3_000 <= member.size <= 6_000:
                stream = tar.extractfile(member)
                assert stream is not None
                return stream.read().decode("utf-8")
    raise SystemExit("no record of 3-6 kB in the archive")


def build_archive(text: str, count: int, path: Path) -> int:
    """``count`` copies of ``text``, each with its own NCT id, as one .tar.gz; its size."""
    with tarfile.open(path, "w:gz") as tar:
        for i in range(count):
            nct = f"NCT9{i:07d}"
            data = _NCT.sub(nct, text).encode("utf-8")
            info = tarfile.TarInfo(f"ctgov_xml/{nct}.xml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path.stat().st_size


def parse_only(archive: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds to read and parse every member, and the trials found."""
    t0, c0 = time.perf_counter(), time.process_time()
    trials = sum(len(outcome.trials) for outcome in parse_paths([archive]))
    return time.perf_counter() - t0, time.process_time() - c0, trials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
    text = small_record(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "many.tar.gz"
        archive_bytes = build_archive(text, args.files, archive)
        parse_s, parse_cpu, trials = parse_only(archive)
        assistant = Assistant(Runtime(Settings(home=Path(tmp) / "store")), "extractive")
        c0 = time.process_time()
        report = assistant.ingest([archive])
        ingest_cpu = time.process_time() - c0
    if not report.ok or report.trials_new != trials:
        raise SystemExit(f"ingest wrote {report.trials_new} of {trials} trials")
    t = report.timings
    result = {
        "files": args.files,
        "record_bytes": len(text.encode("utf-8")),
        "archive_bytes": archive_bytes,
        "parse_only_s": parse_s,
        "parse_only_cpu_s": parse_cpu,
        "ingest_parse_s": t.parse,
        "ratio": t.parse / parse_s,
        "ingest": {
            "total_s": t.total,
            "cpu_s": ingest_cpu,
            "chunk_s": t.chunk,
            "embed_s": t.embed,
            "store_s": t.store,
            "chunks": report.chunks,
        },
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{args.files:,} files of {result['record_bytes'] / 1e3:.1f} kB in one "
        f"{archive_bytes / 1e6:.1f} MB .tar.gz"
    )
    print(f"parse only          {parse_s:8.1f} s  ({parse_cpu:.1f} s CPU)")
    print(f"ingest parse stage  {t.parse:8.1f} s  ratio {result['ratio']:.2f}x")
    print(
        f"ingest total        {t.total:8.1f} s  ({ingest_cpu:.1f} s CPU; chunk {t.chunk:.1f} s, "
        f"embed {t.embed:.1f} s, store {t.store:.1f} s; {report.chunks:,} chunks)"
    )


if __name__ == "__main__":
    main()
