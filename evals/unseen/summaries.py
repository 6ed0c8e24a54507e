"""Lay summaries of unseen trials: cut sentences, reading grade per section, the verifier's
unsupported sentences, how many summaries have each section ('summaries_with': 'why' counts the
summaries that say why the trial matters) and coverage of the EU CTR 536/2014 Annex V lay-summary
items.

A cut sentence is one a reader would see as broken off: it holds an ellipsis, ends on a word
that cannot end an English clause ('during.', 'of.', 'and.'), or leaves a bracket open. That is a
surface check, not a parser: it finds the cuts the extractive engine makes when it shortens
source text, and may miss a clause that lacks its verb.

Annex V items (``annex_v.json``) are counted where the trial record carries what an item needs;
items the record cannot carry (posted results, follow-up trials) are listed with how often the
summary says they are not available.

    .venv/bin/python -m evals.unseen.summaries --half tune [--n 12] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from summarizer.readability import grade

ANNEX_V = Path(__file__).with_name("annex_v.json")
MANIFEST = Path(__file__).with_name("manifest.json")

_DANGLING = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "but",
    "to",
    "for",
    "with",
    "in",
    "on",
    "at",
    "by",
    "from",
    "during",
    "into",
    "than",
    "as",
    "such",
    "including",
    "like",
    "per",
    "via",
    "after",
    "before",
    "within",
    "over",
    "under",
    "between",
    "among",
    "without",
    "whether",
    "that",
    "which",
    "who",
    "whose",
    "if",
    "because",
    "while",
    "nor",
}  # fmt: skip  (no copulas: "how safe it is." ends a clause)


def is_cut(sentence: str) -> bool:
    s = sentence.strip()
    if not s:
        return False
    if "..." in s or "\u2026" in s:
        return True
    if s.count("(") > s.count(")") or s.count("[") > s.count("]"):
        return True
    words = re.findall(r"[A-Za-z]+", s.rstrip(" .!?:;)").split(" ")[-1]) if s else []
    return bool(words) and words[-1].lower() in _DANGLING


@cache
def annex_items() -> list[dict[str, Any]]:
    return list(json.loads(ANNEX_V.read_text(encoding="utf-8"))["items"])


def _record_has(trial: Any, names: list[str]) -> bool:
    """Whether the record carries any of ``names``: a non-empty value (posted results that hold
    nothing, ``empty``, count as none)."""
    for n in names:
        value = getattr(trial, n, None)
        if value and not getattr(value, "empty", False):
            return True
    return False


def annex_v(trial: Any, summary: Any) -> dict[str, str]:
    """Per Annex V item: 'covered', 'missing' (the record has it, the summary does not),
    'said_absent' (the record lacks it and the summary says so) or 'not_in_record'."""
    fields = {f for sec in summary.sections for st in sec.statements for f in st.fields}
    keys = {sec.key for sec in summary.sections}
    out = {}
    for item in annex_items():
        said = bool(fields & set(item.get("fields", []))) or bool(
            keys & set(item.get("sections", []))
        )
        if _record_has(trial, item["record"]):
            out[item["key"]] = "covered" if said else "missing"
        elif keys & set(item.get("absent_sections", [])):
            out[item["key"]] = "said_absent"
        else:
            out[item["key"]] = "not_in_record"
    return out


def check_summaries(assistant: Any, trial_ids: list[str], max_grade: float = 8.0) -> dict[str, Any]:
    """Per section: sentences, cut sentences, sentences above ``max_grade``, unsupported
    sentences and section grades over the target; Annex V coverage; examples of each failure."""
    per: dict[str, dict[str, Any]] = {}
    examples: dict[str, list[str]] = {"cut": [], "unsupported": [], "section_grade": []}
    errors: list[str] = []
    annex: dict[str, dict[str, int]] = {}
    present: dict[str, int] = {}  # section key -> summaries that have it ('why': said why)
    for tid in trial_ids:
        try:
            summary = assistant.summarize(tid)
            trial = assistant.get_trial(tid)
        except Exception as exc:  # a failing summary is counted, never aborts the run
            errors.append(f"{tid}: {type(exc).__name__}: {exc}")
            continue
        for key, state in annex_v(trial, summary).items():
            row_a = annex.setdefault(key, {})
            row_a[state] = row_a.get(state, 0) + 1
        for key in {sec.key for sec in summary.sections if sec.statements}:
            present[key] = present.get(key, 0) + 1
        for sec in summary.sections:
            row = per.setdefault(
                sec.key,
                {
                    "sentences": 0,
                    "cut": 0,
                    "above_grade": 0,
                    "unsupported": 0,
                    "sections": 0,
                    "sections_above_grade": 0,
                    "max_section_grade": 0.0,
                },
            )
            row["sections"] += 1
            if sec.grade is not None:
                row["max_section_grade"] = max(row["max_section_grade"], round(sec.grade, 1))
                if sec.grade > max_grade:
                    row["sections_above_grade"] += 1
                    if len(examples["section_grade"]) < 20:
                        examples["section_grade"].append(f"{tid} {sec.key}: {sec.grade:.1f}")
            for st in sec.statements:
                row["sentences"] += 1
                if is_cut(st.text):
                    row["cut"] += 1
                    if len(examples["cut"]) < 20:
                        examples["cut"].append(f"{tid} {sec.key}: {st.text[-120:]}")
                if st.check is not None and st.check.verdict in ("unsupported", "contradicted"):
                    row["unsupported"] += 1
                    if len(examples["unsupported"]) < 20:
                        examples["unsupported"].append(f"{tid} {sec.key}: {st.text[:160]}")
                g = grade(st.text)
                if g is not None and g > max_grade:
                    row["above_grade"] += 1
    names = ("sentences", "cut", "above_grade", "unsupported", "sections_above_grade")
    total = {k: sum(r[k] for r in per.values()) for k in names}
    allowed = sum(v.get("covered", 0) + v.get("missing", 0) for v in annex.values())
    covered = sum(v.get("covered", 0) for v in annex.values())
    return {
        "trials": len(trial_ids),
        "max_grade": max_grade,
        "total": total,
        "summaries_with": dict(sorted(present.items())),
        "sections": per,
        "annex_v": {
            "items": annex,
            "covered_where_record_allows": round(covered / allowed, 3) if allowed else None,
        },
        "cut_examples": examples["cut"],
        "examples": examples,
        "errors": errors,
    }


def _half_ids(half: str, n: int | None) -> list[str]:
    ids = sorted(json.loads(MANIFEST.read_text(encoding="utf-8"))["halves"][half])
    return ids[:n] if n else ids


def main(argv: list[str] | None = None) -> int:
    """Ingest the first ``--n`` trials of a half into a temporary store and check their
    summaries through the Assistant (what ``trialsum summarize`` gives a user)."""
    from evals.unseen.records import write_docs
    from summarizer.assistant import build_assistant
    from summarizer.config import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--n", type=int, default=6, help="first N trials of the half, by id (0: all)")
    ap.add_argument("--show", action="store_true", help="print every summary's sentences")
    args = ap.parse_args(argv)
    base = Settings()
    ids = _half_ids(args.half, args.n)
    with tempfile.TemporaryDirectory(prefix="trialsum-summaries-") as tmp:
        settings = base.model_copy(
            update={"home": Path(tmp) / "home", "chroma_url": None, "engine": "extractive"}
        )
        found = write_docs(set(ids), base.data_dir, Path(tmp) / "docs")
        assistant = build_assistant(settings, engine="extractive")
        assistant.ingest([Path(tmp) / "docs"])
        ids = [i for i in ids if i in found]
        if args.show:
            for tid in ids:
                s = assistant.summarize(tid)
                print(f"=== {tid} {s.title}")
                for sec in s.sections:
                    print(f"--- {sec.key} (grade {sec.grade})")
                    for st in sec.statements:
                        v = st.check.verdict if st.check else "-"
                        g = grade(st.text)
                        print(f"  [{v[:5]} {g if g is None else round(g, 1)}] {st.text}")
        figs = check_summaries(assistant, ids)
    print(json.dumps({"half": args.half, **figs}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
