"""Answers that hold on records nobody tuned them on: the record's own words next to plain ones
('single arm' is written 'Single Group Assignment'; a status with no plain sentence is said as the
registry writes it), the date a question asks for (a start date the record lacks is not answered
by its end date), groups and outcomes a record gives only in its running text, and questions the
record cannot answer (results of a trial that reports none, a stay in intensive care) left
unanswered rather than answered by a sentence that only shares a word with them."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive import intents
from summarizer.loader import parse_document
from summarizer.models import Trial
from tests.engines.builders import assistant_over

NCT = "NCT07654321"


def record(
    *,
    summary: str = "This study tests a new capsule for people with lung cancer.",
    description: str = "Patients take the capsules by mouth every day.",
    status: str = "Completed",
    design: str = "",
    dates: str = "",
    arms: str = "",
    outcome: str = "",
    interventions: tuple[tuple[str, str], ...] = (("Drug", "Capsule X"),),
    criteria: str = "Inclusion Criteria: - Adults with lung cancer",
    healthy: str = "No",
    extra: str = "",
) -> Trial:
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?><clinical_study>",
        f"<id_info><nct_id>{NCT}</nct_id></id_info>",
        "<brief_title>A Capsule Study</brief_title>",
        "<sponsors><lead_sponsor><agency>Acme Health</agency></lead_sponsor></sponsors>",
        f"<brief_summary><textblock>{escape(summary)}</textblock></brief_summary>",
        f"<detailed_description><textblock>{escape(description)}</textblock>"
        "</detailed_description>",
        f"<overall_status>{escape(status)}</overall_status>",
        dates,
        "<phase>Phase 2</phase><study_type>Interventional</study_type>",
        f"<study_design_info>{design}</study_design_info>" if design else "",
        outcome,
        "<condition>Lung Cancer</condition>",
        arms,
        extra,
        *(
            f"<intervention><intervention_type>{kind}</intervention_type>"
            f"<intervention_name>{escape(name)}</intervention_name></intervention>"
            for kind, name in interventions
        ),
        f"<eligibility><criteria><textblock>{escape(criteria)}</textblock></criteria>"
        "<gender>All</gender><minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age>"
        f"<healthy_volunteers>{healthy}</healthy_volunteers></eligibility>",
        "</clinical_study>",
    ]
    outcome_ = parse_document(f"{NCT}.xml", "".join(parts).encode("utf-8"))
    assert outcome_.error is None, outcome_.error
    (trial,) = outcome_.trials
    return trial


def ask(trial: Trial, question: str):
    return assistant_over([trial]).ask(question, trial_ids=[trial.trial_id])


SINGLE = (
    "<allocation>N/A</allocation><intervention_model>Single Group Assignment</intervention_model>"
    "<primary_purpose>Treatment</primary_purpose><masking>None (Open Label)</masking>"
)


# ---------------------------------------------------------------- the record's own words


def test_a_design_term_the_plain_words_rename_is_also_said_as_the_record_writes_it() -> None:
    trial = record(design=SINGLE)
    texts = [s.text for s in fa.design(trial)]
    assert "single arm" in texts[0]
    assert texts[1] == "In the record's words: Single Group Assignment."
    ans = ask(trial, "is this a single arm study?")
    assert "Single Group Assignment" in ans.answer and "single arm" in ans.answer
    # A term the plain words only repeat ('None (Open Label)', 'Treatment') is not said twice.
    assert "None (Open Label)" not in ans.answer and "Treatment." not in texts[1]


def test_a_design_whose_plain_words_repeat_the_record_adds_nothing() -> None:
    trial = record(design="<allocation>Randomized</allocation><masking>Double</masking>")
    said = fa.design(trial)
    assert len(said) == 1 and "randomized" in said[0].text


def test_a_status_without_a_plain_sentence_is_said_in_the_registrys_words() -> None:
    ans = ask(record(status="Unknown status"), "is this trial still recruiting?")
    assert "Unknown status" in ans.answer
    assert "The listed status is: unknown." not in ans.answer


# ---------------------------------------------------------------- which date is asked


DATES = (
    "<start_date>March 1998</start_date><completion_date type='Actual'>June 2001</completion_date>"
)


def test_the_date_part_a_question_asks_for() -> None:
    assert intents.date_kinds("when did this trial begin?") == frozenset({"start"})
    assert intents.date_kinds("when did the study finish?") == frozenset(
        {"primary_completion", "completion"}
    )
    assert intents.date_kinds("what are the study dates?") is None


def test_a_start_question_gets_the_start_date_only() -> None:
    ans = ask(record(dates=DATES), "when did this trial begin?")
    assert "March 1998" in ans.answer and "June 2001" not in ans.answer


def test_a_start_the_record_lacks_is_not_answered_by_the_end_date() -> None:
    trial = record(dates="<completion_date type='Actual'>June 1993</completion_date>")
    ans = ask(trial, "when did this trial begin?")
    assert ans.abstained and "June 1993" not in ans.answer
    ans = ask(trial, "what month and year did this study get going?")
    assert ans.abstained and "18 Years" not in ans.answer
    # The end it does give still answers an end question.
    assert "June 1993" in ask(trial, "when did the trial finish?").answer


# ---------------------------------------------------------------- facts in running text


# As NCI outlines are written: one indented item per arm.
OUTLINE = (
    "OUTLINE: This is a randomized study.\n\n"
    "  -  Arm I: Patients receive mitoxantrone IV on days 1 and 2.\n\n"
    "  -  Arm II: Patients receive oral idarubicin on days 1-3.\n\n"
    "Patients are followed until death."
)


def test_groups_laid_out_by_label_in_the_description_answer_a_groups_question() -> None:
    trial = record(
        description=OUTLINE,
        interventions=(("Drug", "mitoxantrone"), ("Drug", "idarubicin")),
    )
    said = [s.text for s in fa.arms(trial)]
    assert said == [
        "Arm I: Patients receive mitoxantrone IV on days 1 and 2.",
        "Arm II: Patients receive oral idarubicin on days 1-3.",
    ]
    ans = ask(trial, "what's the difference between the two treatment arms?")
    assert not ans.abstained and "mitoxantrone" in ans.answer and "oral idarubicin" in ans.answer
    assert "description" in {c.section for c in ans.citations}


def test_arm_fields_still_come_first_and_prose_without_labels_is_no_arm() -> None:
    arms = (
        "<arm_group><arm_group_label>Capsule</arm_group_label>"
        "<arm_group_type>Experimental</arm_group_type></arm_group>"
    )
    with_field = record(description=OUTLINE, arms=arms)
    assert fa.arms(with_field)[0].text.startswith("The trial's group (arm) is: Capsule")
    # No arm fields and no labelled groups: what the trial gives, not a guess from prose.
    plain = record(description="Patients are followed until death.")
    assert [s.text for s in fa.arms(plain)] == [s.text for s in fa.interventions(plain)]


def test_groups_given_only_as_randomized_to_either_answer_with_the_treatments() -> None:
    trial = record(
        description=(
            "We will randomize girls to either the intervention or a program of education only."
        ),
        interventions=(("Behavioral", "Psychoeducational program"),),
    )
    ans = ask(trial, "what do the two groups get?")
    assert "education only" in ans.answer and "Psychoeducational program" in ans.answer


def test_outcomes_a_record_names_only_in_prose_answer_an_outcomes_question() -> None:
    trial = record(
        description=(
            "Girls are taught about bone health. The primary outcomes of interest are higher "
            "calcium intake and higher levels of weight-bearing exercise."
        )
    )
    said = [s.text for s in fa.outcomes(trial)]
    assert said == [
        "The primary outcomes of interest are higher calcium intake and higher levels of "
        "weight-bearing exercise."
    ]
    # With outcome fields, the fields answer (no prose sentence is read for them).
    fields = record(
        description=trial.detailed_description.value if trial.detailed_description else "",
        outcome="<primary_outcome><measure>Calcium intake</measure>"
        "<time_frame>12 months</time_frame></primary_outcome>",
    )
    assert [s.text for s in fa.outcomes(fields)] == [
        "The main thing measured is calcium intake, measured at 12 months."
    ]


# ---------------------------------------------------------------- routing patients' words


def test_patients_words_reach_the_field_that_answers_them() -> None:
    def top(q: str) -> str:
        return intents.classify(q)[0].name

    assert top("how do they decide which treatment I get?") == "design"
    assert top("which treatment do I get?") == "interventions"
    assert top("can healthy girls sign up?") == "healthy_volunteers"
    assert top("how many times a day do i take the pills?") == "doses"
    assert top("when did they start enrolling for this?") == "dates"
    assert top("is it still enrolling?") == "status"


def test_healthy_volunteers_is_answered_from_its_field_in_the_first_person() -> None:
    trial = record(healthy="Accepts Healthy Volunteers")
    ans = ask(trial, "does my daughter need to have lung problems or can healthy girls sign up?")
    assert "healthy volunteers can take part" in ans.answer
    no = ask(record(), "can healthy people sign up?")
    assert "does not take healthy volunteers" in no.answer


def test_a_result_or_a_stay_the_record_does_not_report_is_left_unanswered() -> None:
    trial = record(
        summary="Patients take capsules for two days.",
        description="Tumor size is measured by MRI every 4 months.",
    )
    for q in (
        "did the capsules shrink anyones tumor?",
        "did adding the capsule help people live longer?",
        "how many of the patients stayed in remission?",
        "how many days do patients stay in intensive care after the treatment?",
    ):
        ans = ask(trial, q)
        assert ans.abstained, (q, ans.answer)
    # A record that does report a result answers the same kind of question.
    reported = record(summary="The results showed that Capsule X shrank tumors in 4 of 9 patients.")
    ans = ask(reported, "did the capsules shrink anyones tumor?")
    assert not ans.abstained and "4 of 9" in ans.answer


def test_a_question_naming_the_treatment_is_not_answered_by_a_sentence_naming_nothing_asked() -> (
    None
):
    trial = record(
        summary="This study compares naltrexone with counseling for alcohol dependence.",
        description="Counseling sessions are held at the clinic.",
        interventions=(("Drug", "naltrexone"),),
        criteria=(
            "Inclusion Criteria: - Subjects used more than 15 drinks per week with at least 1 "
            "day of 5 or more drinks in the past 30 days."
        ),
    )
    assert ask(trial, "how many weeks do you take the naltrexone?").abstained
    # A sentence that names it and says how long does answer.
    named = record(
        summary="Patients take naltrexone 50 mg daily for 12 weeks.",
        interventions=(("Drug", "naltrexone"),),
    )
    assert "12 weeks" in ask(named, "how many weeks do you take the naltrexone?").answer


def test_a_lay_word_for_an_operation_finds_the_surgery_sentence() -> None:
    trial = record(
        description="Patients receive the capsules on days 1-14. Patients undergo surgical "
        "resection on day 15.",
    )
    ans = ask(trial, "on what day is the operation")
    assert "day 15" in ans.answer


# ---------------------------------------------------------------- places and contacts


def site(facility: str, city: str, state: str, country: str) -> str:
    return (
        f"<location><facility><name>{facility}</name><address><city>{city}</city>"
        f"<state>{state}</state><country>{country}</country></address></facility></location>"
    )


SITES = site("Washington U CRS", "Saint Louis", "Missouri", "United States") + site(
    "USC CRS", "Los Angeles", "California", "United States"
)


def test_the_place_a_sites_question_names() -> None:
    assert intents.asked_place("is it in boston?") == "boston"
    assert intents.asked_place("any site in New York City?") == "New York City"
    assert intents.asked_place("is it available near me?") is None
    assert intents.asked_place("which cities is this study in?") is None
    assert intents.place_names("St. Louis") == frozenset({"saint louis"})
    assert "united states" in intents.place_names("the US")


def test_a_place_without_a_site_is_said_to_have_none_before_the_sites() -> None:
    trial = record(extra=SITES)
    ans = ask(trial, "any site in massachusetts?")
    assert "The trial documents list no site in massachusetts." in ans.answer
    assert "Los Angeles" in ans.answer and not ans.abstained
    # Places the sites do name, in other words, are not said to have none.
    for q in ("is it in St. Louis?", "is it in the USA?", "is it in california?"):
        assert "list no site" not in ask(trial, q).answer, q
    # A region with no site in it.
    assert "list no site in Europe" in ask(trial, "any sites in Europe").answer
    # A record with no sites at all: nothing to list, the answer abstains.
    assert ask(record(), "is it in boston?").abstained


def test_towns_states_and_clinics_are_sites_questions() -> None:
    for q in ("in what towns is it running", "which clinics take part", "what us states?"):
        assert intents.classify(q)[0].name == "locations", q


def test_with_no_contact_listed_the_people_leading_the_study_are_named() -> None:
    lead = (
        "<overall_official><last_name>Jane Roe, MD</last_name><role>Study Chair</role>"
        "<affiliation>Acme Cancer Center</affiliation></overall_official>"
    )
    trial = record(extra=lead)
    said = fa.contacts(trial)
    assert said[0].text.startswith("The trial documents do not list a phone number or email")
    assert "Jane Roe, MD (Study Chair), Acme Cancer Center" in said[1].text
    ans = ask(trial, "what number do i call about joining")
    assert "Jane Roe" in ans.answer and "do not list a phone number" in ans.answer
    # A record naming nobody: nothing to say, so the engine abstains.
    assert fa.contacts(record()) == []
    assert ask(record(), "what's the phone number for the study team?").abstained


def test_what_did_they_find_is_answered_only_by_a_reported_result() -> None:
    assert intents.topic("what did they find?").name == "results"
    assert intents.topic("what were the main findings").name == "results"
    reported = record(summary="The results showed that Capsule X shrank tumors in 4 of 9 patients.")
    assert "4 of 9" in ask(reported, "what did they find?").answer
    # No result in the record: the aim ('to find out whether ...') is no finding.
    aim = record(summary="This study will find out whether Capsule X shrinks tumors.")
    assert ask(aim, "what did the study find?").abstained


def test_an_answer_window_ends_at_a_clause_end_never_inside_a_decimal() -> None:
    from summarizer.engines.extractive.engine import _answer_window

    text = (
        "Results indicated no difference in the success rate of moderate-risk transplants by "
        "donor age, with the cell loss after 5 years being slightly lower in corneas from younger "
        "donors (r = -0.19, 95% confidence interval -0.29 to -0.08), and more words follow here."
    )
    need = re.compile(r"confidence interval")
    window = _answer_window("how much lower was the cell loss?", text, need)

    assert window is not None
    quoted = text[window[0] : window[1]]
    assert quoted.endswith("-0.08),")  # the clause's own end
    assert not quoted.endswith("-0.")  # not the point inside '-0.29'
