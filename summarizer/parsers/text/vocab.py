"""The data-driven vocabularies (``vocab.json``) compiled into fast line matchers.

Headings and labels are plain phrase lists so a new site layout is usually a new phrase, not code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_PATH = Path(__file__).with_name("vocab.json")
_COUNT_RE = re.compile(r"\s*\(\d+\)$")
_SPACE_RE = re.compile(r"\s+")


def heading_key(words: str) -> str:
    """Normalize a candidate heading: case, bullets, pipes, trailing colon and '(3)' counts."""
    s = words.strip().strip("|•*-·:#").strip().lower()
    s = _COUNT_RE.sub("", s).rstrip(" :")
    s = s.replace("&&", "&")
    return _SPACE_RE.sub(" ", s)


@dataclass(frozen=True)
class Vocab:
    headings: dict[str, str]  # normalized phrase -> section key
    label_re: re.Pattern[str]  # matches a label (with optional prefix) at the start of a string
    label_keys: dict[str, str]  # normalized label phrase -> field key
    space_labels: frozenset[str]
    list_labels: frozenset[str]
    boilerplate: tuple[str, ...]
    note_prefixes: tuple[str, ...]
    intervention_re: re.Pattern[str]
    arm_types: tuple[str, ...]
    sponsor_class_re: re.Pattern[str]
    disease_state_re: re.Pattern[str]
    design_re: re.Pattern[str]
    design_keys: dict[str, str]
    countries: frozenset[str]

    def heading(self, words: str) -> str | None:
        if len(words) > 80:
            return None
        return self.headings.get(heading_key(words))

    def label(self, phrase: str) -> str | None:
        return self.label_keys.get(_SPACE_RE.sub(" ", phrase.strip().lower()))

    def is_boilerplate(self, words: str) -> bool:
        low = words[:200].lower()
        return any(b in low for b in self.boilerplate)


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


@cache
def vocab() -> Vocab:
    data = json.loads(_PATH.read_text(encoding="utf-8"))
    headings = {heading_key(p): key for key, phrases in data["headings"].items() for p in phrases}
    label_keys = {p: key for key, phrases in data["labels"].items() for p in phrases}
    prefixes = _alternation(data["label_prefixes"])
    label_re = re.compile(
        rf"(?P<prefix>(?:{prefixes})\s+)?(?P<label>{_alternation(list(label_keys))})",
        re.IGNORECASE,
    )
    itypes = _alternation(data["intervention_types"])
    intervention_re = re.compile(rf"(?P<type>{itypes})\s*:\s*", re.IGNORECASE)
    classes = _alternation(data["sponsor_classes"])
    design_keys = {p: key for key, phrases in data["design_notes"].items() for p in phrases}
    return Vocab(
        headings=headings,
        label_re=label_re,
        label_keys=label_keys,
        space_labels=frozenset(data["space_labels"]),
        list_labels=frozenset(data["list_labels"]),
        boilerplate=tuple(data["boilerplate"]),
        note_prefixes=tuple(data["note_prefixes"]),
        intervention_re=intervention_re,
        arm_types=tuple(data["arm_types"]),
        sponsor_class_re=re.compile(rf"\s*\((?:{classes})\)$", re.IGNORECASE),
        disease_state_re=re.compile(
            rf"\b(?:{_alternation(data['disease_state_words'])})\b", re.IGNORECASE
        ),
        design_re=re.compile(rf"(?<![\w-])(?:{_alternation(list(design_keys))})(?![\w-])", re.I),
        design_keys=design_keys,
        countries=frozenset(data["countries"]),
    )
