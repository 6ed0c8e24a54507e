"""The warm reader's caches (``vectorstore.store_reads``): a trial read twice at the same view is
parsed once, and every write -- a new version, a criteria refresh that keeps the generation, a
write through another store object -- is seen by the next read, in both store modes."""

from __future__ import annotations

from types import SimpleNamespace

from summarizer.assistant import Assistant
from summarizer.chunking import chunk_trial
from summarizer.config import Settings
from summarizer.criteria import parse_trial
from summarizer.models import Trial
from tests.vectorstore.conftest import KIDNEY, LUNG, make_trial
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.factory import open_retriever


def put(store: ChromaTrialStore, *trials: Trial) -> None:
    store.put_trials([(t, chunk_trial(t)) for t in trials])


def changed_lung() -> Trial:
    return make_trial(**{**LUNG, "title": "Nivolumab for Advanced Lung Cancer"})  # type: ignore[arg-type]


def test_a_second_read_at_the_same_view_is_the_cached_trial(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, *trials)
    tid = trials[0].trial_id
    first = store.get_trial(tid)
    assert first == trials[0]
    assert store.get_trial(tid) is first
    assert store.get_trial(trials[1].trial_id) == trials[1]  # another trial: its own record
    assert store.get_trial("NCT99999999") is None


def test_a_new_version_is_read_after_its_write(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, *trials)
    tid = trials[0].trial_id
    old = store.get_trial(tid)
    assert old is not None and old.title == LUNG["title"]
    put(store, changed_lung())
    new = store.get_trial(tid)
    assert new is not None and new.title == "Nivolumab for Advanced Lung Cancer"
    assert old.title == LUNG["title"]  # the object handed out before is left as it was
    assert store.states_of([tid])[tid].title == "Nivolumab for Advanced Lung Cancer"


def test_a_criteria_refresh_is_read_though_the_generation_stays(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, *trials)
    tid = trials[0].trial_id
    before = store.get_trial(tid)
    assert before is not None and before.criteria_parsed is None
    generation = store.generation()
    fresh = trials[0].model_copy(deep=True)
    fresh.criteria_parsed = parse_trial(fresh)
    assert store.refresh_criteria([fresh]) == [tid]
    assert store.generation() == generation
    assert store.get_trial(tid) == fresh


def test_a_write_through_another_store_object_is_read(
    store: ChromaTrialStore, trials: list[Trial], embedder, store_location
) -> None:
    put(store, *trials)
    tid = trials[0].trial_id
    assert store.get_trial(tid) == trials[0]
    store_dir, url, collection = store_location
    other = ChromaTrialStore.open(
        embedder=embedder, store_dir=store_dir, chroma_url=url, collection=collection
    )
    put(other, changed_lung())
    got = store.get_trial(tid)
    assert got is not None and got.title == "Nivolumab for Advanced Lung Cancer"
    other.remove_trial(trials[1].trial_id)
    assert store.get_trial(trials[1].trial_id) is None
    assert store.get_trial(trials[2].trial_id) == trials[2]


def test_a_local_refresh_through_another_store_object_is_read(
    tmp_path, trials: list[Trial], embedder
) -> None:
    """A local folder's write epoch moves on a refresh that keeps the generation."""
    open_ = lambda: ChromaTrialStore.open(  # noqa: E731
        embedder=embedder, store_dir=tmp_path / "store", chroma_url=None, collection="trialsum"
    )
    store, other = open_(), open_()
    put(store, *trials)
    tid = trials[0].trial_id
    assert store.get_trial(tid) == trials[0]
    fresh = trials[0].model_copy(deep=True)
    fresh.criteria_parsed = parse_trial(fresh)
    assert other.refresh_criteria([fresh]) == [tid]
    assert store.get_trial(tid) == fresh


def test_an_answer_across_trials_sees_a_changed_record_after_ingest(
    store: ChromaTrialStore, embedder, tmp_path
) -> None:
    """Ingest, ask across the store, ingest a changed record, ask again: the answer names it."""
    put(store, make_trial(**LUNG), make_trial(**KIDNEY))  # type: ignore[arg-type]
    settings = Settings(home=tmp_path / "home")
    runtime = SimpleNamespace(
        store=store, settings=settings, retriever=open_retriever(settings, store, embedder)
    )
    assistant = Assistant(runtime, engine="extractive")  # type: ignore[arg-type]
    question = "Which trials are for advanced lung cancer?"
    first = assistant.ask(question)
    text = " ".join(s.text for s in first.statements)
    assert "Pembrolizumab for Advanced Lung Cancer" in text and "Nivolumab" not in text
    assert assistant.ask(question) == first  # asked again at the same view: the same answer

    put(store, changed_lung())
    again = " ".join(s.text for s in assistant.ask(question).statements)
    assert "Nivolumab for Advanced Lung Cancer" in again
    assert "Pembrolizumab for Advanced Lung Cancer" not in again
