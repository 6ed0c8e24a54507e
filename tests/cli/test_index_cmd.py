"""`trialsum ingest / search / trials / remove`, against a local folder and a Chroma server."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config import Settings
from summarizer.runtime import Runtime
from tests.word_hash import WordHashEmbedder
from vectorstore.chroma_connection import LocalFolder
from vectorstore.chroma_store import META_ID
from vectorstore.server import ChromaServer
from vectorstore.store_lock import StoreLock

runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def fast_embedder() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Runtime, "embedder", property(lambda self: WordHashEmbedder()))
        patch.setenv("ANONYMIZED_TELEMETRY", "False")
        yield


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def indexed(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seeds, ingested once for the module's read-only tests."""
    store = tmp_path_factory.mktemp("cli") / "data"
    code, out, _ = run("ingest", str(samples_dir), "--store", str(store), "--json")
    assert code == 0
    assert json.loads(out)["trials_new"] == 5
    return store


def test_every_command_has_help() -> None:
    for command in ("ingest", "search", "trials", "remove"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "--store" in out and "--chroma-url" in out


def test_trials_lists_what_was_ingested(indexed: Path) -> None:
    code, out, _ = run("trials", "--store", str(indexed), "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 5
    by_id = {r["trial_id"]: r for r in rows}
    assert by_id["NCT04430530"]["chunks"] > 10
    assert by_id["NCT04430530"]["source"].endswith("003_fc0f18db367d5be9.txt")


def test_search_filters_by_trial_and_section(indexed: Path) -> None:
    code, out, _ = run(
        "search", "HIV infection", "--store", str(indexed), "--section", "exclusion",
        "--trial", "NCT04430530", "-k", "3", "--json",
    )  # fmt: skip
    hits = json.loads(out)
    assert code == 0 and hits
    assert {h["chunk"]["trial_id"] for h in hits} == {"NCT04430530"}
    assert {h["chunk"]["section"] for h in hits} == {"exclusion"}
    assert any("HIV" in h["chunk"]["text"] for h in hits)


def test_search_trials_ranks_trials(indexed: Path) -> None:
    code, out, _ = run("search", "lupus", "--trials", "--store", str(indexed), "--json")
    ranked = json.loads(out)
    assert code == 0 and ranked
    assert "lupus" in " ".join(h["chunk"]["text"] for h in ranked[0]["hits"]).lower()


def test_search_rejects_an_unknown_section(indexed: Path) -> None:
    code, _, err = run("search", "x", "--section", "nope", "--store", str(indexed))
    assert code == 2 and "unknown section 'nope'" in err


def test_remove_deletes_one_trial(samples_dir: Path, tmp_path: Path) -> None:
    indexed = tmp_path / "data"
    run("ingest", str(samples_dir / "003_fc0f18db367d5be9.txt"), "--store", str(indexed))
    assert run("remove", "NCT04430530", "--store", str(indexed))[0] == 0
    code, out, _ = run("trials", "--store", str(indexed), "--json")
    assert "NCT04430530" not in {r["trial_id"] for r in json.loads(out)}
    code, _, err = run("remove", "NCT04430530", "--store", str(indexed))
    assert code == 1 and "no trial 'NCT04430530'" in err


def test_a_store_busy_for_too_long_ends_ingest_with_one_clear_line(
    samples_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "data"
    assert run("ingest", str(sorted(samples_dir.glob("000_*"))[0]), "--store", str(store))[0] == 0
    folder = LocalFolder.get(store / "store" / "chroma")
    other_process = StoreLock(folder.lock.path)  # its own descriptor: a second holder
    with other_process.hold(exclusive=True):
        folder.lock.timeout = 0.3
        try:
            code, _, err = run("ingest", str(samples_dir), "--store", str(store))
        finally:
            folder.lock.timeout = 600.0
    assert code == 75
    assert "store busy" in err and "run the same command again" in err
    assert "Traceback" not in err
    code, out, _ = run("ingest", str(samples_dir), "--store", str(store), "--json")
    assert code == 0 and json.loads(out)["trials_new"] == 4


def test_a_store_from_a_newer_trialsum_ends_ingest_with_one_clear_line(
    samples_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "data"
    assert run("ingest", str(sorted(samples_dir.glob("000_*"))[0]), "--store", str(store))[0] == 0
    trials = Runtime(Settings(home=store)).store.trials
    meta = trials.get(ids=[META_ID], include=["metadatas"])["metadatas"][0]
    trials.update(ids=[META_ID], metadatas=[{**meta, "layout": "slim-v99"}])
    code, _, err = run("ingest", str(samples_dir), "--store", str(store))
    assert code == 78
    assert "newer trialsum" in err and "slim-v99" in err and "Traceback" not in err


def test_bad_files_are_named_and_the_rest_indexed(samples_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / "002_fca03fd770c4d53c.txt", docs)
    (docs / "junk.txt").write_text("nothing to see here", encoding="utf-8")
    code, out, err = run("ingest", str(docs), "--store", str(tmp_path / "data"))
    assert code == 1
    assert "junk.txt" in err and "1 new" in out and "1 failed" in out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    with ChromaServer(tmp_path_factory.mktemp("cli-chroma") / "db") as running:
        yield running


def test_a_team_sharing_only_a_server_sees_the_same_index(
    samples_dir: Path, tmp_path: Path, server: ChromaServer
) -> None:
    seed = str(samples_dir / "000_7ae368fcadf429ac.txt")
    alice, bob = str(tmp_path / "alice"), str(tmp_path / "bob")
    assert run("ingest", seed, "--store", alice, "--chroma-url", server.url)[0] == 0
    code, out, _ = run("trials", "--store", bob, "--chroma-url", server.url, "--json")
    assert code == 0
    assert [r["trial_id"] for r in json.loads(out)] == ["NCT06503094"]
    code, out, _ = run(
        "search", "HIV", "--store", bob, "--chroma-url", server.url, "--json", "-k", "2"
    )
    assert code == 0 and json.loads(out)[0]["chunk"]["trial_id"] == "NCT06503094"


def test_trials_details_say_status_and_phase_in_plain_words(indexed: Path) -> None:
    code, out, _ = run("trials", "--store", str(indexed), "--json", "--details")
    by_id = {r["trial_id"]: r for r in json.loads(out)}
    assert code == 0
    assert by_id["NCT04430530"]["phase"] == "Phase 1 and Phase 2"
    assert by_id["NCT04430530"]["phases"] == ["PHASE1", "PHASE2"]  # the registry's, kept raw
    assert by_id["NCT04430530"]["status"] == "Recruiting"
    code, table, _ = run("trials", "--store", str(indexed), "--details")
    assert code == 0 and "Phase 1 and Phase 2" in table and "Recruiting" in table
    assert "PHASE1" not in table and "RECRUITING" not in table
