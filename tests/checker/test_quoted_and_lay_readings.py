"""How the checker reads an answer that quotes a criterion, and the lay words for the sex field:
'Men only.' rests on 'Male' as 'Males only.' does (and not on 'Female'); an exception that ends
a criterion ('... such as smoking, unless ... mild') narrows its rule without turning it round; a
permission inside an exclusion ('(history of preeclampsia ... is permitted)') is what a claim that
lets people in is read against; a pointer that is the sentence's subject ('Exclusion criterion 1
says:') frames the quote as an exclusion; and a quote of several sentences is read against the
one sentence compared, not with the others' negations on the claim's side only. Each beside the
wrong sentence that must still be caught."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.models import Citation, Source, Statement, Trial
from summarizer.models.trial import sha256_text


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def _cite(trial: Trial, quote: str) -> Citation:
    start = trial.source.text.index(quote)
    return Citation(
        trial_id=trial.trial_id,
        section="eligibility",
        quote=quote,
        start=start,
        end=start + len(quote),
    )


def _verdict(trial: Trial, text: str, quote: str, role: str | None = None) -> str:
    st = Statement(text=text, trial_id=trial.trial_id, citations=[_cite(trial, quote)])
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]


def _sex_trial(sex: str) -> Trial:
    text = f"Eligibility\nSex: {sex}\nMinimum Age: 18 Years\n"
    source = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    return Trial(trial_id="doc-test", source=source)


def test_men_and_women_are_the_lay_words_for_the_sex_field() -> None:
    male, female = _sex_trial("Male"), _sex_trial("Female")
    assert _verdict(male, "Men only.", "Male", "good_fit") == "supported"
    assert _verdict(male, "Boys only.", "Male", "good_fit") == "supported"
    assert _verdict(female, "Women only.", "Female", "good_fit") == "supported"
    assert _verdict(female, "Men only.", "Female", "good_fit") != "supported"
    assert _verdict(male, "Women only.", "Male", "good_fit") != "supported"


SMOKING = (
    "Control women should not have any of the risk factors for bone loss such as smoking, "
    "alcohol abuse, dietary imbalances unless the risk factor is present only to a mild extent."
)


def test_an_exception_ending_a_criterion_does_not_turn_its_rule_round() -> None:
    trial = _built(["Healthy women aged 21 to 45 years"], [SMOKING])
    right = "This trial does not take people who smoke or abuse alcohol."
    wrong = "This trial takes people who smoke or abuse alcohol."
    assert _verdict(trial, right, SMOKING) == "supported"
    assert _verdict(trial, wrong, SMOKING) == "contradicted"


PERMITTED = (
    "History of stillbirth, neonatal loss, or previous infant with anomaly (history of "
    "preeclampsia or preterm labor is permitted)."
)


def test_a_pointer_as_subject_frames_the_quote_as_an_exclusion() -> None:
    trial = _built(["Pregnant women at 14 to 34 weeks"], ["Multiple gestation.", PERMITTED])
    said = 'Exclusion criterion 1 says: "Multiple gestation."'
    assert _verdict(trial, said, "Multiple gestation.") == "supported"
    wrong = 'This trial takes people with this (exclusion criterion 1): "Multiple gestation."'
    assert _verdict(trial, wrong, "Multiple gestation.") == "contradicted"


def test_a_permission_inside_an_exclusion_is_what_letting_people_in_rests_on() -> None:
    trial = _built(["Pregnant women at 14 to 34 weeks"], ["Multiple gestation.", PERMITTED])
    said = f'Exclusion criterion 2 says: "{PERMITTED}"'
    allows = (
        "This trial allows people with preeclampsia, and the team looks at each case "
        f'(exclusion criterion 2): "{PERMITTED}"'
    )
    wrong = f'This trial takes people with a stillbirth (exclusion criterion 2): "{PERMITTED}"'
    assert _verdict(trial, said, PERMITTED) == "supported"
    assert _verdict(trial, allows, PERMITTED) == "supported"
    assert _verdict(trial, wrong, PERMITTED) == "contradicted"


HIV = (
    "Subjects must be HIV negative. This is required because there is no potential benefit "
    "for normal volunteers from participation in the study. Persons who are immuno-compromised "
    "would be put at undue risk with no opportunity for benefit."
)


def test_a_quote_of_several_sentences_is_read_against_the_one_compared() -> None:
    trial = _built(["Healthy volunteers aged 18 to 65"], [HIV])
    right = f'This trial does not take people with HIV infection (exclusion criterion 1): "{HIV}"'
    wrong = f'This trial takes people with HIV infection (exclusion criterion 1): "{HIV}"'
    assert _verdict(trial, right, HIV) == "supported"
    assert _verdict(trial, wrong, HIV) == "contradicted"


def test_a_minus_sign_is_part_of_the_value() -> None:
    from summarizer.checker.numbers import quantities

    assert [(q.value, q.direction) for q in quantities("z-score less than or equal to -2")] == [
        (-2.0, "le")
    ]
    assert [q.value for q in quantities("ECOG 0-2")] == [0.0, 2.0]  # a range's dash is no sign
    trial = _built(["Lumbar spine bone mineral density z-score less than or equal to -2"])
    assert _verdict_uncited(trial, "Your spine z-score is -2 or lower.", "good_fit") == "supported"
    assert _verdict_uncited(trial, "Your spine z-score is -4 or lower.", "good_fit") != "supported"


def test_inability_says_cannot() -> None:
    trial = _built(["Children aged 6 to 17"], ["Inability to swallow pills."])
    assert _verdict_uncited(trial, "You cannot swallow pills.", "not_fit") == "supported"
    assert _verdict_uncited(trial, "You can swallow pills.", "not_fit") != "supported"


def _verdict_uncited(trial: Trial, text: str, role: str) -> str:
    st = Statement(text=text, trial_id=trial.trial_id)
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]
