"""Summaries for every trial of the corpus: the 5 samples and the 100 API v2 trials.

Each is summarized by the extractive engine from the store (the path ``trialsum summarize`` takes)
and rendered as json, md and html with no error; each has the sections its source has the facts
for. The store is built once per module with a bag-of-words stand-in for the ONNX model: the
summaries do not use retrieval, and real embeddings would make ingest, not summaries, the cost.

    .venv/bin/pytest -m slow tests/engines/test_corpus_summaries.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.assistant import Assistant
from summarizer.config import Settings
from summarizer.ingest import ingest_paths
from summarizer.models import LaySummary, Trial
from summarizer.render import render
from summarizer.runtime import Runtime
from tests.word_hash import WordHashEmbedder

pytestmark = pytest.mark.slow

V2 = "ctgov_v2_nsclc_100.json"


@pytest.fixture(scope="module")
def corpus(
    shared_data: Path, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Runtime, list[str]]:
    v2 = shared_data / V2
    if not v2.is_file():
        pytest.skip(f"{v2} not found (set TRIALSUM_DATA_DIR)")
    home = tmp_path_factory.mktemp("corpus_home")
    runtime = Runtime(Settings(home=home, engine="extractive"))
    runtime.__dict__["embedder"] = WordHashEmbedder()  # replaces the cached property
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        report = ingest_paths([samples_dir, v2], runtime)
    assert not report.trials_failed, [f.line() for f in report.trials_failed]
    ids = runtime.store.trial_ids()
    assert len(ids) == 105, len(ids)
    return runtime, ids


@pytest.fixture(scope="module")
def summaries(corpus: tuple[Runtime, list[str]]) -> dict[str, tuple[Trial, LaySummary]]:
    runtime, ids = corpus
    assistant = Assistant(runtime, engine="extractive")
    out = {}
    for tid in ids:
        trial = runtime.store.get_trial(tid)
        assert trial is not None, tid
        out[tid] = (trial, assistant.summarize(tid))
    return out


def expected_sections(trial: Trial) -> set[str]:
    """The sections the source has the facts for."""
    want = {"quick_facts", "how"}
    if trial.brief_summary or trial.interventions or trial.conditions:
        want.add("studies")
    if trial.inclusion_criteria:
        want.add("good_fit")
    if trial.exclusion_criteria:
        want.add("not_fit")
    if trial.locations:
        want.add("where")
    return want


def test_every_trial_renders_in_json_md_and_html(summaries):
    for tid, (trial, summary) in summaries.items():
        data = json.loads(render(summary, "json"))
        assert data["trial_id"] == tid
        md = render(summary, "md")
        assert trial.title.split()[0] in md, tid
        html = render(summary, "html")
        assert html.lstrip().lower().startswith("<!doctype html") or "<html" in html.lower()
        assert "<script" not in html.lower(), tid


def test_every_summary_has_the_sections_its_source_supports(summaries):
    missing = {}
    for tid, (trial, summary) in summaries.items():
        keys = {s.key for s in summary.sections}
        if lost := expected_sections(trial) - keys:
            missing[tid] = sorted(lost)
    assert not missing, missing


def test_every_cited_quote_is_the_source_text(summaries):
    for tid, (trial, summary) in summaries.items():
        for section in summary.sections:
            for st in section.statements:
                for c in st.citations:
                    assert trial.source.text[c.start : c.end] == c.quote, (tid, st.text)
