"""``trialsum match "I'm 45, I have lupus ..."``: a pre-screen of the trials in the store.

Each trial found: its title, status in plain words, id and link, then the criteria the
description meets, fails and leaves open, quoted, with the words of the description each rests
on, and the questions to ask the study team. It is a pre-screen, never a decision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli.app import app
from summarizer.cli.context import assistant_errors, get_assistant


@app.command("match")
def match_command(
    description: Annotated[
        str, typer.Argument(help="The person in their own words: age, sex, condition, treatments.")
    ],
    k: Annotated[int, typer.Option("--k", "-k", help="How many trials to show (1-100).")] = 10,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Only trials with this status: recruiting, 'not yet recruiting', "
            "open (any a person can still join), completed, ...",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The MatchResult as JSON.")] = False,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: TRIALSUM_HOME).")
    ] = None,
    chroma_url: Annotated[
        str | None, typer.Option("--chroma-url", help="A Chroma server instead of a folder.")
    ] = None,
) -> None:
    """Pre-screen: which trials are worth asking about for this person, criterion by criterion
    (met, not met, open), quoted. Not a decision: go over it with the study team."""
    from summarizer.cli import match_show, show

    with assistant_errors():
        result = get_assistant(store, chroma_url).match(description, k=k, status=status)
    data = result.model_dump(mode="json")
    if as_json:
        show.json_out(data)
        return
    match_show.match_text(data)
