"""Prompt templates as versioned Markdown files, loaded by name.

A prompt file starts with a front-matter block (``name`` and ``version``), then a ``## system``
and a ``## user`` section. Placeholders are ``{{name}}``. They are filled in a single pass, so text
put into a placeholder (a document, a question) is never scanned for further placeholders: a
document that contains ``{{question}}`` stays literal text. A prompt change is a reviewable diff.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, Field

PROMPTS_DIR = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n", re.DOTALL)
_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


class PromptError(ValueError):
    """A prompt file is missing, malformed, or rendered with the wrong values."""


class Prompt(BaseModel):
    name: str
    version: int = Field(ge=1)
    system: str
    user: str

    @property
    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.system)) | set(_PLACEHOLDER.findall(self.user))

    @property
    def label(self) -> str:
        """``name@version``: recorded with outputs so a result can be traced to its prompt."""
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every placeholder filled; missing or unknown names are errors."""
        missing = self.placeholders - values.keys()
        unknown = values.keys() - self.placeholders
        if missing or unknown:
            raise PromptError(
                f"prompt {self.label}: missing values {sorted(missing)}, "
                f"unknown values {sorted(unknown)}"
            )
        return _fill(self.system, values), _fill(self.user, values)


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def parse_prompt(text: str, *, source: str = "<string>") -> Prompt:
    match = _FRONT_MATTER.match(text)
    if not match:
        raise PromptError(f"{source}: no front matter (--- name/version ---) at the top")
    meta: dict[str, str] = {}
    for line in match.group("meta").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    body = text[match.end() :]
    parts = _SECTION.split(body)
    # parts: [preamble, 'system', text, 'user', text]
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise PromptError(f"{source}: needs exactly one '## system' and one '## user' section")
    try:
        return Prompt(
            name=meta.get("name", ""),
            version=int(meta.get("version", "0")),
            system=sections["system"],
            user=sections["user"],
        )
    except ValueError as exc:
        raise PromptError(f"{source}: bad front matter ({exc})") from exc


@functools.cache
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    """The prompt stored as ``<directory>/<name>.md``."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise PromptError(f"bad prompt name {name!r}")
    path = directory / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"{path}: no such prompt")
    prompt = parse_prompt(path.read_text(encoding="utf-8"), source=str(path))
    if prompt.name != name:
        raise PromptError(f"{path}: front matter says name {prompt.name!r}, expected {name!r}")
    return prompt
