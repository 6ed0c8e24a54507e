"""Ask page, "Find trials for me": a description set against each trial's criteria, the
pre-screen notice first, then per trial its title, plain status, counts, the criteria met, not
met and open (quoted, with the words used) and the questions to ask."""

from __future__ import annotations

import pytest

from summarizer.assistant import Assistant, UsageError
from summarizer.models import Span
from summarizer.models.match import CriterionVerdict, MatchResult, PersonProfile, TrialMatch

NOTICE = "This is a pre-screen to discuss with the study team, not a decision."
SCRIPT = "<script>alert('owned')</script>"


def _match_mode(at, description: str, status: str = "Taking people now"):
    at.radio(key="ask_mode").set_value("Find trials for me").run()
    at.text_area(key="match_text").input(description)
    at.selectbox(key="match_status").set_value(status)
    at.button[0].click().run()  # the form's "Find trials"
    assert not at.exception, at.exception
    return at


def _html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _verdict(kind, number, verdict, criterion, used=(), checked=True, about="criterion"):
    return CriterionVerdict(
        kind=kind,
        number=number,
        criterion=criterion,
        span=Span(start=0, end=len(criterion)),
        verdict=verdict,
        used=list(used),
        reason=f"reason for {kind} {number}",
        checked=checked,
        about=about,
    )


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Assistant.match answering with a result built here; the calls it got are kept."""
    calls: list[tuple[str, str | None]] = []
    text = "I'm 45, I have lupus and HIV"
    result = MatchResult(
        profile=PersonProfile(text=text, age_years=45, age_words="45"),
        notice=NOTICE,
        messages=["Your description was cut to 4,000 characters."],
        trials=[
            TrialMatch(
                trial_id="NCT06941129",
                title=f"Lupus CAR T {SCRIPT}",
                status="Recruiting",
                url="https://clinicaltrials.gov/study/NCT06941129",
                retrieval_rank=1,
                score=2.0,
                verdicts=[
                    _verdict("inclusion", 1, "met", "Age ≥ 18 years", ["45"]),
                    _verdict("inclusion", 2, "met", "Diagnosis of SLE", ["lupus"]),
                    _verdict("exclusion", 3, "met", "HIV infection", ["HIV"]),
                    _verdict("exclusion", 1, "not_met", "Pregnant women", ["I'm"]),
                    _verdict("inclusion", 3, "unknown", "ECOG score 0-1.", checked=False),
                ],
                open_questions=["How much can you do on your own day to day?"],
            )
        ],
    )

    def match(self, description, *, k=10, status=None):
        calls.append((description, status))
        return result

    monkeypatch.setattr(Assistant, "match", match)
    return calls


def test_each_trial_shows_its_criteria_met_not_met_and_open_with_the_words_used(
    library, page, planted
):
    at = _match_mode(page("ask"), "I'm 45, I have lupus and HIV")
    assert planted == [("I'm 45, I have lupus and HIV", "open")]
    assert at.info[0].value.replace("\\", "") == NOTICE, "the notice comes first"
    body = _html(at)
    assert "3 met · 1 not met · 1 open" in body and ">Recruiting<" in body
    assert "<h4>Met (3)</h4>" in body and "<h4>Not met (1)</h4>" in body
    assert "Inclusion criterion 2" in body and "<q>Diagnosis of SLE</q>" in body
    assert "Your words: “lupus”" in body
    assert "ts-blocks" in body and "may rule you out" in at.warning[0].value
    [opened] = [e for e in at.expander if e.label.startswith("Open")]
    assert "<q>ECOG score 0-1.</q>" in "".join(m.value for m in opened.markdown)
    assert "not checked against the source" in "".join(m.value for m in opened.markdown)
    assert any("How much can you do" in m.value for m in at.markdown)
    assert "cut to 4,000 characters" in " ".join(c.value for c in at.caption)
    # the title is shown as text and opens the trial page; no markup from a document runs
    [title] = [b for b in at.button if b.key.startswith("match_open_")]
    assert title.label == f"Lupus CAR T {SCRIPT}"
    assert "<script" not in body
    title.click().run()
    assert not at.exception
    assert at.session_state["trial_pick"] == "NCT06941129"


def test_any_status_asks_for_every_trial(library, page, planted):
    _match_mode(page("ask"), "I have lupus", status="Any status")
    assert planted == [("I have lupus", None)]


def test_a_description_that_cannot_be_read_gets_one_line(library, page, monkeypatch):
    def refuse(self, description, *, k=10, status=None):
        raise UsageError("No age, sex or medical condition was recognised.")

    monkeypatch.setattr(Assistant, "match", refuse)
    at = _match_mode(page("ask"), "hello")
    assert [w.value for w in at.warning] == ["No age, sex or medical condition was recognised."]
    assert not at.error


def test_the_real_pre_screen_on_the_sample_library(library, page):
    at = _match_mode(page("ask"), "I'm a 40 year old woman with relapsed B-cell leukemia.")
    notice = at.info[0].value.replace("\\", "")
    assert "pre-screen" in notice and "not a decision" in notice
    titles = [b for b in at.button if b.key.startswith("match_open_")]
    assert titles, "at least one trial to ask about"
    body = _html(at)
    assert "Your words: “40 year old”" in body or "Your words: “40”" in body
    assert "PHASE" not in body and "RECRUITING" not in body
    assert not at.chat_input, "the chat is the other mode"


def test_asking_a_question_is_still_the_default(library, page):
    at = page("ask")
    assert at.radio(key="ask_mode").value == "Ask a question"
    assert at.chat_input and not at.text_area
