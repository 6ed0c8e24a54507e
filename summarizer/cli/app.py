"""The typer application every command module registers on, loading those modules on demand.

``trialsum CMD`` imports only the module that defines CMD (``COMMANDS``); ``--help``, an unknown
name or a name the map does not know yet imports every ``*_cmd`` module. So a command pays only
for its own imports, and a module added by anyone works before it is listed here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import typer
from typer.core import TyperGroup

#: Where each command lives (a speed-up only: a missing or stale entry falls back to all).
COMMANDS = {
    "ask": "answer_cmd",
    "summarize": "answer_cmd",
    "draft-fit": "answer_cmd",
    "check-fit": "answer_cmd",
    "demo": "answer_cmd",
    "ingest": "index_cmd",
    "search": "index_cmd",
    "trials": "index_cmd",
    "remove": "index_cmd",
    "parse": "parse_cmd",
    "eval": "eval_cmd",
    "ui": "ui_cmd",
    "serve": "serve_cmd",
    "config": "config_cmd",
    "llm": "llm_cmd",
    "criteria": "criteria_cmd",
    "match": "match_cmd",
}


def command_modules() -> list[str]:
    """Every ``summarizer/cli/*_cmd.py``, in name order."""
    here = [str(Path(__file__).parent)]
    return sorted(m.name for m in pkgutil.iter_modules(here) if m.name.endswith("_cmd"))


class LazyCommands(TyperGroup):
    """A command group that imports a command's module when the command is first needed."""

    def get_command(self, ctx, cmd_name):  # type: ignore[no-untyped-def]
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self._load([COMMANDS[cmd_name]])
        if cmd_name not in self.commands:
            self._load(command_modules())
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):  # type: ignore[no-untyped-def]
        self._load(command_modules())
        return super().list_commands(ctx)

    def _load(self, modules: list[str]) -> None:
        for name in modules:
            importlib.import_module(f"summarizer.cli.{name}")
        for name, command in typer.main.get_group(app).commands.items():
            self.commands.setdefault(name, command)


app = typer.Typer(
    name="trialsum",
    help="Clinical-trial documents made readable: parse, index, ask, summarize, check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyCommands,
)


@app.callback()
def _root() -> None:
    """Clinical-trial documents made readable: parse, index, ask, summarize, check."""
