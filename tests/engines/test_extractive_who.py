"""Who should consider this trial, written from the typed constraints (issue 14, use #3): exact
numbers in plain words, citations over the constraint's words, the defining criteria first,
exceptions kept, untyped criteria whole, and every bullet backed by the source checker."""

from __future__ import annotations

import re

import pytest

from summarizer.checker import check_statement
from summarizer.criteria import criteria_for
from summarizer.criteria.model import ParsedCriterion
from summarizer.engines.extractive.constraint_words import bullet
from summarizer.engines.extractive.who import good_fit_statements, not_fit_statements
from summarizer.models import Criterion, Fact, Source, Span, Statement, Trial
from summarizer.models.trial import Age, sha256_text


def trial_with(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    """A text trial whose source is the criteria, one per line, each with its exact span."""
    text = "Inclusion Criteria:\n"
    crits: list[Criterion] = []
    for kind, found in (("inclusion", inclusion), ("exclusion", exclusion)):
        if kind == "exclusion":
            text += "Exclusion Criteria:\n"
        for n, item in enumerate(found, 1):
            start = len(text)
            text += item + "\n"
            span = Span(start=start, end=start + len(item))
            crits.append(Criterion(kind=kind, text=item, number=n, spans=[span]))
    source = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    return Trial(
        trial_id="doc-who",
        inclusion_criteria=[c for c in crits if c.kind == "inclusion"],
        exclusion_criteria=[c for c in crits if c.kind == "exclusion"],
        source=source,
    )


def _node(trial: Trial, kind: str, number: int) -> ParsedCriterion:
    return next(n for n in criteria_for(trial).criteria if n.kind == kind and n.number == number)


def _covers(st: Statement, trial: Trial, words: str) -> bool:
    """Whether one of the statement's citations covers ``words`` in the source."""
    start = trial.source.text.index(words)
    return any(c.start <= start and start + len(words) <= c.end for c in st.citations)


TRIAL = trial_with(
    [
        "Signed informed consent",
        "ECOG performance status 0-2",
        "Hemoglobin >= 60 g/L",
        "Age 18 to 65 years",
        "Relapsed or refractory B-cell lymphoma",
    ],
    [
        "Heart attack within 6 months prior to study entry",
        "Pregnant or breastfeeding",
        "Any condition that in the opinion of the investigator would interfere with the study",
    ],
)


@pytest.mark.parametrize(
    ("kind", "number", "expected", "source_words"),
    [
        ("inclusion", 4, "Aged 18 to 65 years.", "Age 18 to 65 years"),
        ("inclusion", 3, "Hemoglobin at least 60 g/L.", "Hemoglobin >= 60 g/L"),
        (
            "inclusion",
            2,
            "ECOG performance status 0 to 2 (up and about, able to care for yourself).",
            "ECOG performance status 0-2",
        ),
        (
            "exclusion",
            1,
            "Heart attack in the last 6 months.",
            "Heart attack within 6 months",
        ),
        ("inclusion", 5, "Relapsed or refractory B-cell lymphoma.", "B-cell lymphoma"),
    ],
)
def test_a_typed_criterion_becomes_its_plain_bullet(kind, number, expected, source_words):
    b = bullet(TRIAL.source.text, _node(TRIAL, kind, number))
    assert b is not None and b.text == expected
    start = TRIAL.source.text.index(source_words)
    assert any(s.start <= start and start + len(source_words) <= s.end for s in b.spans)


def test_numbers_are_copied_as_written_never_recomputed():
    trial = trial_with(
        ["Platelet count at least 100,000/mm^3", "Bilirubin no greater than 3.0 mg/dL"]
    )
    platelets = bullet(trial.source.text, _node(trial, "inclusion", 1))
    bilirubin = bullet(trial.source.text, _node(trial, "inclusion", 2))
    assert platelets is not None and "100,000/mm^3" in platelets.text
    assert "100000" not in platelets.text
    assert bilirubin is not None and bilirubin.text == "Bilirubin at most 3.0 mg/dL."


def test_an_exception_is_kept():
    trial = trial_with([], ["Other malignancy, except treated basal cell carcinoma"])
    b = bullet(trial.source.text, _node(trial, "exclusion", 1))
    assert b is not None
    assert "malignancy" in b.text and "except treated basal cell carcinoma" in b.text


@pytest.mark.parametrize(
    "words",
    [
        "Any condition that in the opinion of the investigator would interfere with the study",
        "Intestinal polyposis +/- colon cancer",  # a sign no constraint reads
        "Patients must have a Karnofsky performance status great or equal to 70%",  # no direction
    ],
)
def test_a_criterion_not_typed_whole_gets_no_constraint_bullet(words):
    trial = trial_with([words])
    assert bullet(trial.source.text, _node(trial, "inclusion", 1)) is None


def test_an_age_written_years_of_age_is_an_age_bullet():
    # Was read as a time window (and so given no bullet) before the parser knew 'N years of age'.
    trial = trial_with(["are at least 13 years of age"])
    b = bullet(trial.source.text, _node(trial, "inclusion", 1))
    assert b is not None and b.text == "Aged 13 years or older." and b.kinds == ("age",)


def test_an_untyped_criterion_stays_whole_in_the_summary():
    words = "Unable to walk or get out of bed on your own"
    trial = trial_with(["Relapsed or refractory B-cell lymphoma"], [words])
    assert bullet(trial.source.text, _node(trial, "exclusion", 1)) is None
    texts = [st.text for st in not_fit_statements(trial)]
    assert f"{words}." in texts, texts


def test_defining_criteria_come_first():
    texts = [st.text for st in good_fit_statements(TRIAL) if st.citations]
    assert texts[0].startswith("Relapsed or refractory")
    assert texts.index("Hemoglobin at least 60 g/L.") < next(
        i for i, t in enumerate(texts) if t.startswith("ECOG")
    )
    assert texts.index("Aged 18 to 65 years.") < next(
        i for i, t in enumerate(texts) if t.startswith("ECOG")
    )
    assert not any("consent" in t for t in texts)


def test_sides_stay_apart_and_the_checker_backs_every_bullet():
    for role, statements in (
        ("good_fit", good_fit_statements(TRIAL)),
        ("not_fit", not_fit_statements(TRIAL)),
    ):
        cited = [st for st in statements if st.citations]
        assert cited
        side = "inclusion" if role == "good_fit" else "exclusion"
        for st in cited:
            assert {c.section for c in st.citations} == {side}
            assert check_statement(st, TRIAL, role=role).verdict == "supported", st.text
    heart = next(st for st in not_fit_statements(TRIAL) if st.text.startswith("Heart attack"))
    assert _covers(heart, TRIAL, "within 6 months")
    assert re.search(r"\b6 months\b", heart.text)


def test_a_criterion_that_states_no_requirement_is_no_bullet():
    from summarizer.engines.extractive.criterion_pieces import says_nothing

    for empty in ("Not specified", "Hormone receptor status:\n  -  Not specified", "Surgery"):
        assert says_nothing(empty), empty
    for real in ("None", "No prior surgery", "Surgery within 4 weeks", "Chemotherapy allowed"):
        assert not says_nothing(real), real
    trial = trial_with(["Breast cancer", "Not specified", "Chemotherapy"], ["Not specified"])
    said = " ".join(st.text for st in good_fit_statements(trial))
    assert "Breast cancer" in said
    assert "Not specified" not in said and "Chemotherapy" not in said
    assert not [st for st in not_fit_statements(trial) if st.fields != ["guidance"]]


def test_a_criterion_under_an_age_heading_is_left_to_the_age_field():
    trial = trial_with(["Breast cancer", "20 to 80"])
    crits = [
        c.model_copy(update={"group": "Age"}) if c.number == 2 else c
        for c in trial.inclusion_criteria
    ]
    ages = {
        "min_age": Age(raw="20 Years", years=20.0, spans=[Span(start=0, end=9)]),
        "max_age": Age(raw="80 Years", years=80.0, spans=[Span(start=0, end=9)]),
    }
    plain = trial.model_copy(update={"inclusion_criteria": crits})
    with_fields = plain.model_copy(update=ages)
    assert any(st.text.startswith("20 to 80") for st in good_fit_statements(plain))
    texts = [st.text for st in good_fit_statements(with_fields)]
    assert not any(t.startswith("20 to 80") for t in texts)
    assert any("20 years to 80 years" in t for t in texts)


@pytest.mark.parametrize(
    ("sex", "said", "other"), [("FEMALE", "women", "men"), ("MALE", "men", "women")]
)
def test_the_sex_field_is_a_plain_sentence_the_checker_backs(sex, said, other):
    from summarizer.engines.extractive.criterion_bullets import field_bullets
    from summarizer.readability import grade

    text = "Sex: " + sex.title() + "\n"
    src = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    fact = Fact(value=sex, spans=[Span(start=5, end=len(text) - 1)])
    trial = Trial(trial_id="doc-sex", sex=fact, source=src)
    (st,) = field_bullets(trial)
    assert st.text == f"Only {said} can take part."
    assert grade(st.text) <= 8.0 < grade("Women only.")  # the old wording, two words alone
    assert check_statement(st, trial, role="good_fit").verdict == "supported"
    wrong = st.model_copy(update={"text": f"Only {other} can take part."})
    assert check_statement(wrong, trial, role="good_fit").verdict != "supported"


def _ranked(rank: int, text: str):
    from summarizer.engines.extractive.criterion_bullets import Ranked

    return Ranked(rank, Statement(text=text))


def test_defining_bullets_are_held_to_grade_eight_when_the_section_can_carry_them():
    from summarizer.engines.extractive.grade_gate import section_grade, within_grade
    from summarizer.engines.extractive.who import _choose

    defining = [
        "Not positive for hepatitis B or HIV (the virus that causes AIDS).",
        "No history of malignant disease in the past 5 years, except for squamous or basal cell "
        "skin cancer and stage I or in situ cervical cancer.",
        "No history of hemorrhagic cystitis.",
        "No previous valvular heart disease or arrhythmia.",
        "Absolute neutrophil count at least 1,500/mm^3.",
        "Platelet count at least 100,000/mm^3.",
    ]
    rest = ["Bilirubin (a liver blood test) less than 1.5 mg/dL."]
    ranked = [_ranked(0, t) for t in defining] + [_ranked(9, t) for t in rest]
    old = within_grade([], [r.statement for r in ranked[:6]], target=10.5)  # the old ceiling
    assert (section_grade(old) or 0.0) > 8.0
    chosen = _choose(ranked, ceiling=10.5)
    assert (section_grade(chosen) or 0.0) <= 8.0
    assert chosen[0].text == defining[0]  # the most defining one is kept
    assert len(chosen) == len(old)  # as many bullets: a plainer one takes a harder one's place


def test_the_most_defining_bullet_is_never_dropped_to_reach_grade_eight():
    from summarizer.engines.extractive.grade_gate import section_grade
    from summarizer.engines.extractive.who import _choose

    disease = _ranked(
        0, "Diagnosis of HIV-1 infection as defined by the Centers for Disease Control."
    )
    other = _ranked(1, "Measurements of CD4+45RA+ lymphocytes within 9 weeks of initiation.")
    chosen = _choose([disease, other], ceiling=10.5)
    assert chosen[0].text.startswith("Diagnosis of HIV-1 infection")  # kept above 8, alone
    assert (section_grade(chosen) or 0.0) <= max(8.0, section_grade(chosen[:1]) or 0.0)


def test_a_bare_yes_is_cited_with_its_label_so_the_checker_can_read_it():
    from summarizer.engines.extractive.criterion_bullets import field_bullets

    text = "Minimum Age: 18 Years\nAccepts Healthy Volunteers: Yes\n"
    src = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    at = text.index("Yes")
    hv = Fact(value="yes", spans=[Span(start=at, end=at + 3)])
    trial = Trial(trial_id="doc-hv", healthy_volunteers=hv, source=src)
    (st,) = field_bullets(trial)
    assert [c.quote for c in st.citations] == ["Accepts Healthy Volunteers: Yes"]
    assert check_statement(st, trial, role="good_fit").verdict == "supported"
    bare = st.model_copy(
        update={
            "citations": [c.model_copy(update={"start": at, "quote": "Yes"}) for c in st.citations]
        }
    )
    assert check_statement(bare, trial, role="good_fit").verdict != "supported"


def test_a_criterion_the_words_do_not_place_is_placed_by_its_sub_heading():
    from summarizer.engines.extractive.criterion_pieces import grouped

    trial = trial_with(["Breast cancer", "20 to 80"])
    crits = [
        c.model_copy(update={"group": "Age"}) if c.number == 2 else c
        for c in trial.inclusion_criteria
    ]
    headed = trial.model_copy(update={"inclusion_criteria": crits})
    keys = {p.crit.text: cat.key for cat, pieces in grouped(headed, "good_fit") for p in pieces}
    assert keys["20 to 80"] == "age"
    plain = {p.crit.text: cat.key for cat, pieces in grouped(trial, "good_fit") for p in pieces}
    assert plain["20 to 80"] == "other"
