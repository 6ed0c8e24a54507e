"""Many tiny documents in one archive: ingest's parse stage costs what ``trialsum parse`` costs.

A small real CT.gov XML record (the first of 3-6 kB in ``ctgov_xml_6786.tar.gz``) is copied
``--files`` times (default 10,000) with distinct NCT ids into one ``.tar.gz`` in a temporary
folder. The same archive is then read twice in this run: parse only (``parse_paths``, what
``trialsum parse`` does) and a full ingest into a fresh local store, whose report charges the
time spent producing each document to its parse stage. The ratio ingest-parse / parse-only
should stay near 1: anything above it is per-file overhead that ingest adds to reading.

``--through parse`` runs the same ``ingest_paths`` on the same open store with the embedder
loaded, but with the embedder's calls and the store's writes replaced by stand-ins that return
at once: every file is read, parsed and checked by ingest's own loop under the heap a real
ingest has, without the embed and store stages, which take an hour at 10,000 files on a loaded
machine. The seconds the cycle collector spent inside each run are printed too: it was the
whole of ingest's extra at 2,000 files (docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/many_small_files.py [--files 10000] [--through parse] [--json]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.config import Settings  # noqa: E402
from summarizer.ingest import IngestReport, ingest_paths  # noqa: E402
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


class StageMeter:
    """Seconds spent producing each parse outcome: wall, CPU of this thread (what the load of
    other processes does not inflate) and the cycle collector's share, by quarter of the files."""

    def __init__(self, files: int) -> None:
        self.files = max(files, 1)
        self.done = 0
        self.quarters = [{"wall": 0.0, "cpu": 0.0, "gc": 0.0, "gc_runs": 0} for _ in range(4)]
        self.by_generation = [[0.0, 0] for _ in range(3)]  # collector seconds and runs
        self._inside = False
        self._gc_started = 0.0

    def _quarter(self) -> dict[str, Any]:
        return self.quarters[min(3, self.done * 4 // self.files)]

    def _collector(self, phase: str, info: dict[str, Any]) -> None:
        if not self._inside:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            seconds = time.perf_counter() - self._gc_started
            self._quarter()["gc"] += seconds
            self._quarter()["gc_runs"] += 1
            self.by_generation[info["generation"]][0] += seconds
            self.by_generation[info["generation"]][1] += 1

    def total(self, key: str) -> float:
        return float(sum(q[key] for q in self.quarters))

    def wrap(self, parse: Callable[[Sequence[Path]], Iterable[Any]]) -> Callable[..., Any]:
        """``parse`` with the time spent inside each ``next()`` on its outcomes measured."""

        def measured(paths: Sequence[Path]) -> Iterator[Any]:
            outcomes = iter(parse(paths))
            gc.callbacks.append(self._collector)
            try:
                while True:
                    quarter = self._quarter()
                    t0, c0 = time.perf_counter(), time.thread_time()
                    self._inside = True
                    try:
                        item = next(outcomes)
                    except StopIteration:
                        return
                    finally:
                        self._inside = False
                        quarter["wall"] += time.perf_counter() - t0
                        quarter["cpu"] += time.thread_time() - c0
                    self.done += 1
                    yield item
            finally:
                gc.callbacks.remove(self._collector)

        return measured


def parse_only(archive: Path, files: int) -> tuple[StageMeter, int]:
    """``parse_paths`` over the archive, as ``trialsum parse`` reads it; the meter, the trials."""
    meter = StageMeter(files)
    trials = sum(len(outcome.trials) for outcome in meter.wrap(parse_paths)([archive]))
    return meter, trials


def ingest(archive: Path, home: Path, through: str, files: int) -> tuple[IngestReport, StageMeter]:
    """Ingest ``archive`` into a fresh store at ``home`` with ingest's own reader
    (``parse_paths``) measured; the report and the meter.

    ``through="parse"``: the store is opened and the embedder loaded as a real ingest does, then
    the embedder's calls and the store's writes become stand-ins (see the module docstring).
    """
    runtime = Runtime(Settings(home=home))
    meter = StageMeter(files)
    store = runtime.store
    width = len(store.embedder.embed_documents(["loads the model"])[0])
    if through == "parse":
        store.embedder.embed_documents = lambda texts: [[0.0] * width for _ in texts]  # type: ignore[method-assign]
        store.put_trials = lambda items, vectors=None: None  # type: ignore[method-assign]
    report = ingest_paths([archive], runtime, parse=meter.wrap(parse_paths))
    return report, meter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument(
        "--through",
        choices=("store", "parse"),
        default="store",
        help="store: the whole ingest; parse: ingest with embedding and writes stubbed out",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
    text = small_record(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "many.tar.gz"
        archive_bytes = build_archive(text, args.files, archive)
        parse_meter, trials = parse_only(archive, args.files)
        report, meter = ingest(archive, Path(tmp) / "store", args.through, args.files)
    if not report.ok or report.trials_new != trials:
        raise SystemExit(f"ingest wrote {report.trials_new} of {trials} trials")
    t = report.timings

    def figures(m: StageMeter) -> dict[str, Any]:
        return {
            "wall_s": m.total("wall"),
            "cpu_s": m.total("cpu"),
            "collector_s": m.total("gc"),
            "collector_runs": int(m.total("gc_runs")),
            "cpu_s_by_quarter": [q["cpu"] for q in m.quarters],
            "collector_s_runs_by_generation": m.by_generation,
        }

    result = {
        "files": args.files,
        "through": args.through,
        "record_bytes": len(text.encode("utf-8")),
        "archive_bytes": archive_bytes,
        "parse_only": figures(parse_meter),
        "ingest_parse_stage": {**figures(meter), "report_parse_s": t.parse},
        "ratio_wall": meter.total("wall") / parse_meter.total("wall"),
        "ratio_cpu": meter.total("cpu") / parse_meter.total("cpu"),
        "ingest": {
            "total_s": t.total,
            "criteria_s": t.criteria,
            "chunk_s": t.chunk,
            "embed_s": t.embed,
            "store_s": t.store,
            "chunks": report.chunks,
            "stubbed": args.through == "parse",
        },
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{args.files:,} files of {result['record_bytes'] / 1e3:.1f} kB in one "
        f"{archive_bytes / 1e6:.1f} MB .tar.gz; load average {os.getloadavg()[0]:.1f}"
    )
    for name, m in (("parse only", parse_meter), ("ingest parse stage", meter)):
        quarters = " / ".join(f"{q['cpu']:.1f}" for q in m.quarters)
        generations = ", ".join(f"gen{g} {s:.1f} s/{n}" for g, (s, n) in enumerate(m.by_generation))
        print(
            f"{name:<19} {m.total('wall'):7.1f} s wall, {m.total('cpu'):6.1f} s CPU "
            f"(by quarter {quarters}), collector {m.total('gc'):.1f} s in "
            f"{int(m.total('gc_runs'))} runs ({generations})"
        )
    print(
        f"ratio ingest / parse only: {result['ratio_wall']:.2f}x wall, "
        f"{result['ratio_cpu']:.2f}x CPU (ingest's own parse figure {t.parse:.1f} s)"
    )
    stubbed = " (embed and store stubbed out)" if args.through == "parse" else ""
    print(
        f"ingest total        {t.total:7.1f} s (criteria {t.criteria:.1f} s, chunk "
        f"{t.chunk:.1f} s, embed {t.embed:.1f} s, store {t.store:.1f} s; "
        f"{report.chunks:,} chunks){stubbed}"
    )


if __name__ == "__main__":
    main()
