"""Properties of the criteria parser on any text: it never raises, every span slices to the words
it claims, and no word of a criterion is dropped (typed, or kept as remainder)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.criteria import parse_trial
from summarizer.criteria.model import CriteriaSet, ParsedCriterion
from summarizer.models import Trial

from .build import trial_with

FRAGMENTS = [
    "ECOG 0-2", "hemoglobin >= 9 g/dL", "within 6 months", "more than 5 years ago", "except",
    "other than", "1 of the following 4 items can be met:", "\n  1. ", "\n    - ", "\n* ",
    "no history of", "myocardial infarction", "heart attack", "LVEF \\<50%", "age ≥ 18 years",
    "Not pregnant or nursing", "informed consent", "prior chemotherapy", "; ", ": ", "(", ")",
    "at least 4 weeks since", "Karnofsky 60-100%", "x 10^9/L", "stage IIIB", "HIV", "MI",
    "basal cell carcinoma", "NYHA class III or IV", "platelets", "1.5 x ULN", "\n\n", "  ",
]  # fmt: skip
_BULLET_AT_LINE = re.compile(
    r"^[ \t]*(?:--?|[*•·◦▪‣○]|o(?=\s)|\d{1,3}[.)]|\(\d{1,3}\)|[a-zA-Z][.)]|\([a-zA-Z]\)|"
    r"(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)])",
    re.MULTILINE,
)

criterion_text = (
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=12)),
        min_size=1,
        max_size=14,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


def _covered_by(node: ParsedCriterion) -> list[tuple[int, int]]:
    spans = [(c.span.start, c.span.end) for c in (*node.constraints, *node.exceptions)]
    spans += [(r.start, r.end) for r in node.remainder]
    for child in node.children:
        spans += _covered_by(child)
    return spans


def _marker_positions(text: str, start: int, end: int) -> set[int]:
    """List markers ('1.', 'ii.', '-') at line starts: structure, not words."""
    out: set[int] = set()
    for m in _BULLET_AT_LINE.finditer(text[start:end]):
        out.update(range(start + m.start(), start + m.end()))
    return out


def _check(trial: Trial, parsed: CriteriaSet) -> None:
    text = trial.source.text
    assert len(parsed.criteria) == len(trial.criteria)
    for crit, node in zip(trial.criteria, parsed.criteria, strict=True):
        span = crit.spans[0]
        assert (node.span.start, node.span.end) == (span.start, span.end)
        for sub in node.walk():
            assert span.start <= sub.span.start <= sub.span.end <= span.end
            for c in (*sub.constraints, *sub.exceptions):
                assert text[c.span.start : c.span.end] == c.text
                assert sub.span.start <= c.span.start < c.span.end <= sub.span.end
            for r in sub.remainder:
                assert text[r.start : r.end].strip() != ""
        covered = _covered_by(node)
        markers = _marker_positions(text, span.start, span.end)
        for pos in range(span.start, span.end):
            if text[pos].isalnum() and pos not in markers:
                assert any(s <= pos < e for s, e in covered), (text[span.start : span.end], pos)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(criterion_text, min_size=1, max_size=4), st.lists(criterion_text, max_size=3))
def test_parser_never_raises_spans_slice_and_no_word_is_dropped(inc, exc):
    inc = [t.replace("\n", " ") if i == 0 else t for i, t in enumerate(inc)]
    trial = trial_with([t.strip("\n") or "x" for t in inc], [t.strip("\n") or "x" for t in exc])
    parsed = parse_trial(trial)
    _check(trial, parsed)


def test_the_property_check_fails_on_a_dropped_word():
    """The coverage check above can fail: a parse that loses its remainder is caught."""
    trial = trial_with(["Adequate bone marrow function and a wish to take part"])
    parsed = parse_trial(trial)
    _check(trial, parsed)
    parsed.criteria[0].remainder.clear()
    try:
        _check(trial, parsed)
    except AssertionError:
        return
    raise AssertionError("a parse with no remainder passed the coverage check")
