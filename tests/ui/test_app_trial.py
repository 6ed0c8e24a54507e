"""Trial page: the lay summary in the seed layout, graded and traceable, with exports."""

from __future__ import annotations

import json

import pytest

from summarizer.assistant import Assistant
from summarizer.models import LaySummary


def test_summary_sections_with_grades_and_marked_sentences(library, page):
    at = page("trial")
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "<h3>" in html
    assert "Reading grade" in html
    assert "ts-sentence" in html and 'title="' in html
    assert any("Written by the offline" in c.value for c in at.caption)


def test_exports_markdown_html_and_json(library, page):
    at = page("trial")
    labels = [b.label for b in at.download_button]
    assert labels == ["Markdown", "HTML", "JSON"]
    trial_id = at.selectbox(key="trial_pick").value
    assert trial_id


def test_json_export_is_the_lay_summary(library, page):
    from ui import components

    at = page("trial")
    summary = LaySummary.model_validate(at.session_state[_summary_key(at)])
    files = {ext: data for _, data, ext, _ in components.summary_files(summary)}
    assert LaySummary.model_validate_json(files["json"]) == summary
    assert summary.title in files["md"]
    assert "<script" not in files["html"].lower() or "&lt;script" in files["html"]


def _summary_key(at) -> str:
    return next(k for k in at.session_state if str(k).startswith("memo:summary:"))


def test_a_failing_engine_is_a_friendly_error(library, page, monkeypatch: pytest.MonkeyPatch):
    def broken(self, trial_id):
        raise TimeoutError("took too long")

    monkeypatch.setattr(Assistant, "summarize", broken)
    at = page("trial")
    assert not at.exception
    assert "Sorry, something went wrong while writing the summary" in at.error[0].value


def test_an_empty_library_says_how_to_add_trials(empty_home, page):
    at = page("trial")
    assert not at.exception
    assert "no trials in the library" in at.info[0].value


def test_json_is_valid(library, page):
    at = page("trial")
    summary = LaySummary.model_validate(at.session_state[_summary_key(at)])
    assert json.loads(summary.model_dump_json())["trial_id"] == summary.trial_id
