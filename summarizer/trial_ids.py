"""Trial ids: validated and normalized once, for every parser, before a trial goes anywhere.

A trial id names the trial in the store, in file names and in every output, so it must be an id
a registry would issue, written one way. The raw value is NFKC-folded (full-width digits become
ASCII), stripped of invisible format characters (zero-width spaces, bidi marks) and surrounding
space, and upper-cased; it must then match one registry's form in ``trial_id_forms.json`` whole.
Anything else (a path, markup, a link) is not an id: the trial gets an id derived from its text
and a warning that quotes the refused value in printable form.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from summarizer.models import Trial, content_trial_id

_FORMS_FILE = Path(__file__).with_name("trial_id_forms.json")
_SHOWN_CHARS = 40


@cache
def _forms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = json.loads(_FORMS_FILE.read_text(encoding="utf-8"))
    return tuple((name, re.compile(rx, re.ASCII)) for name, rx in data["forms"].items())


def normalize(raw: str) -> str | None:
    """The registry id ``raw`` spells, in its one written form; ``None`` when it is not one."""
    folded = unicodedata.normalize("NFKC", raw)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    candidate = visible.strip().upper()
    if not candidate.isascii():
        return None
    for name, pattern in _forms():
        if pattern.fullmatch(candidate):
            return candidate.lower() if name == "derived by trialsum" else candidate
    return None


def shown(raw: str) -> str:
    """``raw`` quoted for a one-line message: non-printable characters as escapes, cut short."""
    text = raw.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    cut = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
    return f"'{cut}'"


def checked(trial: Trial) -> Trial:
    """``trial`` with a valid, normalized id (and NCT ID fact); a warning says what changed."""
    raw = trial.trial_id
    good = normalize(raw)
    if good == raw:
        return trial
    update: dict[str, object] = {}
    warnings = list(trial.warnings)
    if good is None:
        derived = content_trial_id(trial.source.text)
        warnings.append(
            f"trial id {shown(raw)} is not a registry id (e.g. NCT + 8 digits); "
            f"the trial id {derived} is derived from the text"
        )
        update.update(trial_id=derived, nct_id=None)
    else:
        warnings.append(f"trial id {shown(raw)} read as {good}")
        update["trial_id"] = good
        if trial.nct_id is not None:
            update["nct_id"] = trial.nct_id.model_copy(
                update={"value": good, "raw": trial.nct_id.raw or trial.nct_id.value}
            )
    update["warnings"] = warnings
    return trial.model_copy(update=update)
