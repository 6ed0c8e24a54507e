"""A negation word inside a name the answer quotes is the source's own, not the answer's.

Answers built from posted results quote the record's lines word for word, joined with '; ', and
group or category names carry negation words ('Non-Pregnant Women', 'Not Hispanic or Latino',
'Arm II - No Treatment'). Such a word, inside a run of words the answer shares verbatim with what
it cites (five words, or a passage it puts in quotation marks), counts on neither side; a short
citation is read for its polarity without the cited sentences the answer does not restate (a
population note beside the result). A 'not' the answer adds or drops in its own words still turns
it round, and each case below is paired with that wrong sentence.
"""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.checker.polarity import compare
from summarizer.checker.text import negations, restates, without_shared_negations
from summarizer.models import Citation, Source, Statement, Trial
from summarizer.models.trial import sha256_text

RESULTS = (
    "Outcome Measure: Positive Berlin Questionnaire Indicative of Sleep Disordered Breathing\n"
    "Time Frame: 1-2 minutes\n"
    "Population: Four participants did not complete the questionnaire.\n"
    "Pregnant Women: 1343 participants; 4074 participants analysed\n"
    "Non-Pregnant Women: 96 participants; 503 participants analysed\n"
    "Participants in the observation arm were seen every 3 months.\n"
    "Arm II - No Treatment: observation only after surgery.\n"
    "Participants in the observation arm did not receive radiation.\n"
    "Ethnicity (NIH/OMB)\n"
    "Early, Hispanic or Latino: 3 Participants\n"
    "Late, Hispanic or Latino: 0 Participants\n"
    "Early, Not Hispanic or Latino: 30 Participants\n"
    "Late, Not Hispanic or Latino: 21 Participants\n"
    "Race (NIH/OMB)\n"
    "Asian: 2 participants\n"
    "Black or African American: 10 participants\n"
    "White: 38 participants\n"
    "Unknown or Not Reported: 6 participants\n"
)
TITLE = "Positive Berlin Questionnaire Indicative of Sleep Disordered Breathing"
GROUPS = (
    "Pregnant Women: 1343 participants; 4074 participants analysed\n"
    "Non-Pregnant Women: 96 participants; 503 participants analysed"
)
ETHNICITY = (
    "Early, Hispanic or Latino: 3 Participants\n"
    "Late, Hispanic or Latino: 0 Participants\n"
    "Early, Not Hispanic or Latino: 30 Participants\n"
    "Late, Not Hispanic or Latino: 21 Participants"
)


@pytest.fixture(scope="module")
def trial() -> Trial:
    source = Source(path="t.txt", format="text_page", text=RESULTS, sha256=sha256_text(RESULTS))
    return Trial(trial_id="doc-results", source=source)


def _verdict(trial: Trial, text: str, quote: str = RESULTS) -> str:
    """The sentence checked against ``quote`` cited (by default the whole block: more than 40
    words, so the closest line, not the whole citation, is read for polarity)."""
    start = trial.source.text.index(quote)
    cite = Citation(
        trial_id=trial.trial_id,
        section="results",
        quote=quote,
        start=start,
        end=start + len(quote),
    )
    st = Statement(text=text, trial_id=trial.trial_id, citations=[cite])
    return check_statement(st, trial).verdict


def test_posted_lines_joined_with_semicolons_keep_their_group_names(trial: Trial) -> None:
    joined = "; ".join(GROUPS.splitlines()) + "."
    assert _verdict(trial, joined) == "supported"
    # The same line with a 'not' of the answer's own is turned round.
    wrong = "Pregnant Women: 1343 participants were not analysed."
    assert _verdict(trial, wrong) == "contradicted"


