"""The one verification step: every statement leaves with its check; contradicted sentences are
dropped, unsupported ones flagged (extracted words) or dropped (rewritten words), and said so."""

from __future__ import annotations

import pytest

from summarizer.engines import common
from summarizer.models import (
    FRAMING,
    Check,
    DraftAnswer,
    DraftFit,
    DraftSection,
    DraftSummary,
    Source,
    Span,
    Statement,
    Trial,
    not_a_claim,
)
from summarizer.verify import Verifier, _grade, with_subjects

TEXT = "Status: WITHDRAWN. Ages 18 Years to 75 Years. People with HIV cannot join."


@pytest.fixture
def trial() -> Trial:
    src = Source(path="t.txt", format="text", text=TEXT, sha256="x")
    return Trial(
        trial_id="T1", source=src, status={"value": "WITHDRAWN", "spans": [{"start": 8, "end": 17}]}
    )


def stmt(trial: Trial, text: str, start: int, end: int) -> Statement:
    return Statement(text=text, citations=[common.citation(trial, Span(start=start, end=end), "x")])


def verdicts(table: dict[str, str]) -> Verifier:
    def check(statement: Statement, trial: Trial, *, role=None) -> Check:
        return Check(verdict=table[statement.text], score=0.5)  # type: ignore[arg-type]

    return Verifier(check)


def claims(statements: list[Statement]) -> list[str]:
    return [s.text for s in statements if s.check and s.check.verdict != "guidance"]


def test_contradicted_dropped_unsupported_flagged_and_said(trial):
    a = stmt(trial, "Ages 18 to 75.", 19, 45)
    b = stmt(trial, "It runs in Paris.", 0, 6)
    c = stmt(trial, "People with HIV can join.", 47, 74)
    draft = DraftAnswer(question="q", statements=[a, b, c])
    table = {a.text: "supported", b.text: "unsupported", c.text: "contradicted"}
    out = verdicts(table).answer(draft, {"T1": trial}, engine="test")
    assert claims(out.statements) == [a.text, b.text]
    assert out.flagged == [b.text, c.text]
    assert "left out 1 sentence" in out.answer and "could not be fully matched" in out.answer
    assert "HIV can join" not in out.answer
    assert all(s.check is not None for s in out.statements)


def test_rewritten_words_that_the_source_does_not_support_are_dropped(trial):
    a = stmt(trial, "Ages 18 to 75.", 19, 45)
    b = stmt(trial, "It runs in Paris.", 0, 6)
    draft = DraftAnswer(question="q", statements=[a, b])
    table = {a.text: "supported", b.text: "unsupported"}
    out = verdicts(table).answer(draft, {"T1": trial}, engine="test", rewritten=True)
    assert claims(out.statements) == [a.text] and "Paris" not in out.answer
    assert "left out 1 sentence" in out.answer


def test_everything_dropped_means_abstain(trial):
    c = stmt(trial, "People with HIV can join.", 47, 74)
    draft = DraftAnswer(question="q", statements=[c])
    out = verdicts({c.text: "contradicted"}).answer(draft, {"T1": trial}, engine="test")
    assert out.abstained and not out.citations
    assert "don't clearly answer" in out.answer


def test_guidance_is_not_checked_but_carries_why(trial):
    g = common.guidance("Talk with your doctor.")
    done = verdicts({}).statements([g], {"T1": trial})  # the checker would fail if asked
    assert [s.text for s in done.kept] == [g.text] and not done.flagged
    check = done.kept[0].check
    assert check is not None and check.verdict == "guidance" and check.reasons


def test_an_unmarked_sentence_that_cites_nothing_is_unsupported_not_waved_through(trial):
    bare = Statement(text="It is safe.")
    done = verdicts({}).statements([bare], {"T1": trial})
    assert done.kept[0].check is not None and done.kept[0].check.verdict == "unsupported"
    assert done.flagged == ["It is safe."]


def test_answer_text_and_citations_are_read_from_the_statements(trial):
    a = stmt(trial, "Ages 18 to 75", 19, 45)
    out = verdicts({a.text: "supported"}).answer(
        DraftAnswer(question="q", statements=[a]), {"T1": trial}, engine="test"
    )
    assert out.answer == "Ages 18 to 75."
    assert out.citations == a.citations
    with pytest.raises(Exception, match="frozen"):
        out.abstained = True  # type: ignore[misc]


def test_outputs_refuse_statements_without_a_check(trial):
    from summarizer.models import Answer

    with pytest.raises(ValueError, match="without a check"):
        Answer(question="q", statements=[Statement(text="x")], engine="test")
    assert Answer(question="q", statements=[], engine="test").answer == ""


