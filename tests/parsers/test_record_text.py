"""The renderer appends text and hands back spans that quote exactly what was appended."""

from __future__ import annotations

from summarizer.models import Fact, Source, Span, Trial, sha256_text
from summarizer.parsers.record_text import (
    Renderer,
    clean_block,
    clean_inline,
    join_spans,
    span_problems,
    unescape_markdown,
)


def test_every_added_value_is_quoted_back_by_its_span() -> None:
    out = Renderer()
    first = out.field("Brief Title", "A study of X")
    out.heading("Conditions")
    items = [out.item(v) for v in ("Lung cancer", "NSCLC")]
    block = out.block("line one\n  line two")
    text = out.text
    assert text[first.start : first.end] == "A study of X"
    assert [text[s.start : s.end] for s in items] == ["Lung cancer", "NSCLC"]
    assert text[block.start : block.end] == "line one\n  line two"
    assert "\nConditions\n- Lung cancer\n- NSCLC\n" in text


def test_headings_are_separated_by_a_blank_line_except_at_the_start() -> None:
    out = Renderer()
    out.heading("Status")
    out.field("Overall Status", "Recruiting")
    out.heading("Design")
    assert out.text == "Status\nOverall Status: Recruiting\n\nDesign\n"


def test_join_spans_covers_first_to_last() -> None:
    assert join_spans(Span(start=3, end=5), Span(start=9, end=12)) == Span(start=3, end=12)


def test_clean_block_drops_carriage_returns_and_common_indent_but_keeps_nesting() -> None:
    raw = "\n      Inclusion:\r\n\r\n        -  a\r\n             b\r\n    "
    assert clean_block(raw) == "Inclusion:\n\n  -  a\n       b"


def test_clean_inline_collapses_whitespace() -> None:
    assert clean_inline("  Phase 1\n   Phase 2 ") == "Phase 1 Phase 2"


def test_markdown_escapes_render_as_the_reader_sees_them() -> None:
    assert (
        unescape_markdown(r"ECOG \>2, ANC \< 1.5 x 10\^9/L, a\_b")
        == "ECOG >2, ANC < 1.5 x 10^9/L, a_b"
    )
    assert unescape_markdown("C:\\Users stays") == "C:\\Users stays"


def _trial(text: str, **fields: object) -> Trial:
    source = Source(path="t", format="test", text=text, sha256=sha256_text(text))
    return Trial(trial_id="T", source=source, **fields)  # type: ignore[arg-type]


def test_span_problems_accepts_exact_quotes_and_reports_wrong_ones() -> None:
    good = _trial("Title: Hello", brief_title=Fact(value="Hello", spans=[Span(start=7, end=12)]))
    assert span_problems(good) == []
    bad = _trial("Title: Hello", brief_title=Fact(value="Hello", spans=[Span(start=6, end=12)]))
    assert span_problems(bad) == ["brief_title: span quotes ' Hello', expected 'Hello'"]
    missing = _trial("Title: Hello", brief_title=Fact(value="Hello"))
    assert span_problems(missing) == ["brief_title: no span for 'Hello'"]
