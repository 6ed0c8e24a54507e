"""Scoring an answer against an unseen case: facts compared as normalized words, a right answer
must also cite the trial, and abstaining is right only where the record lacks the fact."""

from __future__ import annotations

from evals.unseen.cases import ExpectedFact, UnseenCase
from evals.unseen.scoring import Scored, breakdown, fact_found, normalize, says_not_stated, score
from summarizer.models import Answer, Check, Citation, Statement


def _case(**kw: object) -> UnseenCase:
    base: dict[str, object] = {
        "id": "NCT00000001-enrollment",
        "trial": "NCT00000001",
        "source": "xml",
        "half": "report",
        "kind": "enrollment",
        "answerable": True,
        "question": "How many people will take part?",
        "template": 0,
        "facts": [ExpectedFact(label="enrollment", forms=["1200"])],
        "need": 1,
        "sections": ["quick_facts"],
    }
    base.update(kw)
    return UnseenCase.model_validate(base)


def _answer(
    text: str,
    *,
    section: str = "quick_facts",
    quote: str = "Enrollment: 1,200",
    trial: str = "NCT00000001",
    abstained: bool = False,
) -> Answer:
    """An answer of one checked sentence citing ``quote`` (text and citations derive from it)."""
    cite = Citation(trial_id=trial, section=section, quote=quote, start=0, end=len(quote))
    st = Statement(text=text, citations=[cite], check=Check(verdict="supported", score=1.0))
    return Answer(question="q", statements=[st], abstained=abstained, engine="t")


def test_normalize_compares_numbers_units_and_words_not_punctuation() -> None:
    assert normalize("1,200 People; 200mg/kg over 2 Years.") == [
        "1200", "people", "200", "mg", "kg", "over", "2", "year",
    ]  # fmt: skip
    assert normalize("Zürich") == ["zurich"]


def test_phrase_facts_match_whole_words_only() -> None:
    men = ExpectedFact(label="MALE", forms=["only for men"])
    assert fact_found(men, "This trial is only for men.")
    assert not fact_found(men, "This trial is only for women.")
    assert fact_found(ExpectedFact(label="n", forms=["1200"]), "It takes 1,200 people.")
    assert not fact_found(ExpectedFact(label="n", forms=["120"]), "It takes 1,200 people.")


def test_a_forbidden_phrase_means_the_fact_was_stated_wrongly() -> None:
    recruiting = ExpectedFact(label="RECRUITING", forms=["recruiting"], forbid=["not recruiting"])
    assert fact_found(recruiting, "Yes, it is recruiting.")
    assert not fact_found(recruiting, "It is active, not recruiting.")


def test_token_facts_need_their_share_of_words_anywhere() -> None:
    frame = ExpectedFact(label="tf", forms=["2 year infusion"], mode="tokens", min_share=0.75)
    assert fact_found(frame, "measured up to 2 years after the infusion")
    assert not fact_found(frame, "measured at 2 weeks")


def test_right_needs_the_fact_and_a_citation_of_the_trial() -> None:
    case = _case()
    assert score(case, _answer("The trial takes 1,200 people."), "NCT00000001").right
    other_trial = _answer("The trial takes 1,200 people.", trial="NCT99999999")
    assert not score(case, other_trial, "NCT00000001").right
    wrong_place = _answer("The trial takes 1,200 people.", section="eligibility", quote="Adults")
    assert not score(case, wrong_place, "NCT00000001").cited
    quote_holds_fact = _answer("It takes 1,200.", section="description", quote="1,200 patients")
    assert score(case, quote_holds_fact, "NCT00000001").cited
    assert not score(case, _answer("The trial takes 120 people."), "NCT00000001").right


def test_abstaining_is_wrong_on_answerable_and_right_on_unanswerable_cases() -> None:
    refused = _answer("The trial documents don't say anything that answers this.", abstained=True)
    answerable = score(_case(), refused, "NCT00000001")
    assert answerable.abstained and not answerable.right
    lacking = _case(kind="why_stopped", answerable=False, facts=[], need=0)
    assert score(lacking, refused, "NCT00000001").right
    said_in_words = _answer("The record does not say why it stopped.")
    assert score(lacking, said_in_words, "NCT00000001").right
    guessed = _answer("This trial was stopped early.")
    assert not score(lacking, guessed, "NCT00000001").right


def test_says_not_stated_reads_plain_refusals_not_answers() -> None:
    assert says_not_stated("No reason is given in the record.")
    assert not says_not_stated("It was stopped for poor enrollment.")


def test_breakdown_reports_each_half_and_kind_separately() -> None:
    def row(half: str, kind: str, answerable: bool, right: bool, abstained: bool) -> Scored:
        return Scored(
            id=f"{half}{kind}{answerable}",
            trial="t",
            half=half,
            kind=kind,
            answerable=answerable,
            typo=False,
            question="q",
            abstained=abstained,
            facts_found=int(right),
            facts_ok=right,
            cited=right,
            right=right,
        )

    rows = [
        row("tune", "age", True, True, False),
        row("report", "age", True, False, True),
        row("report", "age", True, True, False),
        row("report", "cost", False, True, True),
    ]
    out = breakdown(rows)
    assert out["halves"]["tune"]["all"]["answer_right_cited"] == 1.0
    rep = out["halves"]["report"]
    assert rep["all"]["answer_right_cited"] == 0.5
    assert rep["all"]["wrong_abstention"] == 0.5
    assert rep["kinds"]["cost"]["right_abstention"] == 1.0
    assert rep["kinds"]["age"]["right_abstention"] is None
