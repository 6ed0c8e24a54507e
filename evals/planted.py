"""Planted errors: correct sentences about a trial, and copies with one error of a known kind.

The checker should pass the correct sentences and catch the planted ones. Correct sentences come
from the source itself (criteria lines cited to themselves, with their fit role) and from plain-
language sentences written by hand from the seed documents (``cases/planted_facts.jsonl``);
``benchmarks/checker_planted.py`` adds engine output when the engine runs.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel

from summarizer.checker import entities, numbers
from summarizer.checker.evidence import kind_at
from summarizer.checker.text import lexicon, sentences
from summarizer.models import Citation, Statement, Trial

KINDS = ("number", "age", "swap", "drug", "target", "not", "trial_id")
FACTS = Path(__file__).resolve().parent / "cases" / "planted_facts.jsonl"


class Item(BaseModel):
    """One sentence about one trial, with its role; ``kind`` is None when it is untouched."""

    trial_id: str
    statement: Statement
    role: str | None = None
    kind: str | None = None
    origin: str = "source"


def _cite(trial: Trial, start: int, end: int, section: str = "other") -> Citation:
    return Citation(
        trial_id=trial.trial_id,
        section=section,
        quote=trial.source.text[start:end],
        start=start,
        end=end,
    )


def source_items(trial: Trial, *, limit: int = 40) -> list[Item]:
    """Criteria lines and summary sentences of the source, each citing itself."""
    out: list[Item] = []
    for text, s, e in sentences(trial.source.text):
        if len(text.split()) < 5 or len(text) > 300:
            continue
        kind = kind_at(trial, s, e)
        role = {"inclusion": "good_fit", "exclusion": "not_fit"}.get(kind or "")
        section = kind or "other"
        stmt = Statement(text=text, citations=[_cite(trial, s, e, section)])
        out.append(Item(trial_id=trial.trial_id, statement=stmt, role=role))
        if len(out) >= limit:
            break
    return out


def fact_items(trials: dict[str, Trial], path: Path = FACTS) -> list[Item]:
    """Hand-written plain sentences: {"seed", "text", "quotes": [...], "role"} per line."""
    out: list[Item] = []
    by_seed = {Path(t.source.path).name[:3]: t for t in trials.values()}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        trial = by_seed.get(row["seed"])
        if trial is None:
            continue
        cites = []
        for quote in row["quotes"]:
            start = trial.source.text.find(quote)
            if start < 0:
                raise ValueError(f"{path.name}: quote not in seed {row['seed']}: {quote!r}")
            cites.append(_cite(trial, start, start + len(quote), row.get("section", "other")))
        stmt = Statement(text=row["text"], citations=cites, fields=row.get("fields", []))
        out.append(
            Item(trial_id=trial.trial_id, statement=stmt, role=row.get("role"), origin="facts")
        )
    return out


# ---------------------------------------------------------------- mutations


def _scope(item: Item, trial: Trial) -> str:
    return " ".join(c.quote for c in item.statement.citations) or trial.source.text


def _replace_number(text: str, scope: str, rng: random.Random, *, ages: bool) -> str | None:
    pool = {q.value for q in numbers.quantities(scope)} | {
        q.value for q in numbers.quantities(text)
    }
    for q in numbers.quantities(text):
        if ages and q.unit not in ("year", "month"):
            continue
        m = re.search(r"\d+(?:\.\d+)?", q.text)
        if m is None or float(m.group(0)) != q.value:
            continue
        n = q.value
        for cand in (n + 1, n + 2, n * 2, n + 5, n + 10, n + 17):
            if cand not in pool:
                new = str(int(cand)) if float(cand).is_integer() else f"{cand:g}"
                pos = text.find(q.text)
                piece = q.text[: m.start()] + new + q.text[m.end() :]
                return text[:pos] + piece + text[pos + len(q.text) :]
    return None


def _insert(text: str, phrase: str) -> str:
    body = text.rstrip()
    end = body[-1] if body and body[-1] in ".;:" else ""
    return f"{body[: len(body) - len(end)]} {phrase}{end or '.'}"


def mutate(item: Item, kind: str, trial: Trial, rng: random.Random) -> Item | None:
    """A copy of ``item`` with one error of ``kind``; None when the kind does not apply."""
    text, role = item.statement.text, item.role
    scope = _scope(item, trial)
    new: str | None = None
    if kind == "number":
        new = _replace_number(text, scope, rng, ages=False)
    elif kind == "age":
        new = _replace_number(text, scope, rng, ages=True)
    elif kind == "swap":
        if role in ("good_fit", "not_fit"):
            new, role = text, ("not_fit" if role == "good_fit" else "good_fit")
    elif kind == "drug":
        names = [d for d in lexicon()["drug_names"] if d not in trial.source.text.lower()]  # type: ignore[union-attr]
        new = _insert(text, f"after treatment with {rng.choice(names)}")
    elif kind == "target":
        present = set(entities.targets(trial.source.text))
        choices = [t for t in ("CD22", "BCMA", "CD33", "GPRC5D", "HER2", "CD7") if t not in present]
        here = entities.targets(text)
        pick = rng.choice(choices)
        if here:
            new = re.sub(
                r"CD\s?\d+" if here[0].startswith("CD") else re.escape(here[0]), pick, text, count=1
            )
        else:
            new = _insert(text, f"targeting {pick}")
    elif kind == "not":
        m = re.search(r"(?<!or )\b(not|no|without|never)\s+(?!or\b)", text, re.I)
        if m:
            repl = "with " if m.group(1).lower() == "without" else ""
            new = text[: m.start()] + repl + text[m.end() :]
    elif kind == "trial_id":
        wrong = f"NCT0{rng.randrange(1000000, 9999999)}"
        ids = entities.nct_ids(text)
        new = text.replace(ids[0], wrong) if ids else _insert(text, f"(trial {wrong})")
    if new is None or (new == text and role == item.role):
        return None
    stmt = item.statement.model_copy(update={"text": new, "check": None})
    return item.model_copy(update={"statement": stmt, "role": role, "kind": kind})


def planted(
    items: Iterable[Item], trials: dict[str, Trial], *, seed: int = 7, kinds: Iterable[str] = KINDS
) -> list[Item]:
    rng = random.Random(seed)
    out: list[Item] = []
    for item in items:
        for kind in kinds:
            bad = mutate(item, kind, trials[item.trial_id], rng)
            if bad is not None:
                out.append(bad)
    return out


class Rates(BaseModel):
    n_clean: int
    false_alarm_rate: float
    detection: dict[str, float]
    counts: dict[str, int]
    misses: dict[str, list[str]]


def measure(
    items: list[Item],
    trials: dict[str, Trial],
    check: Callable[..., object],
    *,
    seed: int = 7,
) -> Rates:
    """Detection rate per kind (verdict other than supported) and the false-alarm rate."""

    def flagged(it: Item) -> bool:
        return check(it.statement, trials[it.trial_id], role=it.role).verdict != "supported"  # type: ignore[attr-defined]

    clean_flags = [flagged(it) for it in items]
    bad = planted(items, trials, seed=seed)
    detection: dict[str, float] = {}
    counts: dict[str, int] = {}
    misses: dict[str, list[str]] = {}
    for kind in KINDS:
        group = [b for b in bad if b.kind == kind]
        caught = [flagged(b) for b in group]
        counts[kind] = len(group)
        detection[kind] = round(sum(caught) / len(group), 4) if group else float("nan")
        misses[kind] = [b.statement.text for b, c in zip(group, caught, strict=True) if not c][:5]
    return Rates(
        n_clean=len(items),
        false_alarm_rate=round(sum(clean_flags) / len(items), 4) if items else 0.0,
        detection=detection,
        counts=counts,
        misses=misses,
    )
