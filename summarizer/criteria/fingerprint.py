"""The criteria parser's fingerprint: what decides a parse besides the trial (the schema, the
lexicon and the vocabulary). A stored parse with another fingerprint is stale."""

from __future__ import annotations

import hashlib
from functools import cache

from summarizer.criteria.detect import LEXICON
from summarizer.criteria.model import SCHEMA_VERSION
from summarizer.criteria.vocabulary import DATA as VOCABULARY


@cache
def parser_fingerprint() -> str:
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for path in (LEXICON, VOCABULARY):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(f"missing {path.name}".encode())
    return f"{SCHEMA_VERSION}-{digest.hexdigest()[:12]}"
