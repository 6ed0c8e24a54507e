"""``trialsum config``: every setting, its value and where it came from (flag, env, file, default).

Secrets are masked: the API key shows only whether it is set and its last four characters, and
credentials inside the endpoint URL are replaced.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table

from summarizer.cli.app import app
from summarizer.config import CONFIG_ENV, ConfigError, Settings, config_path, origins

out = Console()


class SettingRow(BaseModel):
    """One line of ``trialsum config``."""

    name: str
    value: Any
    origin: str  # flag, env, file, default, or unset (env-only settings not in the environment)
    env: str  # the environment variable that sets it


def mask(secret: str | None) -> str | None:
    """``****abcd`` for a key long enough to keep four characters hidden enough; else ``****``."""
    if not secret:
        return None
    return "****" + secret[-4:] if len(secret) >= 16 else "****"


def rows(flags: dict[str, Any] | None = None) -> list[SettingRow]:
    """Every setting of ``Settings(**flags)`` with its origin; the OpenAI ones from the env."""
    from summarizer.llm_client import redact

    flags = flags or {}
    settings = Settings(**flags)
    where = origins(flags)
    prefix = Settings.model_config.get("env_prefix", "")
    out_rows = [
        SettingRow(
            name=name,
            value=_plain(getattr(settings, name)),
            origin=where[name],
            env=f"{prefix}{name}".upper(),
        )
        for name in Settings.model_fields
    ]
    key, url = settings.openai_api_key, settings.openai_base_url
    out_rows.append(
        SettingRow(
            name="openai_api_key",
            value=mask(key),
            origin="env" if key else "unset",
            env="OPENAI_API_KEY",
        )
    )
    out_rows.append(
        SettingRow(
            name="openai_base_url",
            value=redact(url, [key]) if url else None,
            origin="env" if url else "unset",
            env="OPENAI_BASE_URL",
        )
    )
    return out_rows


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    """``key=value`` pairs given with ``--set``; a bad pair or unknown key is a one-line error."""
    flags: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or key not in Settings.model_fields:
            known = ", ".join(Settings.model_fields)
            raise typer.BadParameter(f"{pair!r}: expected KEY=VALUE with KEY one of: {known}")
        flags[key] = value
    return flags


@app.command("config")
def config_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help=f"Config file to read (default: ${CONFIG_ENV} or config.toml in the home folder).",
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="KEY=VALUE as a command flag would set it (repeatable)."),
    ] = None,
) -> None:
    """Show every setting, its value and where it came from: flag > env > file > default."""
    if config is not None:
        os.environ[CONFIG_ENV] = str(config)
    flags = _parse_sets(sets or [])
    try:
        table = rows(flags)
    except ConfigError as exc:
        print(f"trialsum: {exc}", file=sys.stderr)
        raise typer.Exit(78) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        print(f"trialsum: setting {where}: {first['msg']}", file=sys.stderr)
        raise typer.Exit(78) from None
    path = config_path()
    if as_json:
        payload = {
            "config_file": str(path),
            "config_file_exists": path.exists(),
            "settings": [r.model_dump() for r in table],
        }
        print(json.dumps(payload, indent=2))
        return
    state = "" if path.exists() else " (not present)"
    out.print(f"config file: {path}{state}", markup=False, highlight=False)
    grid = Table("setting", "value", "from", "environment variable")
    for column in grid.columns:
        column.overflow = "fold"
    for r in table:
        grid.add_row(r.name, "" if r.value is None else str(r.value), r.origin, r.env)
    out.print(grid)
