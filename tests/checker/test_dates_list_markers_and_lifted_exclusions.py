"""Three readings the checker shares between a sentence and its source: calendar dates in any
written form, list markers ('1)', '2.', '(a)') quoted with a group's title, and an exclusion the
record lifts ('... are no longer excluded: hydroxyurea') read as a permission."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.checker.dates import dates, holds
from summarizer.checker.numbers import quantities
from summarizer.checker.polarity import compare, permission_about
from summarizer.models import Citation, Statement, Trial
from summarizer.parsers import parse_text

RECORD = """NCT ID: NCT01234567
Brief Title: Testosterone gel for older men with low testosterone

Brief Summary
Men with low testosterone are given a gel or a placebo gel for 12 weeks.

Study Start: 2021-05-27
Primary Completion: 2023-02

Participant Flow
1) Placebo: 8 started, 8 completed
2) Testosterone (T) Gel: 9 participants started, 7 completed

Eligibility Criteria
EXCLUSION CRITERIA:

  -  Are receiving medication that affects the immune system, including but not limited to
     systemic interferons and thalidomide. This study has been changed. The following
     medications are no longer excluded: thymopentin, hydroxyurea, and GM-CSF (sargramostim).
"""


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_text("NCT01234567.txt", RECORD)[0]


def _cite(trial: Trial, quote: str, section: str = "other") -> Citation:
    start = trial.source.text.index(quote)
    return Citation(
        trial_id=trial.trial_id, section=section, quote=quote, start=start, end=start + len(quote)
    )


def verdict(trial: Trial, text: str, quote: str | None = None, role=None) -> str:
    cites = [_cite(trial, quote)] if quote else []
    return check_statement(Statement(text=text, citations=cites), trial, role=role).verdict


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "written", ["2021-05-27", "May 27, 2021", "May 27 2021", "27 May 2021", "27th of May, 2021"]
)
def test_a_day_reads_the_same_in_every_written_form(written) -> None:
    (d,) = dates(written)
    assert (d.year, d.month, d.day) == (2021, 5, 27)


@pytest.mark.parametrize("written", ["2021-05", "May 2021", "May, 2021"])
def test_a_month_reads_the_same_in_every_written_form(written) -> None:
    (d,) = dates(written)
    assert (d.year, d.month, d.day) == (2021, 5, None)


def test_a_year_range_and_the_verb_may_are_no_dates() -> None:
    assert dates("between 2019-2021") == []
    assert dates("participants may 2021") == []
    assert [d.label() for d in dates("from 2010-12-01 to 2012-03")] == ["2010-12-01", "2012-03"]


def test_a_month_holds_on_a_day_of_it_but_a_day_never_on_a_month() -> None:
    (day,), (month,) = dates("2021-05-27"), dates("May 2021")
    assert holds(month, day)
    assert not holds(day, month)
    assert not holds(dates("June 2021")[0], day)


def test_a_date_has_no_quantities_in_it() -> None:
    assert quantities("The study started on May 27, 2021.") == []
    assert [q.text for q in quantities("Started May 27, 2021 with 8 men")] == ["8"]


@pytest.mark.parametrize(
    "text",
    [
        "The study started on May 27, 2021.",
        "The study started on 27 May 2021.",
        "The study started in May 2021.",
        "The study started in 2021.",
        "The study started on 2021-05-27.",
    ],
)
def test_a_start_date_in_any_form_is_supported_by_the_iso_date(trial, text) -> None:
    assert verdict(trial, text, "Study Start: 2021-05-27") == "supported"


@pytest.mark.parametrize(
    "text",
    [
        "The study started on May 28, 2021.",  # wrong day
        "The study started on June 27, 2021.",  # wrong month
        "The study started on May 27, 2022.",  # wrong year
        "The study started in April 2021.",
    ],
)
def test_a_wrong_day_month_or_year_is_contradicted(trial, text) -> None:
    assert verdict(trial, text, "Study Start: 2021-05-27") == "contradicted"


def test_a_month_only_source_does_not_vouch_for_a_day(trial) -> None:
    quote = "Primary Completion: 2023-02"
    assert verdict(trial, "Primary completion was in February 2023.", quote) == "supported"
    assert verdict(trial, "Primary completion was on February 14, 2023.", quote) != "supported"


def test_an_uncited_date_is_read_against_the_record(trial) -> None:
    assert verdict(trial, "The study started on May 27, 2021.") == "supported"
    assert verdict(trial, "The study started on May 27, 2020.") == "contradicted"


# ------------------------------------------------------------------ list markers

FLOW = "1) Placebo: 8 started, 8 completed"


def test_a_list_marker_is_no_quantity_on_either_side() -> None:
    quoted = "Participant flow as posted: 1) Placebo: 8 started; 2) Testosterone (T) Gel: 9"
    assert [q.text for q in quantities(quoted)] == ["8", "9"]
    assert [q.text for q in quantities("Arms: (1) placebo, (2) gel 5 mg")] == ["5 mg"]
    assert [q.text for q in quantities(FLOW)] == ["8", "8"]
    # a count in brackets after a word is a count
    assert [q.text for q in quantities("Placebo (8) and gel (n = 9) men")] == ["8", "9"]
    assert ">= 6.5" in [q.text for q in quantities("(glucose >= 6.5) and more")]


def test_a_quoted_group_title_with_its_number_is_supported(trial) -> None:
    text = "Participant flow as posted: 1) Placebo: 8 started, 8 completed."
    assert verdict(trial, text, FLOW) == "supported"


def test_a_changed_count_beside_a_list_marker_is_still_caught(trial) -> None:
    text = "Participant flow as posted: 1) Placebo: 9 started, 8 completed."
    assert verdict(trial, text, FLOW) != "supported"
    wrong = "Participant flow as posted: 2) Testosterone (T) Gel: 8 participants started."
    right = "Participant flow as posted: 2) Testosterone (T) Gel: 9 participants started."
    flow = "2) Testosterone (T) Gel: 9 participants started, 7 completed"
    assert verdict(trial, right, flow) == "supported"
    assert verdict(trial, wrong, flow) == "contradicted"


# ------------------------------------------------------------------ lifted exclusions

LIFTED = "The following\n     medications are no longer excluded: thymopentin, hydroxyurea"


def test_no_longer_excluded_reads_as_a_permission() -> None:
    source = "The following medications are no longer excluded: thymopentin, hydroxyurea."
    allowed = compare(
        "You may join if you take hydroxyurea.", source, role=None, kind=None, flipped_limits=0
    )
    kept_out = compare(
        "You may not join if you take hydroxyurea.", source, role=None, kind=None, flipped_limits=0
    )
    assert not allowed.conflict
    assert kept_out.conflict


def test_the_permission_is_found_by_what_the_claim_names(trial) -> None:
    source = trial.source.text
    assert "hydroxyurea" in (
        permission_about("You may join if you take hydroxyurea.", source) or ""
    )
    # a claim about something else is read against the criterion's rule, not the permission
    assert permission_about("You may join if you take thalidomide.", source) is None


def test_a_lifted_exclusion_supports_a_may_join_answer_and_not_its_opposite(trial) -> None:
    quote = trial.source.text[
        trial.source.text.index("Are receiving") : trial.source.text.index("(sargramostim)")
    ]
    said = " ".join(quote.split())
    right = f'You may join if you take hydroxyurea (exclusion criterion 1): "{said}".'
    wrong = f'You may not join if you take hydroxyurea (exclusion criterion 1): "{said}".'
    assert verdict(trial, right, quote) == "supported"
    assert verdict(trial, wrong, quote) == "contradicted"
    # the rule itself still keeps out what it names
    other = f'This trial allows people who take thalidomide (exclusion criterion 1): "{said}".'
    assert verdict(trial, other, quote) == "contradicted"