def test_a_dropped_sentence_cannot_hand_its_subject_to_another_trial(trial):
    other = trial.model_copy(update={"trial_id": "T2"})
    first = stmt(trial, "People with HIV can join.", 47, 74).model_copy(
        update={"subject": "Trial one"}
    )
    second = stmt(trial, "Ages 18 to 75.", 19, 45).model_copy(update={"subject": "Trial one"})
    third = Statement(
        text="Ages 18 to 75 too.",
        citations=[c.model_copy(update={"trial_id": "T2"}) for c in second.citations],
        subject="Trial two",
    )
    table = {first.text: "contradicted", second.text: "supported", third.text: "supported"}
    draft = DraftAnswer(question="q", statements=[first, second, third])
    out = verdicts(table).answer(draft, {"T1": trial, "T2": other}, engine="test")
    texts = claims(out.statements)
    assert texts == ["Trial one: Ages 18 to 75.", "Trial two: Ages 18 to 75 too."]
    assert [s.about for s in out.statements if s.check.verdict != "guidance"] == ["T1", "T2"]


def test_a_sentence_that_names_its_trial_needs_no_subject():
    named = Statement(text="Trial one (T1)", fields=["title"], trial_id="T1", subject="Trial one")
    after = Statement(text="Ages 18 up.", trial_id="T1", subject="Trial one")
    assert [s.text for s in with_subjects([named, after])] == ["Trial one (T1)", "Ages 18 up."]
    assert [s.text for s in with_subjects([after])] == ["Trial one: Ages 18 up."]


def test_declines_and_abstentions_are_checked_but_lose_nothing(trial):
    note = common.status_note(trial)
    assert note is not None
    lead = not_a_claim("The trial documents don't say.", FRAMING)
    draft = DraftAnswer(question="q", statements=[note, lead], abstained=True, trials=["T1"])
    out = verdicts({note.text: "unsupported"}).answer(draft, {"T1": trial}, engine="test")
    assert out.abstained and [s.text for s in out.statements] == [note.text, lead.text]
    assert [s.check.verdict for s in out.statements] == ["unsupported", "guidance"]


def test_summary_sections_follow_the_layout_and_drop_what_is_contradicted(trial):
    a = stmt(trial, "Ages 18 to 75.", 19, 45)
    c = stmt(trial, "People with HIV can join.", 47, 74)
    draft = DraftSummary(
        trial_id="T1",
        title="T",
        sections=[
            DraftSection(key="not_fit", statements=[c]),
            DraftSection(key="quick_facts", statements=[a]),
        ],
    )
    out = verdicts({a.text: "supported", c.text: "contradicted"}).summary(
        draft, trial, engine="test"
    )
    assert [s.key for s in out.sections] == ["quick_facts"]  # layout order; empty left out
    assert out.sections[0].heading == "Quick facts" and out.sections[0].grade is not None


def test_fit_bullets_are_checked_with_their_side(trial):
    seen: list[str | None] = []

    def check(statement: Statement, trial: Trial, *, role=None) -> Check:
        seen.append(role)
        return Check(verdict="supported", score=1.0)

    c = stmt(trial, "People with HIV.", 47, 74)
    out = Verifier(check).fit(DraftFit(trial_id="T1", not_fit=[c]), trial, engine="test")
    assert seen == ["not_fit"] and out.not_fit[0].check is not None


def test_an_abstention_whose_lead_already_answers_says_one_thing(trial):
    note = common.status_note(trial)
    assert note is not None
    framing = not_a_claim("The trial documents don't say anything that answers this.", FRAMING)
    draft = DraftAnswer(question="Can I join?", lead=[note, framing], abstained=True)
    out = verdicts({note.text: "supported"}).answer(draft, {"T1": trial}, engine="test")
    assert [s.text for s in out.lead] == [note.text]
    assert "don't say" not in out.answer and "not taking anyone" in out.answer
    unsupported = verdicts({note.text: "unsupported"}).answer(draft, {"T1": trial}, engine="t")
    assert [s.text for s in unsupported.lead] == [note.text, framing.text]


def test_addresses_do_not_count_as_words_in_a_sections_grade(trial):
    plain = stmt(trial, "Write to the team.", 0, 10)
    with_mail = stmt(
        trial, "Write to the team: study.coordinator@hospital-research.example.org.", 0, 10
    )
    with_web = stmt(
        trial, "Write to the team: https://clinicaltrials.gov/study/NCT01234567.", 0, 10
    )
    spelled = stmt(
        trial, "Write to the multidisciplinary investigational coordination team.", 0, 10
    )
    assert (
        _grade([with_mail])
        == _grade([with_web])
        == _grade([stmt(trial, "Write to the team: .", 0, 10)])
    )
    assert _grade([spelled]) > _grade([plain])  # long words still count
