"""How the fit check reads a criterion's side, negation, numbers and conditions in the forms
registry text takes, each beside the wrong bullet it must still catch: a lead-in that lists
('including but not limited to:') is not an inclusion heading, while a heading inside a section
('Inclusion Criteria. Healthy Volunteers') turns the items after it; a hard-wrapped line does not
end a clause; an exclusion said as a prohibition ('cannot have') is not a double negative; a gloss
in brackets takes the negation of the term it glosses; a carve-out ('other than') says 'not' of
what it names; a run of scale steps ('0-1-2') is a range; a value is matched in its own unit; a
condition is named in other words; 'non-' starts a name only before a disease head; a limit is
matched the same way round when the source gives both ('<66.0' and '>=66.0'); and a fit bullet is
not read against the negations of a loosely related sentence outside the criteria."""

from __future__ import annotations

from summarizer.checker import check_statement, polarity
from summarizer.checker.criteria_check import check_bullet
from summarizer.checker.text import negations
from summarizer.models import Criterion, Source, Span, Statement, Trial
from summarizer.models.trial import sha256_text


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def _verdict(trial: Trial, text: str, role: str) -> str:
    st = Statement(text=text, trial_id=trial.trial_id)
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]


def _kinds(trial: Trial, text: str, role: str) -> set[str]:
    return {f.kind for f in check_bullet(text, trial, role).findings}


def test_a_listing_lead_in_under_exclusions_keeps_its_items_exclusions() -> None:
    trial = _built(
        ["Women with breast cancer"],
        [
            "Serious medical condition including but not limited to:",
            "Uncontrolled hypertension",
            "Active peptic ulcer",
        ],
    )
    assert _verdict(trial, "You have uncontrolled hypertension.", "not_fit") == "supported"
    assert _verdict(trial, "You have uncontrolled hypertension.", "good_fit") == "contradicted"


def test_a_hard_wrapped_line_does_not_cut_the_negation_off() -> None:
    trial = _built(
        ["Adults with type 2 diabetes"],
        ["Pregnant patients, and patients who can not agree to\n     contraception."],
    )
    assert _verdict(trial, "You cannot agree to use contraception.", "not_fit") == "supported"
    assert _verdict(trial, "You can agree to use contraception.", "not_fit") == "contradicted"


def test_an_exclusion_said_as_a_prohibition_is_not_a_double_negative() -> None:
    trial = _built(
        ["Children aged 6 to 14 years with chronic asthma"],
        ["Participant cannot have any other acute or chronic pulmonary disorder"],
    )
    bullet = "Your child has another lung disease besides asthma."
    assert _verdict(trial, bullet, "not_fit") == "supported"
    assert _verdict(trial, bullet, "good_fit") == "contradicted"


def test_negation_is_read_around_a_shared_word_when_no_concept_is_shared() -> None:
    trial = _built(
        ["Adults with vasculitis"],
        [
            "Processes associated with a risk of toxicity: acute or chronic liver\n"
            "disease, ongoing alcohol use that cannot be discontinued."
        ],
    )
    assert _verdict(trial, "You have liver disease.", "not_fit") == "supported"
    assert _verdict(trial, "You do not have liver disease.", "not_fit") == "contradicted"


def test_a_gloss_in_brackets_takes_the_negation_of_the_term_it_glosses() -> None:
    trial = _built(["Adults with depression, not meeting criteria symptom #9 (suicide)"])
    assert _kinds(trial, "You have thoughts of suicide.", "not_fit") == set()
    assert "polarity" in _kinds(trial, "You have thoughts of suicide.", "good_fit")


def test_what_a_criterion_carves_out_is_what_it_says_not_of() -> None:
    trial = _built(
        ["Women with breast cancer"], ["History of any neoplasm other than breast cancer"]
    )
    assert _verdict(trial, "You have breast cancer.", "good_fit") == "supported"
    assert _verdict(trial, "You have breast cancer.", "not_fit") == "contradicted"


def test_a_run_of_scale_steps_is_the_range_it_spans() -> None:
    trial = _built(["ECOG (Eastern Cooperative Oncology Group) status: 0-1-2", "Women with cancer"])
    assert _verdict(trial, "Your ECOG performance status is 0 to 2.", "good_fit") == "supported"
    assert _verdict(trial, "Your ECOG performance status is 0 to 3.", "good_fit") == (
        "contradicted"
    )


def test_a_value_is_matched_in_its_own_unit_when_two_share_it() -> None:
    trial = _built(
        ["Ages 6 to 14 years, needing asthma medication within 6 months prior to Visit 1"]
    )
    right = "You needed asthma medicine within the 6 months before the first visit."
    assert "unit" not in _kinds(trial, right, "good_fit")
    wrong = "You needed asthma medicine within the 6 weeks before the first visit."
    assert "unit" in _kinds(trial, wrong, "good_fit")


def test_a_condition_named_in_other_words_is_named() -> None:
    trial = _built(
        ["Adults with vasculitis"],
        ["Serological evidence of infection with human immunodeficiency virus"],
    )
    assert "condition" not in _kinds(trial, "You have HIV.", "not_fit")
    assert _verdict(trial, "You have HIV.", "not_fit") == "supported"
    assert "condition" in _kinds(trial, "You have tuberculosis.", "not_fit")


