"""Lay summaries of unseen trials, counted for cut sentences and reading grade per section.

A cut sentence is one a reader would see as broken off: it holds an ellipsis, ends on a word
that cannot end an English clause ('during.', 'of.', 'and.'), or leaves a bracket open. That is a
surface check, not a parser: it finds the cuts the extractive engine makes when it shortens
source text, and may miss a clause that lacks its verb.
"""

from __future__ import annotations

import re
from typing import Any

from summarizer.readability import grade

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


def check_summaries(assistant: Any, trial_ids: list[str], max_grade: float = 8.0) -> dict[str, Any]:
    """Per section: sentences, cut sentences, sentences above ``max_grade``; plus examples."""
    per: dict[str, dict[str, int]] = {}
    examples: list[str] = []
    errors: list[str] = []
    for tid in trial_ids:
        try:
            summary = assistant.summarize(tid)
        except Exception as exc:  # a failing summary is counted, never aborts the run
            errors.append(f"{tid}: {type(exc).__name__}: {exc}")
            continue
        for sec in summary.sections:
            row = per.setdefault(sec.key, {"sentences": 0, "cut": 0, "above_grade": 0})
            for st in sec.statements:
                row["sentences"] += 1
                if is_cut(st.text):
                    row["cut"] += 1
                    if len(examples) < 12:
                        examples.append(f"{tid} {sec.key}: {st.text[-120:]}")
                g = grade(st.text)
                if g is not None and g > max_grade:
                    row["above_grade"] += 1
    total = {k: sum(r[k] for r in per.values()) for k in ("sentences", "cut", "above_grade")}
    return {
        "trials": len(trial_ids),
        "max_grade": max_grade,
        "total": total,
        "sections": per,
        "cut_examples": examples,
        "errors": errors,
    }
