"""Section-aware chunking: every chunk is an exact source span, criteria stand alone."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.chunking import TOKEN_BUDGET, _split, chunk_trial, count_tokens
from summarizer.loader import parse_paths
from summarizer.models import Criterion, Fact, Source, Span, Trial, sha256_text


@pytest.fixture(scope="module")
def seed_trials(samples_dir: Path) -> list[Trial]:
    outcomes = list(parse_paths([samples_dir]))
    assert all(o.error is None for o in outcomes)
    return [t for o in outcomes for t in o.trials]


@pytest.fixture(scope="module")
def xml_trials(shared_data: Path) -> list[Trial]:
    """The first 25 records of the legacy XML archive, parsed by the real parser."""
    from summarizer.parsers import parse_text

    out: list[Trial] = []
    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                data = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
                out += parse_text(member.name, data)
            if len(out) >= 25:
                break
    return out


def check_invariants(trial: Trial) -> None:
    chunks = chunk_trial(trial)
    assert chunks, trial.trial_id
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.text == trial.source.text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip() and chunk.text
        assert chunk.content_hash == sha256_text(chunk.text)
        assert chunk.id == (
            f"{trial.trial_id}:{chunk.section}:{chunk.start}-{chunk.end}:{chunk.content_hash[:8]}"
        )
        assert chunk.trial_id == trial.trial_id and chunk.title == trial.title
        assert chunk.source_path == trial.source.path
        assert count_tokens(chunk.text) <= TOKEN_BUDGET or " " not in chunk.text
        assert (chunk.kind is not None) == (chunk.section in ("inclusion", "exclusion"))
    for criterion in trial.criteria:
        low = min(s.start for s in criterion.spans)
        high = max(s.end for s in criterion.spans)
        inside = [
            c for c in chunks if c.section == criterion.kind and low <= c.start and c.end <= high
        ]
        assert inside, f"{trial.trial_id}: no chunk for criterion {criterion.text[:40]!r}"


def test_seed_chunks_quote_their_source_and_keep_criteria_apart(seed_trials: list[Trial]) -> None:
    assert len(seed_trials) == 5
    for trial in seed_trials:
        check_invariants(trial)


def test_xml_chunks_quote_their_source_and_keep_criteria_apart(xml_trials: list[Trial]) -> None:
    for trial in xml_trials:
        check_invariants(trial)


def test_sections_come_from_the_fields_that_were_parsed(seed_trials: list[Trial]) -> None:
    for trial in seed_trials:
        sections = {c.section for c in chunk_trial(trial)}
        assert "quick_facts" in sections
        if trial.inclusion_criteria:
            assert "inclusion" in sections
        if trial.brief_summary:
            assert "summary" in sections
        if trial.locations:
            assert "locations" in sections


def test_chunking_is_deterministic(seed_trials: list[Trial]) -> None:
    for trial in seed_trials:
        assert chunk_trial(trial) == chunk_trial(trial.model_copy(deep=True))


def make_trial(text: str, criteria: list[str]) -> Trial:
    def span(part: str) -> Span:
        start = text.index(part)
        return Span(start=start, end=start + len(part))

    return Trial(
        trial_id="NCT12345678",
        brief_title=Fact(value="A Test", spans=[span("A Test")]),
        inclusion_criteria=[
            Criterion(kind="inclusion", text=c, number=i + 1, spans=[span(c)])
            for i, c in enumerate(criteria)
        ],
        source=Source(path="t.txt", format="text", text=text, sha256=sha256_text(text)),
    )


def test_a_long_criterion_is_split_at_sentence_ends() -> None:
    sentence = "Patients must have adequate organ function as defined by laboratory values"
    long = " ".join(f"{sentence} number {i}." for i in range(30))
    short = "Age 18 years or older"
    trial = make_trial(f"A Test\nInclusion:\n- {long}\n- {short}\n", [long, short])
    chunks = [c for c in chunk_trial(trial) if c.section == "inclusion"]
    assert len(chunks) >= 3
    assert [c.text for c in chunks][-1] == short
    for chunk in chunks[:-1]:
        assert chunk.text.endswith(".")
        assert count_tokens(chunk.text) <= TOKEN_BUDGET
    assert " ".join(c.text for c in chunks[:-1]) == long


def test_text_no_field_claimed_is_kept_as_other() -> None:
    notes = "How to take part: call the study team on weekdays and ask about the next visit dates."
    trial = make_trial(f"A Test\n\n{notes}\n", [])
    other = [c for c in chunk_trial(trial) if c.section == "other"]
    assert [c.text for c in other] == [notes]


words = st.lists(
    st.text(alphabet="abcdefghij.;\n ", min_size=1, max_size=30), min_size=0, max_size=200
)


@given(words, st.integers(min_value=5, max_value=60))
def test_split_pieces_are_ordered_disjoint_and_cover_every_word(
    parts: list[str], budget: int
) -> None:
    text = " ".join(parts)
    pieces = _split(text, 0, len(text), budget)
    position = 0
    for start, end in pieces:
        assert position <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        position = end
    # cuts fall only on whitespace, so no word is lost or broken
    assert " ".join(text[s:e] for s, e in pieces).split() == text.split()


# --- scale: a record with very many sites -------------------------------------------------------


@given(st.text(max_size=300))
def test_count_tokens_is_one_per_word_or_symbol_plus_one_per_seven_letters(text: str) -> None:
    import re

    words = re.findall(r"\w+|[^\w\s]", text)
    assert count_tokens(text) == sum(1 + len(w) // 7 for w in words)


def test_a_site_list_is_chunked_with_work_linear_in_its_sites(monkeypatch) -> None:
    """Each site line is counted a bounded number of times, however long the list (was: every
    unit counted twice, and any regrowth of the joined slice would make it quadratic)."""
    import summarizer.chunking as chunking
    from tests.many_sites import trial_with_sites

    calls: list[int] = []
    real = chunking.count_tokens

    def counted(text: str) -> int:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(chunking, "count_tokens", counted)
    work = {}
    for sites in (500, 5_000):
        trial = trial_with_sites(sites)
        calls.clear()
        chunks = chunk_trial(trial)
        located = [c for c in chunks if c.section == "locations"]
        assert sum(c.text.count("\n") + 1 for c in located) == sites  # every site, once
        work[sites] = sum(calls)  # characters scanned by the token counter
    assert work[5_000] <= 11 * work[500]
    assert work[5_000] >= 9 * work[500]  # and it does grow with the list: all of it is read


def test_mesh_headings_sit_in_the_chunk_of_the_section_they_index(xml_trials: list[Trial]) -> None:
    with_headings = [t for t in xml_trials if t.condition_mesh_terms and t.intervention_mesh_terms]
    assert with_headings  # the first records of the archive do carry MeSH headings
    fitting = 0
    for trial in with_headings:
        chunks = chunk_trial(trial)
        for field, section in (
            ("condition_mesh_terms", "conditions"),
            ("intervention_mesh_terms", "interventions"),
        ):
            for fact in getattr(trial, field):
                (span,) = fact.spans
                holding = [c.section for c in chunks if c.start <= span.start < span.end <= c.end]
                assert section in holding, (trial.trial_id, field, fact.value)
        # and with the sponsor's own words: a conditions section within the budget is one chunk
        first = trial.conditions[0].spans[0] if trial.conditions else None
        mesh = trial.condition_mesh_terms[-1].spans[0]
        if first is not None and count_tokens(trial.source.text[first.start : mesh.end]) < 150:
            fitting += 1
            assert any(
                c.section == "conditions" and c.start <= first.start and mesh.end <= c.end
                for c in chunks
            ), trial.trial_id
    assert fitting


def test_a_trial_without_mesh_headings_chunks_as_before(seed_trials: list[Trial]) -> None:
    for trial in seed_trials:
        assert trial.condition_mesh_terms == [] and trial.intervention_mesh_terms == []
        stored = Trial.model_validate(
            trial.model_dump(exclude={"condition_mesh_terms", "intervention_mesh_terms"})
        )
        assert [c.id for c in chunk_trial(stored)] == [c.id for c in chunk_trial(trial)]


def _results_trial(events: int) -> Trial:
    from summarizer.parsers.ctgov_xml import PARSER

    rows = "".join(
        f"<event><sub_title>Event number {i}</sub_title>"
        f'<counts group_id="E1" subjects_affected="{1 + i % 5}" subjects_at_risk="90"/></event>'
        for i in range(events)
    )
    text = (
        "<clinical_study><id_info><nct_id>NCT09999996</nct_id></id_info>"
        "<brief_title>Drug X</brief_title><clinical_results><outcome_list><outcome>"
        "<type>Primary</type><title>Weight change</title><group_list>"
        '<group group_id="O1"><title>Drug X</title></group></group_list><measure>'
        "<units>kg</units><param>Mean</param><class_list><class><category_list><category>"
        '<measurement_list><measurement group_id="O1" value="-2.4"/></measurement_list>'
        "</category></category_list></class></class_list></measure></outcome></outcome_list>"
        '<reported_events><group_list><group group_id="E1"><title>Drug X</title></group>'
        "</group_list><other_events><category_list><category><title>General</title>"
        f"<event_list>{rows}</event_list></category></category_list></other_events>"
        "</reported_events></clinical_results></clinical_study>"
    )
    return PARSER.parse("r.xml", text)[0]


def test_posted_results_are_searchable_outcome_chunks_and_stay_bounded() -> None:
    trial = _results_trial(events=3)
    chunks = chunk_trial(trial)
    results = [c for c in chunks if "Drug X: -2.4 kg" in c.text]
    assert results and all(c.section == "outcomes" for c in results)
    assert any("Event number 1" in c.text and c.section == "outcomes" for c in chunks)
    assert all(c.text == trial.source.text[c.start : c.end] for c in chunks)
    # Thousands of posted events add no more chunks than the parser's caps allow.
    many = chunk_trial(_results_trial(events=5000))
    assert len(many) <= len(chunks) + 10
