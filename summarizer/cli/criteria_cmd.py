"""``trialsum criteria ID``: a trial's criteria as typed constraints with their spans.

For editors and for debugging the criteria parser: every criterion, its logic, the constraints
read from it (kind, quoted words, offsets, concept, comparator and unit, time window) and the
words left as text. ``ID`` is a trial in the store, or a trial document's path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from summarizer import controls
from summarizer.cli.app import app
from summarizer.criteria.model import Constraint, CriteriaSet, ParsedCriterion
from summarizer.models import Trial

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False)


def _trials(target: str, store: Path | None) -> list[Trial]:
    path = Path(target)
    if path.exists():
        from summarizer.loader import parse_paths

        trials: list[Trial] = []
        for outcome in parse_paths([path]):
            if outcome.error is not None:
                err.print(controls.neutralize(f"{outcome.path}: {outcome.error}"), markup=False)
            trials.extend(outcome.trials)
        return trials
    from summarizer.config import Settings
    from summarizer.runtime import Runtime

    runtime = Runtime(Settings(home=store) if store is not None else Settings())
    try:
        trial = runtime.store.get_trial(target)
    except Exception as exc:
        err.print(f"error: cannot open the store at {runtime.settings.store_dir}: {exc}")
        raise typer.Exit(2) from None
    if trial is None:
        err.print(
            f"error: {target!r} is neither a file nor a trial in the store at "
            f"{runtime.settings.store_dir}; index it first (trialsum ingest FILES)",
            markup=False,
        )
        raise typer.Exit(2)
    return [trial]


def _describe(c: Constraint) -> str:
    bits = [f"{c.kind}"]
    if c.label or c.concept:
        bits.append(f"concept={c.label or c.concept}")
    if c.value:
        bits.append(c.value)
    if c.quantity is not None:
        q = c.quantity
        value = f"{q.value:g}" + (f"-{q.upper:g}" if q.upper is not None else "")
        bits.append(
            f"{q.comparator or ''}{' ' if q.comparator else ''}{value} {q.unit or ''}".strip()
        )
    if c.window is not None:
        bits.append(f"{c.window.relation} {c.window.amount:g} {c.window.unit}")
    if c.timing:
        bits.append(c.timing)
    if c.states:
        bits.append("states=" + ",".join(c.states))
    if c.negated:
        bits.append("NOT")
    return " · ".join(bits)


def _show(node: ParsedCriterion, text: str, depth: int = 0) -> None:
    pad = "  " * depth
    ref = f"{node.kind} {node.number}" + "".join(f".{p}" for p in node.path)
    logic = node.logic + (f" ({node.required} needed)" if node.required else "")
    group = f" [{node.group}]" if node.group and not depth else ""
    head = " ".join(text[node.span.start : node.span.end].split())
    out.print(f"{pad}{ref}{group} · {logic} · {node.span.start}-{node.span.end}", markup=False)
    out.print(f"{pad}  “{controls.neutralize(head[:160])}”", markup=False)
    for c in node.constraints:
        quote = controls.neutralize(" ".join(c.text.split()))
        out.print(f"{pad}  + {_describe(c)} · {c.span.start}-{c.span.end} “{quote}”", markup=False)
    for c in node.exceptions:
        quote = controls.neutralize(" ".join(c.text.split()))
        out.print(f"{pad}  except {_describe(c)} · “{quote}”", markup=False)
    for r in node.remainder:
        words = controls.neutralize(" ".join(text[r.start : r.end].split()))
        out.print(f"{pad}  ~ text · {r.start}-{r.end} “{words[:120]}”", markup=False)
    for child in node.children:
        _show(child, text, depth + 1)


@app.command("criteria")
def criteria_command(
    target: Annotated[str, typer.Argument(help="A trial id in the store, or a document path.")],
    as_json: Annotated[bool, typer.Option("--json", help="One CriteriaSet JSON per line.")] = False,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: TRIALSUM_HOME).")
    ] = None,
) -> None:
    """Print a trial's criteria as typed constraints with their spans (and the words left as
    text), for editors and for debugging."""
    from summarizer.criteria import parse_trial

    trials = _trials(target, store)
    if not trials:
        err.print(f"error: no trial read from {target!r}", markup=False)
        raise typer.Exit(1)
    for trial in trials:
        parsed: CriteriaSet = parse_trial(trial)
        if as_json:
            print(json.dumps(parsed.model_dump(mode="json"), ensure_ascii=False))
            continue
        typed = sum(1 for c in parsed.criteria if c.typed)
        out.print(
            f"{trial.trial_id} · {trial.source.format} · {len(parsed.criteria)} criteria, "
            f"{typed} with a typed constraint ({parsed.coverage:.0%})",
            markup=False,
        )
        for warning in parsed.warnings:
            out.print(f"  warning: {controls.neutralize(warning)}", markup=False)
        for node in parsed.criteria:
            _show(node, trial.source.text)
