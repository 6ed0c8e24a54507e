"""The lay-summary layout and the fixed wording of declines, abstentions and notes, as data.

``prompts/layout.json`` is the one place for section order and headings and for what trialsum
says when it declines, abstains or leaves sentences out; engines, the verifier and renderers read
it through ``layout()``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pydantic import BaseModel

LAYOUT_PATH = Path(__file__).resolve().parent / "layout.json"


class SectionLayout(BaseModel):
    key: str
    heading: str


class Layout(BaseModel):
    sections: list[SectionLayout]
    fit_labels: dict[str, str]
    wording: dict[str, str]
    reasons: dict[str, str]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def heading(self, key: str) -> str:
        return next((s.heading for s in self.sections if s.key == key), key)

    def say(self, name: str, **values: object) -> str:
        """The wording ``name``, filled in; ``n`` also fills the plural endings ``s``/``es``."""
        if "n" in values:
            n = values["n"]
            values.setdefault("s", "" if n == 1 else "s")
            values.setdefault("es", "es" if n == 1 else "")
        return self.wording[name].format(**values)


@functools.cache
def layout() -> Layout:
    """The layout file, read once; a broken file is a clear error."""
    try:
        return Layout.model_validate(json.loads(LAYOUT_PATH.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{LAYOUT_PATH}: cannot be read as the layout ({exc})") from None
