"""Lay summary, widened on unseen records (session 25): reasons under a 'RATIONALE:' heading feed
'Why it matters' whole, a registry heading never opens a prose sentence, 'hope' inside a name is
no reason, and 'What happens if you join' says dates the way they are written and design notes
as their cited words spell them."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.engines.extractive import why
from summarizer.engines.extractive.join import _as_cited, _tidy, _when, join_statements
from summarizer.engines.extractive.plain_words import without_heading
from summarizer.engines.extractive.studies import studies_statements
from summarizer.engines.extractive.summary import why_statements
from summarizer.models import Fact, Span, Statement, TrialDate
from tests.engines.xml_record import xml_trial

PDQ = (
    "RATIONALE: Drugs used in chemotherapy use different ways to stop tumor cells from dividing "
    "so they stop growing or die. Combining more than one drug may kill more tumor cells.\n\n"
    "PURPOSE: Randomized phase III trial to compare two drug combinations in treating women "
    "with breast cancer."
)


def _texts(statements) -> list[str]:
    return [st.text for st in statements]


def test_every_sentence_under_a_rationale_heading_is_a_reason_and_the_purpose_is_not():
    trial = xml_trial(summary=PDQ)
    said = [trial.source.text[s.start : s.end] for _, s in why.candidates(trial)]
    assert any(t.startswith("Drugs used in chemotherapy") for t in said)  # no cue, the heading
    assert any(t.startswith("Combining more than one drug") for t in said)
    assert not any("PURPOSE" in t or "Randomized phase III" in t for t in said)
    assert not any(t.startswith("RATIONALE") for t in said)  # the heading is not read out


def test_reasons_are_kept_in_source_order_and_each_is_supported():
    trial = xml_trial(summary=PDQ)
    texts = _texts(why_statements(trial))
    assert texts[0].startswith("Drugs used in chemo")  # split into plain whole sentences
    assert texts[-1].startswith("Combining more than one drug")
    assert not any(t.startswith("Combining") for t in texts[:-1])
    for st in why_statements(trial):
        assert check_statement(st, trial).verdict == "supported", st.text


def test_what_it_studies_drops_the_heading_and_leaves_the_reasons_to_why():
    texts = " ".join(_texts(studies_statements(xml_trial(summary=PDQ))))
    assert "PURPOSE:" not in texts and "RATIONALE" not in texts
    assert "Drugs used in chemotherapy" not in texts  # said under 'Why it matters'


def test_hope_in_a_name_is_no_reason_but_hoping_to_is():
    assert not why.says_why("Lead Sponsor: City of Hope Medical Center.")
    assert why.says_why("The researchers hope to find a better treatment.")
    assert why.says_why("We do not yet know if these drugs improve the immune response.")
    assert not why.says_why("People will be seen every 6 months.")


def test_a_capitalized_registry_heading_is_cut_from_the_sentence_it_opens():
    for text, kept in (
        ("PURPOSE: Randomized phase III trial.", "Randomized phase III trial."),
        ("OBJECTIVES: I. Compare the activity.", "Compare the activity."),
        ("PROJECTED ACCRUAL: A total of 70.", "A total of 70."),
    ):
        s, e = without_heading(text, 0, len(text))
        assert text[s:e] == kept
    for text in ("Note: take it with food.", "HIV: a virus.", "PURPOSE:"):
        assert without_heading(text, 0, len(text)) == (0, len(text))


def _date(raw: str, kind: str = "start", estimated: bool | None = None) -> TrialDate:
    return TrialDate(kind=kind, raw=raw, estimated=estimated, spans=[Span(start=0, end=len(raw))])


def test_a_date_with_its_day_takes_on_and_a_month_takes_in():
    trial = xml_trial()
    trial = trial.model_copy(
        update={"dates": [_date("May 30, 1997"), _date("November 2005", "completion", False)]}
    )
    assert _texts(_when(trial)) == [
        "The trial started on May 30, 1997.",
        "The trial ended in November 2005.",
    ]


def test_a_design_note_is_written_as_its_cited_words_spell_it():
    text = "This is a multi-center, open label study."
    trial = xml_trial(summary=text)
    at = trial.source.text.index(text)
    span = [Span(start=at, end=at + len(text))]
    assert _as_cited(trial, Fact(value="multicenter", spans=span)) == "multi-center"
    assert _as_cited(trial, Fact(value="open label", spans=span)) == "open label"
    assert _as_cited(trial, Fact(value="randomized", spans=span)) == "randomized"  # not cited


def test_join_says_when_the_trial_runs_and_never_ends_on_two_stops():
    trial = xml_trial()
    dates = [_date("May 1997"), _date("June 2001", "completion")]
    texts = _texts(join_statements(trial.model_copy(update={"dates": dates})))
    assert "The trial started in May 1997." in texts
    assert _tidy(Statement(text="Another main measure is survival, at 5 years..")).text == (
        "Another main measure is survival, at 5 years."
    )
    kept = Statement(text="It is measured at 5 years.")
    assert _tidy(kept) is kept


def test_a_country_in_the_inverted_registry_form_is_said_the_way_a_sentence_reads():
    from summarizer.engines.extractive.plain_words import is_whole
    from summarizer.engines.extractive.summary import country_words, where_statements

    assert country_words("Iran, Islamic Republic of") == "Islamic Republic of Iran"
    assert country_words("Congo, The Democratic Republic of the") == (
        "Democratic Republic of the Congo"
    )
    assert country_words("Bosnia and Herzegovina") == "Bosnia and Herzegovina"
    trial = xml_trial(sites=[("Shiraz University", "Shiraz", "Fars", "Iran, Islamic Republic of")])
    said = where_statements(trial)
    assert said[0].text == "It runs at 1 site, in the Islamic Republic of Iran."
    for st in said:
        assert is_whole(st.text), st.text
        assert check_statement(st, trial).verdict == "supported", st.text


def test_a_facility_entry_that_is_a_note_is_no_site_name():
    from summarizer.engines.extractive.summary import where_statements

    note = (
        "For additional information regarding investigative sites for this trial, contact "
        "1-877-CTLILLY (1-877-285-4559) Mon - Fri from 9 AM to 5 PM Eastern Time"
    )
    trial = xml_trial(sites=[(note, "Irvine", "California", "United States")])
    texts = _texts(where_statements(trial))
    assert not any("contact" in t or "1-877" in t for t in texts)
    assert any("Irvine, California" in t for t in texts)
    named = xml_trial(
        sites=[("Sutter Auburn Faith Hospital", "Auburn", "California", "United States")]
    )
    assert any("Sutter Auburn Faith Hospital" in t for t in _texts(where_statements(named)))


def test_a_study_of_healthy_volunteers_says_so_and_never_people_with_healthy():
    from summarizer.engines.extractive.lead import lede

    study = xml_trial(condition="Healthy", study_type="Observational", intervention=None)
    healthy = lede(study)
    assert healthy is not None and healthy.text == "This study looks at healthy volunteers."
    assert check_statement(healthy, study).verdict == "supported"
    tested = lede(xml_trial(condition="Healthy Volunteers"))
    assert tested is not None and tested.text == "This trial tests Drug X in healthy volunteers."
    ill = lede(xml_trial(condition="Asthma", study_type="Observational", intervention=None))
    assert ill is not None and "Asthma" in ill.text and "healthy" not in ill.text
    said = " ".join(_texts(studies_statements(xml_trial(condition="Healthy"))))
    assert "people with Healthy" not in said


def test_posted_results_are_never_said_to_be_unavailable():
    from summarizer.engines.extractive.summary import results_statements
    from summarizer.models.trial import FlowGroup, PostedResults

    trial = xml_trial()
    assert _texts(results_statements(trial)) == [
        "Results are not yet available in the trial record."
    ]
    posted = trial.model_copy(
        update={"results": PostedResults(flow=[FlowGroup(group="Drug X", started=12)])}
    )
    said = _texts(results_statements(posted))
    assert not any("not yet available" in t for t in said)
    assert any("posted on the registry" in t for t in said)
    empty = trial.model_copy(update={"results": PostedResults()})  # posted nothing
    assert _texts(results_statements(empty)) == _texts(results_statements(trial))
