"""Answers and outputs a hostile or unlucky user sees: an age compared with the trial's limits
only next to those cited limits, a blank question refused by the command, and a trial id that is
markup rendered as text in Markdown and HTML."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarizer.assistant import Assistant
from summarizer.config import Settings
from summarizer.ingest import ingest_paths
from summarizer.models import Check, Citation, FitDraft, LaySummary, Statement, SummarySection
from summarizer.render import render
from summarizer.runtime import Runtime
from tests.reliability.harness import ROOT, child_env
from tests.word_hash import WordHashEmbedder

NCT = "NCT09400001"
RECORD = f"""<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>{NCT}</nct_id></id_info>
  <brief_title>Exercise for Knee Pain</brief_title>
  <brief_summary><textblock>This study tests a home exercise program for adults with knee pain.
  </textblock></brief_summary>
  <overall_status>Recruiting</overall_status>
  <eligibility>
    <criteria><textblock>
Inclusion Criteria:
  - Knee pain for at least 3 months
Exclusion Criteria:
  - Age over 65
    </textblock></criteria>
    <gender>All</gender>
    <minimum_age>18 Years</minimum_age>
    <maximum_age>65 Years</maximum_age>
  </eligibility>
</clinical_study>
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    docs = tmp_path_factory.mktemp("age-docs")
    (docs / f"{NCT}.xml").write_text(RECORD, encoding="utf-8")
    runtime = Runtime(Settings(home=tmp_path_factory.mktemp("age-home")))
    runtime.__dict__["embedder"] = WordHashEmbedder()
    assert ingest_paths([docs], runtime).trials_new == 1
    return Assistant(runtime, engine="extractive")


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("I am 70 years old, can I join?", "So an age of 70 is above its upper age limit."),
        ("I am 16, can I join?", "So an age of 16 is below its lower age limit."),
        ("I am 40 years old, can I join?", "So an age of 40 is inside that range."),
    ],
)
def test_an_age_is_compared_only_next_to_the_cited_limits_it_rests_on(
    assistant: Assistant, question: str, said: str
) -> None:
    answer = assistant.ask(question, trial_ids=[NCT])
    texts = [s.text for s in answer.statements]
    assert said in texts, texts
    verdict = answer.statements[texts.index(said)]
    premises = [s for s in answer.statements if s.key in verdict.depends_on]
    assert premises and all(p.citations for p in premises)  # the limits, quoted, are shown too
    quoted = {c.quote for p in premises for c in p.citations}
    assert {"18 Years", "65 Years"} <= quoted
    place = said.split(" is ")[1].split()[0]  # above, below or inside
    wrong = {"above", "below", "inside"} - {place}
    assert not [t for t in texts if re.search(rf"\bis ({'|'.join(wrong)})\b", t)]


def test_a_blank_question_is_a_usage_error_from_the_command(tmp_path: Path) -> None:
    def ask(question: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "summarizer", "ask", question],
            cwd=ROOT,
            env=child_env(tmp_path / "home"),
            capture_output=True,
            text=True,
            timeout=120,
        )

    blank = ask(" \t ")
    assert blank.returncode == 2 and blank.stdout == ""
    (line,) = blank.stderr.splitlines()
    assert "the question is empty" in line and "Traceback" not in blank.stderr
    asked = ask("Where is it?")  # a real question on an empty store is not refused as blank
    assert "question is empty" not in asked.stderr and asked.returncode != 2


HOSTILE_ID = '<img src=x onerror="alert(1)">[x](javascript:alert(1))'


def test_a_trial_id_that_is_markup_renders_as_text_in_markdown_and_html() -> None:
    cite = Citation(trial_id=HOSTILE_ID, section="summary", quote="Adults.", start=0, end=7)
    claim = Statement(
        text="Adults with knee pain.",
        citations=[cite],
        check=Check(verdict="supported", score=1.0),
    )
    summary = LaySummary(
        trial_id=HOSTILE_ID,
        title="Exercise",
        engine="extractive",
        sections=[SummarySection(key="studies", heading="What it studies", statements=[claim])],
    )
    draft = FitDraft(trial_id=HOSTILE_ID, engine="extractive", good_fit=[claim])
    for output in (summary, draft):
        md = render(output, "md")
        shown = MarkdownIt("commonmark").render(md)  # what a Markdown viewer makes of it
        assert "<img" not in shown and 'href="javascript' not in shown, shown
        assert "&lt;img" in shown  # the id is there, as text
        page = render(output, "html")
        assert "<img" not in page and "&lt;img" in page
