"""Console output that no document can take over: every document-derived string is shown as text.

Titles, trial ids, quotes, file and archive member names come from documents. On the console they
must not be read as Rich markup (``[/]`` would end the command with a MarkupError, ``[link=...]``
would emit a terminal hyperlink) nor reach the terminal as control or escape sequences (``ESC [2J``
clears the screen). Messages are one line each: when stderr is a file or a pipe nothing is wrapped
at 80 columns, so every failure stays one greppable line.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from summarizer import controls

_PIPE_WIDTH = 10_000  # a file or pipe has no width: tables take their content's width
_RULE_WIDTH = 80  # a rule on a file or pipe: a line's worth, not _PIPE_WIDTH dashes


def console(*, stderr: bool = False) -> Console:
    """A console that never wraps printed lines; tables fit a terminal, or their content when
    the output is a file or a pipe (Rich would squeeze them into 80 columns)."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else _PIPE_WIDTH
    return Console(stderr=stderr, soft_wrap=True, highlight=False, width=width)


def rule(target: Console, title: str = "") -> None:
    """A horizontal rule across a terminal, or 80 columns in a file or pipe."""
    from rich.rule import Rule

    width = None if target.is_terminal else min(target.width, _RULE_WIDTH)
    target.print(Rule(cell(title) if title else ""), width=width)


def plain(value: object) -> str:
    """``value`` as text with every control character (escape sequences included) made visible
    as U+FFFD and line breaks folded to spaces."""
    text = controls.neutralize(str(value))
    return " ".join(text.split()) if ("\n" in text or "\r" in text) else text


def cell(value: object) -> Text:
    """A table cell or printable piece holding ``value`` literally (never parsed as markup)."""
    return Text(plain(value))


def say(target: Console, *parts: object, style: str | None = None) -> None:
    """Print one line made of ``parts``: ``Text`` pieces keep their style, anything else is shown
    literally. No markup is parsed, nothing is highlighted, nothing wraps."""
    line = Text()
    for part in parts:
        line.append(part if isinstance(part, Text) else cell(part))
    if style:
        line.stylize(style)
    target.print(line, soft_wrap=True, highlight=False)


def label(text: str, style: str) -> Text:
    """A styled label written by trialsum itself, such as 'failed'."""
    return Text(text, style=style)
