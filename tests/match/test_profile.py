"""read_profile: a description of a person, in their own words or as a case note, read into who
(age, sex, pregnancy), what (conditions, treatments, findings with spans, negation, history),
where (a place named) and a short search text. Only what is said is read."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.match.profile import read_profile
from summarizer.models.match import PersonProfile, ProfileTerm

CASE_NOTE = (
    "Patient is a 45-year-old man with a history of anaplastic astrocytoma of the spine "
    "complicated by urinary retention, hypertension and chronic pain. He denies smoking. "
    "No history of diabetes. HIV was ruled out. Therapy included radiation and temozolomide."
)


def term(profile: PersonProfile, words: str) -> ProfileTerm:
    found = [t for t in profile.terms if t.words.lower() == words.lower()]
    assert found, f"{words!r} not read from {profile.text!r}: {profile.terms}"
    return found[0]


def labels(profile: PersonProfile) -> set[str]:
    return {t.label or "" for t in profile.terms}


class TestWho:
    def test_a_first_person_age_and_place(self) -> None:
        p = read_profile(
            "I'm 45, I have lupus that came back after two years of treatment, I live near Boston"
        )
        assert p.age_years == 45 and p.age_words == "I'm 45"
        assert p.place == "Boston"
        assert p.sex is None  # not said, not guessed
        assert "Lupus Erythematosus, Systemic" in labels(p)

    def test_a_relative_described_by_a_carer(self) -> None:
        p = read_profile("my daughter is 12 and has type 1 diabetes")
        assert p.age_years == 12 and p.sex == "FEMALE" and p.sex_words == "my daughter"
        assert term(p, "type 1 diabetes").kind == "condition"

    def test_a_child_in_months(self) -> None:
        p = read_profile("My son is 8 months old and has eczema")
        assert p.age_years == pytest.approx(8 / 12, abs=1e-3) and p.sex == "MALE"
        assert "months" in (p.age_words or "")

    def test_case_note_age_and_sex(self) -> None:
        p = read_profile(CASE_NOTE)
        assert p.age_years == 45 and p.age_words == "45-year-old"
        assert p.sex == "MALE" and p.sex_words == "man"

    @pytest.mark.parametrize(
        ("text", "age", "sex"),
        [
            ("48 M with a h/o HTN and hyperlipidemia", 48, "MALE"),
            ("A 32 yo woman presents with headache", 32, "FEMALE"),
            ("She is 70 years of age and has COPD", 70, "FEMALE"),
            ("I am a 60 year old woman with asthma", 60, "FEMALE"),
        ],
    )
    def test_the_usual_ways_of_saying_age_and_sex(self, text: str, age: int, sex: str) -> None:
        p = read_profile(text)
        assert (p.age_years, p.sex) == (age, sex)

    def test_a_duration_is_not_an_age(self) -> None:
        p = read_profile("I had chemotherapy 3 years ago for lymphoma")
        assert p.age_years is None
        assert term(p, "lymphoma").kind == "condition"

    def test_a_relative_mentioned_by_the_person_is_not_them(self) -> None:
        p = read_profile("I'm pregnant and have asthma, my mother had breast cancer")
        assert p.pregnant is True and p.sex == "FEMALE"
        assert term(p, "asthma")
        assert not any("breast" in t.words.lower() for t in p.terms)

    @pytest.mark.parametrize(
        "text",
        [
            "She has asthma. Her 70-year-old father has hypertension.",
            "She has asthma. Her family history is positive for hypertension in her mother.",
            "She has asthma. Family history of hypertension.",
        ],
    )
    def test_a_relatives_condition_is_not_the_persons(self, text: str) -> None:
        p = read_profile(text)
        assert term(p, "asthma")
        assert not any(t.label == "Hypertension" for t in p.terms)

    def test_the_relative_the_description_is_about_keeps_their_conditions(self) -> None:
        p = read_profile("my mother is 70 and has breast cancer")
        assert p.sex == "FEMALE" and p.age_years == 70
        assert term(p, "breast cancer")

    def test_pregnancy_said_as_absent(self) -> None:
        assert (
            read_profile("I'm a 30 year old woman, not pregnant, with migraine").pregnant is False
        )
        assert read_profile("I'm 30 and 12 weeks pregnant").pregnant is True
        assert read_profile("I'm 30 and have migraine").pregnant is None

    def test_place_words_that_are_not_places(self) -> None:
        assert read_profile("I was diagnosed in March with asthma").place is None
        assert read_profile("I have asthma and live in Ohio").place == "Ohio"


class TestWhat:
    def test_negation_cues_scope_over_their_clause(self) -> None:
        p = read_profile(CASE_NOTE)
        assert term(p, "diabetes").negated
        assert term(p, "HIV").negated  # 'was ruled out' looks back
        assert not term(p, "hypertension").negated
        assert not term(p, "temozolomide").negated

    def test_negation_reaches_over_a_list(self) -> None:
        p = read_profile("No shortness of breath, cough, chest pain or skin rash were observed.")
        assert term(p, "skin rash").negated and term(p, "cough").negated
        assert not read_profile("She has a skin rash").terms[0].negated

    def test_negation_stops_at_a_clause_break(self) -> None:
        p = read_profile("No fever, but has a persistent cough and asthma")
        assert term(p, "fever").negated
        assert not term(p, "asthma").negated

    @pytest.mark.parametrize(
        "text",
        [
            "I don't have diabetes",
            "denies diabetes",
            "negative for diabetes",
            "free of diabetes",
            "without diabetes",
            "diabetes was ruled out",
        ],
    )
    def test_each_negation_cue(self, text: str) -> None:
        assert term(read_profile(text), "diabetes").negated

    def test_history_is_marked_not_dropped(self) -> None:
        p = read_profile("I had breast cancer five years ago and now have asthma")
        assert term(p, "breast cancer").history and not term(p, "breast cancer").negated
        assert not term(p, "asthma").history

    def test_kinds(self) -> None:
        p = read_profile(CASE_NOTE)
        assert term(p, "temozolomide").kind == "treatment"
        assert term(p, "radiation").kind == "procedure"
        assert term(p, "astrocytoma").kind == "condition"
        assert term(p, "chronic pain").kind == "finding"

    def test_abbreviations_of_case_notes(self) -> None:
        p = read_profile("48 M with a h/o HTN and CAD")
        assert term(p, "HTN").label == "Hypertension" and term(p, "HTN").history
        assert term(p, "CAD").concept

    def test_spans_slice_to_the_words(self) -> None:
        p = read_profile(CASE_NOTE.replace("'", "’"))
        assert p.terms
        for t in p.terms:
            assert p.text[t.start : t.end] == t.words


class TestQuery:
    def test_main_condition_first_negated_terms_dropped(self) -> None:
        p = read_profile(CASE_NOTE)
        assert p.query.split()[:3] == ["anaplastic", "astrocytoma", "hypertension"] or (
            p.query.startswith("anaplastic astrocytoma")
        )
        assert "diabetes" not in p.query.lower() and "hiv" not in p.query.lower()
        assert "temozolomide" in p.query

    def test_short_and_free_of_filler(self) -> None:
        long = CASE_NOTE + " " + " ".join(["She also has asthma and migraine."] * 40)
        p = read_profile(long)
        assert 0 < len(p.query.split()) <= 40
        assert not {"patient", "the", "with"} & set(p.query.lower().split())

    def test_a_broader_concept_gives_way_to_a_narrower_one(self) -> None:
        q = read_profile("The tumor is an astrocytoma of the spine").query.split()
        assert q.index("astrocytoma") < q.index("tumor")


class TestBadInput:
    def test_empty(self) -> None:
        p = read_profile("   ")
        assert p.empty and p.query == "" and p.notes and "empty" in p.notes[0]

    def test_enormous_is_cut_and_says_so(self) -> None:
        text = "I'm 45 and have lupus. " + "It is a worry for me. " * 500
        p = read_profile(text, max_chars=4000)
        assert p.truncated and len(p.text) <= 4000 and any("cut" in n for n in p.notes)
        assert p.age_years == 45
        assert not read_profile("I'm 45 and have lupus.").truncated

    def test_non_english(self) -> None:
        for text in (
            "Je suis une femme de 45 ans avec un lupus depuis deux ans",
            "我有糖尿病，今年45岁",
        ):
            p = read_profile(text)
            assert p.empty and any("English" in n for n in p.notes)
        assert not any("English" in n for n in read_profile("I have asthma").notes)

    def test_nothing_medical(self) -> None:
        p = read_profile("hello, how are you today my friend")
        assert p.empty and any("No age" in n for n in p.notes)
        assert not read_profile("I have asthma").empty


FRAGMENTS = [
    "I'm 45", "my daughter is 12", "45-year-old man", "no history of", "denies", "diabetes",
    "lupus", "HTN", "h/o", "s/p", "ruled out", "negative", "pregnant", "live near Boston",
    "in Ohio", ", ", ". ", "\n", "’", "breast cancer", "my mother had", "8 months old", "(", ")",
]  # fmt: skip
descriptions = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=16
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descriptions, st.integers(min_value=1, max_value=400))
def test_any_text_reads_without_error_and_spans_slice_to_words(text: str, cap: int) -> None:
    p = read_profile(text, max_chars=cap)
    assert len(p.text) <= cap and p.truncated == (len(text) > cap)
    for t in p.terms:
        assert p.text[t.start : t.end] == t.words and t.words.strip() == t.words != ""
        assert t.start == 0 or not re.match(r"[A-Za-z0-9]{2}", p.text[t.start - 1 : t.start + 1])
        assert t.end == len(p.text) or not re.match(
            r"[A-Za-z0-9]{2}", p.text[t.end - 1 : t.end + 1]
        )
    assert len(p.query.split()) <= 40
    assert p.empty == (p.age_years is None and p.sex is None and not p.terms)