def test_category_names_with_not_are_the_records_own(trial: Trial) -> None:
    # Two 'Not's in the answer, one in the line it is closest to: parities differ on names alone.
    joined = (
        'Baseline "Ethnicity (NIH/OMB)" as posted (Count of Participants): '
        + "; ".join(ETHNICITY.splitlines())
        + "."
    )
    assert _verdict(trial, joined) == "supported"
    # A 'not' of the answer's own beside the quoted categories is still read.
    wrong = "Race: Black or African American: 10 participants were not enrolled."
    assert _verdict(trial, wrong) == "contradicted"


def test_a_quoted_name_with_no_is_supported_and_a_not_outside_it_is_caught(
    trial: Trial,
) -> None:
    # The name is quoted from one line, the rest restates another (the one compared).
    right = (
        'Participants in the observation arm, "Arm II - No Treatment", were seen every 3 months.'
    )
    assert _verdict(trial, right) == "supported"
    wrong = (
        'Participants in the observation arm, "Arm II - No Treatment", '
        "were not seen every 3 months."
    )
    assert _verdict(trial, wrong) == "contradicted"


def test_a_quote_carries_the_sources_polarity_only_when_it_is_the_sources_words(
    trial: Trial,
) -> None:
    right = 'The record says "Participants in the observation arm did not receive radiation".'
    assert _verdict(trial, right) == "supported"
    dropped = 'The record says "Participants in the observation arm did receive radiation".'
    assert _verdict(trial, dropped) == "contradicted"
    unquoted = "Participants in the observation arm did receive radiation."
    assert _verdict(trial, unquoted) == "contradicted"


def test_a_population_note_cited_beside_a_result_is_not_what_the_result_restates(
    trial: Trial,
) -> None:
    span = (
        "Time Frame: 1-2 minutes\n"
        "Population: Four participants did not complete the questionnaire.\n"
        "Pregnant Women: 1343 participants; 4074 participants analysed"
    )
    right = (
        f'Posted result for the primary outcome "{TITLE}" (1-2 minutes): '
        "Pregnant Women: 1343 participants; 4074 participants analysed."
    )
    assert _verdict(trial, right, span) == "supported"
    # The note restated with its 'not' dropped is read against the note, and caught.
    dropped = "Population: Four participants did complete the questionnaire."
    assert _verdict(trial, dropped, span) == "contradicted"


def test_a_shared_run_must_be_five_words_to_carry_the_other_texts_negation() -> None:
    other = "Non-Pregnant Women: 96 participants; 503 participants analysed"
    claim = "Pregnant Women: 1343 participants; Non-Pregnant Women: 96 participants."
    assert negations(without_shared_negations(claim, other)) == []
    # 'patients must not have' recurs across a record: four words are not a name.
    added = "Patients must not have measurable disease."
    record = "Patients must not have received chemotherapy. Patients must have measurable disease."
    assert negations(without_shared_negations(added, record)) == ["not"]


def test_compare_with_context_reads_the_joined_claim_against_one_line() -> None:
    claim = (
        "Early, Hispanic or Latino: 3 Participants; Early, Not Hispanic or Latino: 30 Participants."
    )
    unit = "Early, Hispanic or Latino: 3 Participants"
    assert not compare(
        claim, unit, role=None, kind=None, flipped_limits=0, context=ETHNICITY
    ).conflict
    # Without the cited lines to vouch for it, the 'Not' reads as the sentence's own.
    assert compare(claim, unit, role=None, kind=None, flipped_limits=0).conflict
    dropped = "Participants in the observation arm did receive radiation."
    source = "Participants in the observation arm did not receive radiation."
    assert compare(
        dropped, source, role=None, kind=None, flipped_limits=0, context=RESULTS
    ).conflict


def test_restates_keeps_answer_cells_and_quoted_passages() -> None:
    assert restates("No, it does not take healthy volunteers.", "No")
    assert restates(
        'The record says "No data were collected".', "Population: No data were collected"
    )
    assert not restates(
        "Pregnant Women: 1343 participants; 4074 participants analysed.",
        "Population: Four participants did not complete the questionnaire.",
    )
