"""Data files the extractive engine reads (glossary, intents, thresholds), loaded once by name."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from summarizer.config import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@cache
def load(name: str) -> dict[str, Any]:
    """``prompts/<name>.json`` as a dict; a missing or broken file is a clear error."""
    path = PROMPTS_DIR / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: data file missing from the install") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


def threshold(key: str) -> float:
    return float(load("thresholds")[key])
