"""The criteria parser's fingerprint: what decides a parse besides the trial (the schema, the
parser's own code, the lexicon and the vocabulary). A stored parse with another fingerprint is
stale, so a parser fix reaches stored trials without a schema bump or a re-ingest."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from summarizer.criteria.detect import LEXICON
from summarizer.criteria.model import SCHEMA_VERSION
from summarizer.criteria.vocabulary import DATA as VOCABULARY

_HERE = Path(__file__).resolve().parent
# The code that turns criteria text into constraints: a change here changes parses.
PARSER_CODE = (
    _HERE / "abbreviations.py",
    _HERE / "detect.py",
    _HERE / "parse.py",
    _HERE / "prefilter.py",
    _HERE / "vocabulary.py",
    _HERE.parent / "parsers" / "bullets.py",
    _HERE.parent / "models" / "criteria.py",
)


@cache
def parser_fingerprint() -> str:
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for path in (*PARSER_CODE, LEXICON, VOCABULARY):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(f"missing {path.name}".encode())
    return f"{SCHEMA_VERSION}-{digest.hexdigest()[:12]}"
