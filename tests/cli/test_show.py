"""The printers shared by in-process and served commands write to a pipe what Rich would, and the
served path's command line reader takes only what it fully understands."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from summarizer.cli import show
from summarizer.cli.served import parse


def rich_writes(text: str) -> str:
    """What ``Console.print(text, markup=False, highlight=False)`` writes to a file."""
    buffer = io.StringIO()
    console = Console(file=buffer, soft_wrap=True, highlight=False, width=10_000)
    console.print(text, markup=False, highlight=False, emoji=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "Yes. You can join if you are 18 or older.",
        "a\tb\tc\n\tindented\nno tab",
        "bell\x07 back\x08space vertical\x0b form\x0c return\r end",
        "wide 中文\ttab after wide; café\tx",
        "escape \x1b[2J kept as Rich keeps it",
    ],
)
def test_plain_text_is_written_as_rich_writes_it(text: str) -> None:
    assert show.as_rich_prints(text) + "\n" == rich_writes(text)


def test_json_to_a_pipe_is_what_print_json_writes(capsys: pytest.CaptureFixture[str]) -> None:
    data = [{"title": "Étude ☃ [bold]x[/]", "score": 0.5, "n": None, "ok": True}]
    show.json_out(data)
    buffer = io.StringIO()
    Console(file=buffer, soft_wrap=True, highlight=False, width=10_000).print_json(data=data)
    assert capsys.readouterr().out == buffer.getvalue()
    assert '"Étude ☃ [bold]x[/]"' in buffer.getvalue()


def test_citation_lines_show_control_characters_as_replacement_marks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = {
        "answer": "It runs in Boston.",
        "citations": [
            {
                "trial_id": "NCT1\x1b[2J",
                "section": "locations",
                "quote": "Boston\n MA",
                "start": 3,
                "end": 12,
            }
        ],
        "flagged": [],
    }
    show.ask_text(answer)
    out = capsys.readouterr().out
    assert (
        out
        == "It runs in Boston.\n\nSources:\n  [1] NCT1\ufffd[2J · locations · 3-12: “Boston MA”\n"
    )


def test_the_served_reader_takes_plain_spellings() -> None:
    assert parse(["ask", "Can I join?", "--trial", "NCT1", "-t=NCT2", "--json"]) == (
        "ask",
        ["Can I join?"],
        {"trial": ["NCT1", "NCT2"], "json": True},
    )
    assert parse(["search", "age", "-k", "3", "--section", "inclusion", "--trials"]) == (
        "search",
        ["age"],
        {"k": 3, "section": ["inclusion"], "trials": True},
    )
    assert parse(["trials"]) == ("trials", [], {})


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "--help"],
        ["ask"],  # the question is missing: typer's usage error
        ["ask", "q", "--trial"],  # a value is missing
        ["ask", "q", "--engine", "llm", "--engine", "extractive"],
        ["search", "age", "--store", "/tmp/x"],  # a local store: never the server
        ["search", "age", "-k", "many"],
        ["trials", "--json=yes"],
        ["summarize", "NCT1"],  # not a command served here
        ["ask", "q", "--", "-x"],
        [],
    ],
)
def test_the_served_reader_leaves_everything_else_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None
