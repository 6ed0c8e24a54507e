"""Where an assisted answer's wait goes on a local model: prompt (prefill) or reply (decode).

The assisted engine shows nothing until the model's JSON reply is complete and checked, so a
reader's first token is the whole answer's latency. This benchmark answers the first eval
questions (``evals/cases/questions.jsonl``) whose extracted sentences go to the model, through
the real ``Assistant`` with the ``assisted`` engine, and streams each rewrite request itself to
time it: seconds to the model's first streamed token, to its last, and llama.cpp's own count of
prompt tokens evaluated and their milliseconds. Beside it, same questions, same run: the
extractive answer (the baseline), and the same request with the rewrite prompt's worked example
left out (``--variant``: the few-shot cost).

``cold``: the server's prompt cache is off for the request (every token is prefilled, as after
any other request evicted it); ``warm``: the cache is on and the previous request had the same
system prompt (what a reader asking a second question gets).

    .venv/bin/python benchmarks/assisted_first_token.py [--answers 4] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._local_model import local_endpoint  # noqa: E402
from prompts import loader  # noqa: E402
from summarizer.assistant import Assistant  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.engines import assisted  # noqa: E402
from summarizer.engines.assisted import AssistedEngine, RewriteSettings  # noqa: E402
from summarizer.engines.extractive import ExtractiveEngine  # noqa: E402
from summarizer.ingest import ingest_paths  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

QUESTIONS = ROOT / "evals" / "cases" / "questions.jsonl"


class StreamingTimer:
    """Stands in for ``LLMClient.complete``: the same request, streamed over HTTP and timed."""

    def __init__(self, base_url: str, model: str, max_tokens: int, *, cache: bool) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.max_tokens = max_tokens
        self.cache = cache
        self.rows: list[dict[str, Any]] = []

    def complete(self, messages: Sequence[Any]) -> str:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        body = {
            "model": self.model,
            "messages": [{"role": roles[m.type], "content": m.content} for m in messages],
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "response_format": assisted.response_format(),
            "stream": True,
            "cache_prompt": self.cache,
        }
        request = urllib.request.Request(
            self.url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        first = None
        pieces: list[str] = []
        timings: dict[str, Any] = {}
        with urllib.request.urlopen(request, timeout=600) as reply:
            for raw in reply:
                line = raw.decode().strip()
                if not line.startswith("data:") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[5:])
                timings = chunk.get("timings") or timings
                for choice in chunk.get("choices", []):
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text and first is None:
                        first = time.perf_counter() - started
                    pieces.append(text)
        total = time.perf_counter() - started
        self.rows.append(
            {
                "first_token_s": round(first if first is not None else total, 2),
                "reply_s": round(total, 2),
                "prompt_tokens": timings.get("prompt_n"),
                "prompt_ms": round(timings.get("prompt_ms", 0.0)),
                "reply_tokens": timings.get("predicted_n"),
                "reply_ms": round(timings.get("predicted_ms", 0.0)),
            }
        )
        return "".join(pieces)


def without_example(prompt: loader.Prompt) -> loader.Prompt:
    """The rewrite prompt with its worked example (the 'Example.' paragraph) left out."""
    head, sep, rest = prompt.system.partition("Example.")
    if not sep:
        return prompt
    tail = rest.split("\n\nReply with", 1)
    system = head.rstrip() + "\n\nReply with" + tail[1] if len(tail) == 2 else head
    return prompt.model_copy(update={"system": system, "version": prompt.version})


def overriding(prompt: loader.Prompt, original: Any) -> Any:
    """``load_prompt`` with the rewrite prompt replaced by ``prompt``."""

    def load(name: str) -> loader.Prompt:
        return prompt if name == assisted.PROMPT else original(name)

    return load


def questions(assistant: Assistant) -> list[tuple[str, str]]:
    by_ref = {Path(t.source_path or "").name[:3]: t.trial_id for t in assistant.trials()}
    out = []
    for line in QUESTIONS.read_text().splitlines():
        row = json.loads(line)
        if row.get("task") != "answer" or not str(row.get("trial", "")).startswith("seed:"):
            continue
        trial = by_ref.get(row["trial"].removeprefix("seed:"))
        if trial:
            out.append((row["question"], trial))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=4, help="answers that ask the model")
    ap.add_argument("--model", default="0.5b", help="local model when no OPENAI_BASE_URL")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    with ExitStack() as stack:
        local_endpoint(stack, args.model)
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="trialsum-ttft-"))
        settings = Settings().model_copy(update={"home": Path(tmp), "chroma_url": None})
        runtime = Runtime(settings)
        ingest_paths([settings.samples_dir], runtime)
        rules = RewriteSettings.load()
        base_url = settings.openai_base_url or ""
        results["model"] = settings.model
        full = loader.load_prompt(assisted.PROMPT)
        short = without_example(full)
        results["prompt_chars"] = {"full": len(full.system), "no example": len(short.system)}
        extractive = Assistant(runtime, engine="extractive")
        extractive.warm()
        asked = questions(extractive)
        variants: dict[str, dict[str, list[Any]]] = {}
        chosen: list[tuple[str, str]] = []
        for label, prompt, cache in (
            ("full prompt, cold", full, False),
            ("no example, cold", short, False),
            ("full prompt, warm", full, True),
        ):
            timer = StreamingTimer(base_url, settings.model, rules.max_tokens, cache=cache)
            engine = AssistedEngine(
                ExtractiveEngine.build(store=runtime.store, retriever=runtime.retriever),
                settings,
                client=timer,  # type: ignore[arg-type]
                rules=rules,
            )
            helper = Assistant(runtime, generator=engine)
            original = loader.load_prompt
            assisted.load_prompt = overriding(prompt, original)  # type: ignore[assignment]
            row: dict[str, list[Any]] = {"answer_s": [], "extractive_s": [], "requests": []}
            try:
                pool = chosen or asked
                for question, trial in pool:
                    before = len(timer.rows)
                    t0 = time.perf_counter()
                    helper.ask(question, trial_ids=[trial])
                    answer_s = time.perf_counter() - t0
                    if len(timer.rows) == before:
                        continue  # nothing was above the target grade: the model was not asked
                    t0 = time.perf_counter()
                    extractive.ask(question, trial_ids=[trial])
                    row["extractive_s"].append(round(time.perf_counter() - t0, 2))
                    row["answer_s"].append(round(answer_s, 2))
                    row["requests"].append(timer.rows[-1])
                    if pool is asked:  # the first variant picks the questions
                        chosen.append((question, trial))
                        if len(chosen) >= args.answers:
                            break
            finally:
                assisted.load_prompt = original  # type: ignore[assignment]
            print(f"  {label}: {row}", file=sys.stderr)
            variants[label] = row
        results["questions"] = [q for q, _ in chosen]
        summary: dict[str, dict[str, Any]] = {}
        for label, row in variants.items():
            reqs = row["requests"]

            def med(key: str, _r: list[dict[str, Any]] = reqs) -> float | None:
                vals = [r[key] for r in _r if r.get(key) is not None]
                return round(statistics.median(vals), 2) if vals else None

            summary[label] = {
                "n": len(reqs),
                "first_token_s_median": med("first_token_s"),
                "first_token_s_max": max((r["first_token_s"] for r in reqs), default=None),
                "model_reply_s_median": med("reply_s"),
                "prompt_tokens_median": med("prompt_tokens"),
                "prompt_ms_median": med("prompt_ms"),
                "reply_tokens_median": med("reply_tokens"),
                "reply_ms_median": med("reply_ms"),
                "assisted_answer_s_median": (
                    round(statistics.median(row["answer_s"]), 2) if row["answer_s"] else None
                ),
                "extractive_answer_s_median": (
                    round(statistics.median(row["extractive_s"]), 2)
                    if row["extractive_s"]
                    else None
                ),
            }
        results["variants"] = summary
        results["raw"] = variants
        results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
