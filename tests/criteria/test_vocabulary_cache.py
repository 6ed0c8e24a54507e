"""The vocabulary's built index is cached on disk: a current cache is read instead of rebuilding,
and a stale, torn or foreign one is rebuilt from the vocabulary file, never trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.criteria import vocabulary as vocab_mod
from summarizer.criteria.vocabulary import DATA, cache_path, from_dict, load, source_digest


def _write_vocab(path: Path, lay: str) -> None:
    data = {
        "version": 3,
        "sources": {"test": "written by this test"},
        "concepts": [
            {
                "id": "t:mi",
                "label": "Myocardial Infarction",
                "synonyms": ["MI"],
                "lay": [lay],
                "broader": ["t:heart"],
                "sources": ["test"],
            },
            {"id": "t:heart", "label": "Heart Diseases", "sources": ["test"]},
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIALSUM_HOME", str(tmp_path / "home"))
    load.cache_clear()
    yield tmp_path / "home"
    load.cache_clear()


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("vocabulary-*.marshal"))


def test_the_cached_index_is_the_built_one(home: Path) -> None:
    built = from_dict(json.loads(DATA.read_text(encoding="utf-8")))
    first = load()  # builds, writes the cache
    assert _cache_files(home) == [cache_path(source_digest(DATA.read_bytes()))]
    load.cache_clear()
    cached = load()  # reads the cache
    assert cached is not first
    assert vars(cached) == vars(built)
    assert cached.lookup("heart attack") is not None
    assert cached.lookup("heart attack").label == "Myocardial Infarction"
    assert [m.concept.label for m in cached.find("no history of heart attack")] == [
        "Myocardial Infarction"
    ]


def test_a_changed_vocabulary_file_is_rebuilt_not_read_stale(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "vocab.json"
    _write_vocab(path, "heart attack")
    assert load(path).lookup("heart attack") is not None
    old = _cache_files(home)
    assert len(old) == 1
    load.cache_clear()
    _write_vocab(path, "cardiac arrest of the muscle")  # the file changes: a new digest
    fresh = load(path)
    assert fresh.lookup("heart attack") is None
    assert fresh.lookup("cardiac arrest of the muscle") is not None
    assert _cache_files(home) != old and len(_cache_files(home)) == 1  # the stale one is gone


def test_a_cache_built_from_other_sources_is_not_trusted(home: Path, tmp_path: Path) -> None:
    """A file under the current name whose recorded digest differs (a stale or foreign index)
    is rebuilt from the vocabulary file."""
    path = tmp_path / "vocab.json"
    _write_vocab(path, "heart attack")
    other = tmp_path / "other.json"
    _write_vocab(other, "ticker trouble")
    digest = source_digest(path.read_bytes())
    stale = vocab_mod._to_cache(from_dict(json.loads(other.read_text())), "0" * 64)
    target = cache_path(digest)
    target.parent.mkdir(parents=True)
    target.write_bytes(stale)
    got = load(path)
    assert got.lookup("ticker trouble") is None
    assert got.lookup("heart attack") is not None
    assert vocab_mod._from_cache(target.read_bytes(), digest) is not None  # rewritten current


def test_a_torn_cache_is_rebuilt(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "vocab.json"
    _write_vocab(path, "heart attack")
    load(path)
    target = cache_path(source_digest(path.read_bytes()))
    target.write_bytes(target.read_bytes()[:50])
    load.cache_clear()
    assert load(path).lookup("heart attack") is not None
    assert vocab_mod._from_cache(target.read_bytes(), source_digest(path.read_bytes()))


def test_an_unwritable_cache_folder_only_means_a_rebuild(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TRIALSUM_HOME", str(blocker))  # cache folder would be inside a file
    path = tmp_path / "vocab.json"
    _write_vocab(path, "heart attack")
    assert load(path).lookup("heart attack") is not None
    assert load(path).lookup("nothing like it") is None


def test_the_digest_covers_the_code_that_keys_terms(tmp_path: Path) -> None:
    """The module's own source is part of the digest, so a change in how terms are keyed
    rebuilds every cached index."""
    raw = DATA.read_bytes()
    assert source_digest(raw) == source_digest(raw)
    assert source_digest(raw) != source_digest(raw + b" ")
    source = Path(vocab_mod.__file__).read_bytes()
    assert b"def key(" in source  # the keying code is in the hashed file
