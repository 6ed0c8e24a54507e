"""Embedding speed on real criteria text, against Chroma's padding approach, in the same run.

    .venv/bin/python benchmarks/embed_throughput.py [--trials 500] [--n 400] [--threads 0] [--json]

Texts are eligibility-criteria items split from the ClinicalTrials.gov XML records in the shared
data (streamed from the archive; the seed samples are used when it is absent). Rows:

* ``trialsum``: OnnxMiniLMEmbedder, inputs sorted by length, each batch padded to its longest.
* ``pad-256``: the same model and code, every input padded to 256 tokens (Chroma's approach).
* ``chroma``: Chroma's own ``ONNXMiniLM_L6_V2``, pointed at a temporary folder holding our model
  and tokenizer files in the layout it expects, with sockets blocked so nothing is downloaded.
* ``cached``: the trialsum embedder behind a warm EmbeddingCache (second pass over the texts).

It also reports how many criteria texts are exact duplicates (what the cache saves on ingest).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vectorstore.embed_cache import CachedEmbedder, EmbeddingCache, text_hash  # noqa: E402
from vectorstore.onnx_embedder import MAX_TOKENS, MODEL_DIR, OnnxMiniLMEmbedder  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "data" / "ctgov_xml_6786.tar.gz"
HEADER = re.compile(r"^(inclusion|exclusion|key inclusion|key exclusion)?[\w\s/-]{0,40}:$", re.I)
BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


# --- texts --------------------------------------------------------------------------------------
def split_criteria(block: str) -> list[str]:
    """Criteria items: paragraphs of the textblock, bullets stripped, headers dropped."""
    items = []
    for para in re.split(r"\n\s*\n", block.replace("\r", "")):
        text = " ".join(BULLET.sub("", para).split())
        if len(text) >= 3 and not HEADER.match(text):
            items.append(text)
    return items


def xml_criteria(archive: Path, limit: int | None) -> Iterator[list[str]]:
    """Criteria items per trial, streamed from the archive (first ``limit`` trials)."""
    seen = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.name.endswith(".xml"):
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            try:
                root = ET.parse(handle).getroot()
            except ET.ParseError as exc:
                print(f"{member.name}: skipped, not valid XML ({exc})", file=sys.stderr)
                continue
            block = root.findtext("eligibility/criteria/textblock") or ""
            yield split_criteria(block)
            seen += 1
            if limit is not None and seen >= limit:
                return


def sample_criteria() -> list[list[str]]:
    """Fallback when the shared data is absent: lines of the seed samples."""
    return [
        [
            " ".join(line.split())
            for line in p.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        for p in sorted((ROOT / "samples").glob("0*.txt"))
    ]


def dedupe_share(texts: Sequence[str]) -> tuple[int, int, float]:
    unique = len({text_hash(t) for t in texts})
    return len(texts), unique, 1 - unique / len(texts) if texts else 0.0


# --- Chroma's embedder on our files ---------------------------------------------------------------
def chroma_folder(tmp: Path, model_path: Path) -> Path:
    """The layout ONNXMiniLM_L6_V2 checks for (``<DOWNLOAD_PATH>/onnx/<6 files>``)."""
    onnx = tmp / "onnx"
    onnx.mkdir(parents=True)
    (onnx / "model.onnx").symlink_to(model_path)
    for name in (
        "tokenizer.json",
        "config.json",
        "special_tokens_map.json",
        "tokenizer_config.json",
    ):
        (onnx / name).symlink_to(MODEL_DIR / name)
    # vocab.txt is only checked for existence; write the real vocabulary from tokenizer.json.
    vocab = json.loads((MODEL_DIR / "tokenizer.json").read_text())["model"]["vocab"]
    ordered = sorted(vocab, key=vocab.__getitem__)
    (onnx / "vocab.txt").write_text("\n".join(ordered) + "\n", encoding="utf-8")
    return tmp


@contextmanager
def sockets_blocked() -> Iterator[None]:
    """Any connection attempt raises, so a hidden download would fail loudly."""
    real = socket.socket.connect

    def refuse(self: socket.socket, address: object) -> None:
        raise RuntimeError(f"network access attempted: {address!r}")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = real  # type: ignore[method-assign]


# --- timing -------------------------------------------------------------------------------------
def timed(fn: Callable[[list[str]], object], texts: list[str]) -> tuple[float, np.ndarray]:
    fn(texts[:4])  # warm up: load the session, first allocations
    start = time.perf_counter()
    out = fn(texts)
    elapsed = time.perf_counter() - start
    return elapsed, np.asarray(out, dtype=np.float32)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=500, help="XML trials to read (0 = all)")
    ap.add_argument("--n", type=int, default=400, help="criteria texts to time")
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime threads, 0 = default")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--skip-chroma", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    if ARCHIVE.is_file():
        per_trial = list(xml_criteria(ARCHIVE, args.trials or None))
        source = f"{ARCHIVE.name}, first {len(per_trial)} trials"
    else:
        per_trial = sample_criteria()
        source = "samples/ (shared data absent)"
    pool = [t for items in per_trial for t in items]
    total, unique, dup = dedupe_share(pool)
    texts = random.Random(args.seed).sample(pool, min(args.n, len(pool)))

    ours = OnnxMiniLMEmbedder(threads=args.threads, batch_size=args.batch)
    padded = OnnxMiniLMEmbedder(threads=args.threads, batch_size=args.batch, pad_to_max=True)
    counts = ours.count_tokens(texts)
    real_tokens = sum(min(c, MAX_TOKENS) for c in counts)
    load_before = os.getloadavg()[0]

    rows: dict[str, dict[str, float | str]] = {}
    results: dict[str, np.ndarray] = {}

    def record(label: str, seconds: float, vectors: np.ndarray, note: str) -> None:
        rows[label] = {
            "seconds": round(seconds, 3),
            "sentences_per_s": round(len(texts) / seconds, 1),
            "tokens_per_s": round(real_tokens / seconds, 1),
            "note": note,
        }
        results[label] = vectors

    with sockets_blocked():
        record("trialsum", *timed(ours.embed_array, texts), "length-sorted, dynamic padding")
        record("pad-256", *timed(padded.embed_array, texts), "same model, padded to 256")
        if not args.skip_chroma:
            from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

            with tempfile.TemporaryDirectory() as tmp:
                chroma = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
                chroma.DOWNLOAD_PATH = chroma_folder(Path(tmp), ours.model_path)  # type: ignore[misc]
                record("chroma", *timed(chroma, texts), "chromadb ONNXMiniLM_L6_V2, our files")
        with tempfile.TemporaryDirectory() as tmp:
            cached = CachedEmbedder(ours, EmbeddingCache(Path(tmp) / "cache.sqlite"))
            cached.embed_documents(texts)  # fill
            record("cached", *timed(cached.embed_documents, texts), "warm sqlite cache")
            cached.cache.close()
    load_after = os.getloadavg()[0]

    base = rows["pad-256"]["sentences_per_s"]
    for label, row in rows.items():
        row["x_vs_pad256"] = round(float(row["sentences_per_s"]) / float(base), 2)
        row["max_abs_diff_vs_trialsum"] = float(np.abs(results[label] - results["trialsum"]).max())
    if "chroma" in rows:
        rows["trialsum"]["x_vs_chroma"] = round(
            float(rows["trialsum"]["sentences_per_s"]) / float(rows["chroma"]["sentences_per_s"]), 2
        )

    report = {
        "source": source,
        "timed_texts": len(texts),
        "real_tokens": real_tokens,
        "mean_tokens": round(real_tokens / len(texts), 1),
        "over_256_tokens": sum(c > MAX_TOKENS for c in counts),
        "threads": args.threads or "onnxruntime default",
        "cpus": os.cpu_count(),
        "load_avg_before_after": [round(load_before, 2), round(load_after, 2)],
        "rows": rows,
        "dedupe": {"criteria_texts": total, "unique": unique, "duplicate_share": round(dup, 4)},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"source: {source}; {len(texts)} criteria texts timed, {real_tokens} tokens")
    print(f"(mean {report['mean_tokens']} tokens, {report['over_256_tokens']} over 256)")
    print(
        f"cpus: {os.cpu_count()}, threads: {report['threads']}, load avg 1 min before/after: "
        f"{load_before:.2f}/{load_after:.2f}"
    )
    print(
        f"{'embedder':<10} {'seconds':>8} {'sent/s':>8} {'tok/s':>9} {'x pad256':>9} "
        f"{'max|diff|':>10}  note"
    )
    for label, row in rows.items():
        print(
            f"{label:<10} {row['seconds']:>8} {row['sentences_per_s']:>8} "
            f"{row['tokens_per_s']:>9} {row['x_vs_pad256']:>9} "
            f"{row['max_abs_diff_vs_trialsum']:>10.2e}  {row['note']}"
        )
    if "x_vs_chroma" in rows["trialsum"]:
        print(f"trialsum vs chroma: {rows['trialsum']['x_vs_chroma']}x")
    print(
        f"dedupe: {total} criteria texts, {unique} distinct: "
        f"{dup:.1%} are exact duplicates (embedded once thanks to the cache)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
