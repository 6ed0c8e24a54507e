"""Trial page: the lay summary in the seed layout, graded and traceable, with exports."""

from __future__ import annotations

import json

import pytest

from summarizer.assistant import Assistant
from summarizer.models import LaySummary


def test_summary_sections_with_grades_and_marked_sentences(library, page):
    at = page("trial")
    at.session_state["editor_view"] = True
    at.run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "<h3>" in html
    assert "Reading grade" in html
    assert "ts-sentence" in html and 'title="' in html
    assert any("Written by the offline" in c.value for c in at.caption)


def test_exports_markdown_html_and_json(library, page):
    at = page("trial")
    labels = [b.label for b in at.download_button if b.key != "dl_print"]
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


def test_the_patient_view_has_no_grades_engines_or_registry_codes(library, page):
    at = page("trial")
    at.selectbox(key="trial_pick").set_value("NCT04430530").run()
    html = "\n".join(m.value for m in at.markdown)
    assert "ts-sentence" in html
    assert "Reading grade" not in html
    assert not any("Written by the" in c.value for c in at.caption)
    assert "PHASE" not in html and "Phase 1 and Phase 2" in html
    assert "Recruiting" in html


def test_each_sentence_shows_its_real_check_and_the_legend_matches_the_exports(library, page):
    from summarizer.render import CHECK_MARKS
    from ui import components

    at = page("trial")
    summary = LaySummary.model_validate(at.session_state[_summary_key(at)])
    html = "\n".join(m.value for m in at.markdown)
    assert "Not checked" not in html
    verdicts = {s.check.verdict for sec in summary.sections for s in sec.statements}
    assert "supported" in verdicts
    legend = next(m.value for m in at.markdown if "ts-legend" in m.value)
    files = {ext: data for _, data, ext, _ in components.summary_files(summary)}
    for verdict in verdicts:
        mark, meaning = CHECK_MARKS[verdict]
        assert mark in legend and meaning in legend
        assert mark in files["md"] and meaning in files["md"]
        assert f"check-{verdict}" in files["html"]
    supported = sum(
        s.check.verdict == "supported" for sec in summary.sections for s in sec.statements
    )
    assert html.replace(legend, "").count("ts-mark ts-mark-supported") == supported
    assert sum(line.endswith(" ✓") for line in files["md"].splitlines()) == supported


def test_links_are_links(library, page):
    at = page("trial")
    at.selectbox(key="trial_pick").set_value("NCT04430530").run()
    html = "\n".join(m.value for m in at.markdown)
    assert '<a href="https://clinicaltrials.gov/study/NCT04430530"' in html
    assert 'href="mailto:c@szgimi.org"' in html
    assert 'href="tel:+86075586725195"' in html


def test_a_printable_page_with_questions_for_the_study_team(library, page):
    at = page("trial")
    printable = next(b for b in at.download_button if b.key == "dl_print")
    assert printable.label == "Printable one-page summary"
    subheads = [s.value for s in at.subheader]
    assert "Questions to ask the study team" in subheads


def test_editor_view_shows_how_the_criteria_were_read(library, page):
    at = page("trial")
    at.session_state["editor_view"] = True
    at.selectbox(key="trial_pick").set_value("NCT06503094").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert "How the criteria were read" in labels
    html = "\n".join(m.value for m in at.markdown)
    assert "inclusion 1" in html and "exclusion 1" in html
    assert "age" in html and "“" in html  # a typed constraint with its quoted words


def test_patient_view_does_not_show_the_criteria_reading(library, page):
    at = page("trial")
    at.selectbox(key="trial_pick").set_value("NCT06503094").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert "How the criteria were read" not in labels
    assert any(label.startswith("Sources for") for label in labels)