def test_non_starts_a_name_only_before_a_disease_head() -> None:
    assert negations("non-small cell lung cancer") == []
    assert negations("non-Hodgkin lymphoma") == []
    assert negations("curatively treated non-melanoma skin cancer") == []
    assert negations("non-smoking participants") == ["non"]
    assert negations("non-measurable disease") == ["non"]
    assert polarity.claim_polarity("You have non-small cell lung cancer.", "good_fit") is False
    assert polarity.claim_polarity("You do not have non-small cell lung cancer.", "good_fit")


def test_the_word_a_non_prefix_turns_round_is_read_as_negated() -> None:
    trial = _built(["Non-smoking adults, ages 18 to 65 years, with asthma"])
    assert _verdict(trial, "You do not smoke.", "good_fit") == "supported"
    assert _verdict(trial, "You smoke.", "good_fit") == "contradicted"
    # named only in a compound, the concept still aligns the bullet with its criterion
    child = _built(["Male and female non-smoking participants, ages 6 to 14 years, with asthma"])
    assert _verdict(child, "Your child does not smoke.", "good_fit") == "supported"
    assert _verdict(child, "Your child does not smoke.", "not_fit") == "contradicted"


def _with_description(trial: Trial, description: str) -> Trial:
    """The trial with a description paragraph before its criteria (criteria spans shifted)."""
    head = "Detailed Description: " + description + "\n\n"
    text = head + trial.source.text
    source = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))

    def moved(crits: list[Criterion]) -> list[Criterion]:
        return [
            c.model_copy(
                update={
                    "spans": [
                        Span(start=s.start + len(head), end=s.end + len(head)) for s in c.spans
                    ]
                }
            )
            for c in crits
        ]

    return trial.model_copy(
        update={
            "source": source,
            "inclusion_criteria": moved(trial.inclusion_criteria),
            "exclusion_criteria": moved(trial.exclusion_criteria),
        }
    )


def test_a_fit_bullet_is_not_read_against_a_loosely_related_description_sentence() -> None:
    trial = _with_description(
        _built(["HLA genotypically identical related donor willing to undergo leukapheresis"]),
        "Once the donated stem cells begin working, the immune system may not see them as foreign.",
    )
    bullet = "A brother or sister with a matching tissue type can donate stem cells."
    assert _verdict(trial, bullet, "good_fit") != "contradicted"
    # a sentence that holds most of the bullet's words is still read for polarity
    close = _with_description(
        _built(["Adults with lymphoma"]),
        "A brother or sister with a matching tissue type cannot donate stem cells.",
    )
    assert _verdict(close, bullet, "good_fit") == "contradicted"


def test_a_limit_is_matched_the_same_way_round_when_the_source_gives_both() -> None:
    from summarizer.checker import numbers

    pool = numbers.quantities("Age <66.0 years versus age >=66.0 years")
    older = numbers.quantities("aged 66.0 years or older")[0]
    hit = numbers.find(older, pool)
    assert hit is not None and not numbers.opposite(older, hit)
    # with one side only, the limit read the other way round is still found as such
    one = numbers.quantities("Age <66.0 years")
    hit = numbers.find(older, one)
    assert hit is not None and numbers.opposite(older, hit)


def test_a_name_with_non_repeated_outside_its_quote_is_no_extra_negation() -> None:
    from summarizer.models import Citation

    trial = _built(
        ["Histologically confirmed non-small cell lung cancer"], ["Active non-melanoma skin cancer"]
    )
    src = trial.source.text

    def said(text: str, quote: str, section: str) -> str:
        s = src.index(quote)
        cite = Citation(
            trial_id=trial.trial_id, section=section, quote=quote, start=s, end=s + len(quote)
        )
        st = Statement(text=text, trial_id=trial.trial_id, citations=[cite])
        return check_statement(st, trial).verdict

    takes = "Histologically confirmed non-small cell lung cancer"
    out = "Active non-melanoma skin cancer"
    assert (
        said(
            f'It takes people with non-small cell lung cancer: "{takes}".',
            takes,
            "inclusion_criteria",
        )
        == "supported"
    )
    assert (
        said(
            f'It does not take people with non-melanoma skin cancer: "{out}".',
            out,
            "exclusion_criteria",
        )
        == "supported"
    )
    # the same sentence turned round is still caught
    assert (
        said(
            f'It does not take people with non-small cell lung cancer: "{takes}".',
            takes,
            "inclusion_criteria",
        )
        == "contradicted"
    )


def test_a_heading_inside_a_section_turns_the_items_after_it() -> None:
    trial = _built(
        ["Adults with schizophrenia"],
        [
            "Pregnancy",
            "Inclusion Criteria. Healthy Volunteers/Controls",
            "Healthy volunteers must be free of learning disabilities.",
        ],
    )
    assert _verdict(trial, "Healthy volunteers can take part.", "good_fit") == "supported"
    assert _verdict(trial, "Healthy volunteers can take part.", "not_fit") == "contradicted"
    assert _verdict(trial, "You are pregnant.", "not_fit") == "supported"
