"""How ``ask``, ``search`` and ``trials`` print their results, from plain JSON-shaped data.

One set of printers for both ways a command runs: in-process (the models' ``model_dump()``) and
served by ``trialsum serve`` (the server's JSON as it arrives, ``summarizer.cli.served``), so the
two print the same bytes by construction. To a file or a pipe, JSON and answer text are written
with the standard library alone, exactly as Rich would print them there (Rich strips BEL, BS, VT,
FF and CR from text and expands tabs; it adds no colour to a pipe). On a terminal, and for
tables, Rich prints them, imported then and only then: a served ``--json`` command loads neither
Rich nor pydantic.
"""

from __future__ import annotations

import json
import sys
import unicodedata

TYPE_CHECKING = False  # typing itself is not imported: it costs a served command time
if TYPE_CHECKING:
    from typing import Any

_RICH_STRIPS = dict.fromkeys((7, 8, 11, 12, 13))  # rich.control.STRIP_CONTROL_CODES
_TAB = 8


def _cells(text: str) -> int:
    """Terminal cells of ``text``: wide East Asian characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def as_rich_prints(text: str) -> str:
    """``text`` as Rich writes it to a file: BEL, BS, VT, FF, CR removed, tabs to stops of 8."""
    text = text.translate(_RICH_STRIPS)
    if "\t" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        out, column = [], 0
        for piece in line.split("\t")[:-1]:
            column += _cells(piece) + 1
            pad = -column % _TAB
            out.append(piece + " " * (1 + pad))
            column += pad
        out.append(line.split("\t")[-1])
        lines.append("".join(out))
    return "\n".join(lines)


def _plain_line(value: object) -> str:
    """``summarizer.cli.output.plain`` then Rich's own stripping: one literal line."""
    from summarizer.controls import neutralize

    text = neutralize(str(value))
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return as_rich_prints(text)


def _terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _out() -> Any:
    from summarizer.cli.output import console

    return console()


def json_out(data: Any) -> None:
    """``Console.print_json`` of ``data``: indented, non-ASCII kept, coloured on a terminal."""
    if _terminal(sys.stdout):
        _out().print_json(json.dumps(data, ensure_ascii=False))
        return
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def ask_contract(answer: dict[str, Any]) -> dict[str, Any]:
    """The stable ``ask --json`` shape (``Answer.contract()``) from an Answer's JSON."""
    return {
        "answer": answer["answer"],
        "abstained": answer["abstained"],
        "citations": [{k: v for k, v in c.items() if k != "chunk_id"} for c in answer["citations"]],
        "trials": answer["trials"],
        "engine": answer["engine"],
    }


def citation_lines(citations: list[dict[str, Any]]) -> list[str]:
    """One line per citation: number, trial, section, span and the quoted words."""
    return [
        f"  [{i}] {c['trial_id']} · {c['section']} · {c['start']}-{c['end']}: "
        f"“{' '.join(str(c['quote']).split())}”"
        for i, c in enumerate(citations, 1)
    ]


def ask_text(answer: dict[str, Any]) -> None:
    """The answer, its sources, and on stderr how many sentences the source did not confirm."""
    citations, flagged = answer["citations"], answer["flagged"]
    if _terminal(sys.stdout):
        from summarizer.cli.output import say

        out = _out()
        out.print(answer["answer"], highlight=False, markup=False, emoji=False)
        if citations:
            out.print("\nSources:", style="bold")
            for line in citation_lines(citations):
                say(out, line)
    else:
        text = as_rich_prints(answer["answer"]) + "\n"
        if citations:
            text += "\nSources:\n" + "".join(
                _plain_line(x) + "\n" for x in citation_lines(citations)
            )
        sys.stdout.write(text)
        sys.stdout.flush()
    if flagged:
        if _terminal(sys.stderr):
            from summarizer.cli.output import console

            console(stderr=True).print(
                f"[yellow]not confirmed by the source:[/yellow] {len(flagged)}"
            )
        else:
            sys.stderr.write(f"not confirmed by the source: {len(flagged)}\n")


def snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def hits_table(hits: list[dict[str, Any]]) -> None:
    """Ranked passages: trial, section, span, score and the start of the text."""
    from rich.table import Table

    from summarizer.cli.output import cell

    table = Table("#", "trial", "section", "span", "score", "text")
    for i, h in enumerate(hits, 1):
        c = h["chunk"]
        table.add_row(
            str(i),
            cell(c["trial_id"]),
            c["section"],
            f"{c['start']}-{c['end']}",
            f"{h['score']:.4f}",
            cell(snippet(c["text"])),
        )
    _out().print(table)


def trial_hits_table(ranked: list[dict[str, Any]]) -> None:
    """Ranked trials: id, score, title and the start of the best evidence."""
    from rich.table import Table

    from summarizer.cli.output import cell

    table = Table("#", "trial", "score", "title", "best evidence")
    for i, r in enumerate(ranked, 1):
        best = r["hits"][0]["chunk"]["text"] if r["hits"] else ""
        table.add_row(
            str(i), cell(r["trial_id"]), f"{r['score']:.4f}", cell(r["title"]), cell(snippet(best))
        )
    _out().print(table)


def trial_rows(infos: list[dict[str, Any]], *, details: bool = False) -> list[dict[str, Any]]:
    """``trials --json`` rows from the library listing (``TrialInfo``), sorted by id; with
    ``details``, status and phase in plain words ('Phase 1 and Phase 2') and the registry's
    phases."""
    rows = []
    for t in sorted(infos, key=lambda t: t["trial_id"]):
        row = {
            "trial_id": t["trial_id"],
            "title": t["title"],
            "source": t["source_path"],
            "chunks": t["chunks"],
        }
        if details:
            row |= {"status": t.get("status"), "phase": t.get("phase"), "phases": t.get("phases")}
        rows.append(row)
    return rows


def trials_table(rows: list[dict[str, Any]]) -> None:
    """The library as a table (status and phase in plain words when the rows have them), and
    its size on stderr."""
    from rich.table import Table

    from summarizer.cli.output import cell, console

    details = bool(rows) and "phase" in rows[0]
    columns = ["trial", "title", *(["status", "phase"] if details else []), "source", "chunks"]
    table = Table(*columns)
    for r in rows:
        plain = [cell(r["status"] or "-"), cell(r["phase"] or "-")] if details else []
        table.add_row(
            cell(r["trial_id"]), cell(r["title"]), *plain, cell(r["source"]), str(r["chunks"])
        )
    _out().print(table)
    console(stderr=True).print(f"{len(rows)} trials")
