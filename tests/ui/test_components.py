"""Components: document text is always escaped; quotes are highlighted inside their section."""

from __future__ import annotations

from summarizer.models import Check, Chunk, Citation, Statement
from ui import components


def _chunk(start: int, end: int, section: str, text: str) -> Chunk:
    return Chunk(
        id=f"c{start}",
        trial_id="t",
        section=section,
        text=text[start:end],
        start=start,
        end=end,
        source_path="x.txt",
        content_hash="h",
        ordinal=start,
    )


def test_highlight_escapes_markup_and_marks_the_quote():
    text = "Intro <script>alert(1)</script> must be 18 years or older. Tail & more."
    start = text.index("must")
    end = text.index(".", start)
    out = components.highlighted_source(text, start, end, 0, len(text))
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<mark>must be 18 years or older</mark>" in out
    assert "&amp; more" in out


def test_long_sections_are_trimmed_around_the_quote():
    text = "a" * 5000 + "QUOTE" + "b" * 5000
    start = text.index("QUOTE")
    out = components.highlighted_source(text, start, start + 5, 0, len(text))
    assert out.startswith("… ") and out.endswith(" …")
    assert len(out) < 2 * components.WINDOW + 100


def test_section_bounds_cover_the_run_of_same_section_chunks():
    text = "Inclusion: age 18+. Adequate organ function. Exclusion: pregnancy."
    chunks = [
        _chunk(0, 19, "inclusion", text),
        _chunk(20, 44, "inclusion", text),
        _chunk(45, len(text), "exclusion", text),
    ]
    cite = Citation(trial_id="t", section="inclusion", quote="age 18+", start=11, end=18)
    assert components.section_bounds(cite, chunks) == (0, 44)


def test_a_quote_outside_its_named_section_is_shown_in_the_chunk_that_holds_it():
    text = "Quick facts\nAges 14 Years to 75 Years\nSex All\n\nInclusion: relapsed tumour."
    facts_end = text.index("\n\n")
    chunks = [
        _chunk(0, facts_end, "quick_facts", text),
        _chunk(facts_end + 2, len(text), "inclusion", text),
    ]
    start = text.index("14 Years")
    cite = Citation(
        trial_id="t", section="eligibility", quote="14 Years", start=start, end=start + 8
    )
    assert components.section_bounds(cite, chunks) == (0, facts_end)


def test_a_quote_no_chunk_covers_is_shown_in_its_paragraph():
    text = "Title\n\nAges 14 Years to 75 Years\nSex All\n\nMore."
    start = text.index("14 Years")
    cite = Citation(
        trial_id="t", section="eligibility", quote="14 Years", start=start, end=start + 8
    )
    lo, hi = components.section_bounds(cite, [], text)
    assert text[lo:hi] == "Ages 14 Years to 75 Years\nSex All"


def test_markdown_escape_neutralizes_syntax():
    assert components.md_escape("*bold* [x](y) <b>") == r"\*bold\* \[x\]\(y\) \<b\>"


def test_statement_html_marks_flagged_sentences_and_escapes_the_tooltip():
    cite = Citation(trial_id="t", section="summary", quote='He said "<hi>"', start=0, end=14)
    ok = Statement(text="Fine <b>", citations=[cite], check=Check(verdict="supported", score=1))
    bad = Statement(text="Made up", check=Check(verdict="unsupported", score=0.1))
    ok_html = components.statement_html(ok)
    assert "ts-supported-line" in ok_html and "Fine &lt;b&gt;" in ok_html
    assert 'title="Source: He said &quot;&lt;hi&gt;&quot;"' in ok_html
    bad_html = components.statement_html(bad)
    assert "ts-flagged-line" in bad_html and "Not found in the source" in bad_html
    assert '<span class="ts-flag">⚑ not found in source</span>' in bad_html, (
        "visible, not hover-only"
    )
    assert "ts-flag" not in ok_html


def test_badges_name_the_verdict_and_grade():
    assert "Contradicted" in components.verdict_badge("contradicted")
    assert "ts-grade-ok" in components.grade_badge(6.2)
    assert "ts-grade-high" in components.grade_badge(11.0)
    assert components.grade_badge(None) == ""
