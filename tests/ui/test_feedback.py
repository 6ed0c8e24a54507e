"""Feedback: each rating is one JSON line with the question, the answer and its citations."""

from __future__ import annotations

import json

from summarizer.models import Answer, Check, Citation, Statement
from ui import feedback


def test_ratings_append_one_json_line_each(tmp_path):
    cite = Citation(trial_id="NCT1", section="eligibility", quote="18 years", start=5, end=13)
    said = Statement(
        text="From 18 years.", citations=[cite], check=Check(verdict="supported", score=1.0)
    )
    answer = Answer(question="How old?", statements=[said], engine="extractive")
    path = tmp_path / "sub" / "feedback.jsonl"
    feedback.record(answer, "up", path)
    feedback.record(answer, "down", path)
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["rating"] == "up"
    assert first["question"] == "How old?"
    assert first["citations"][0]["quote"] == "18 years"
    assert [e.rating for e in feedback.load(path)] == ["up", "down"]


def test_load_skips_damaged_lines(tmp_path):
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"oops"\n')
    assert feedback.load(path) == []
