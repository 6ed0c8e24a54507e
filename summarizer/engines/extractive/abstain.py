"""What to say when the documents don't answer, and when a question is not ours to answer."""

from __future__ import annotations

from summarizer.engines.common import registry_url, status_note
from summarizer.engines.extractive import field_answers as fa
from summarizer.models import Answer, Statement, Trial

DECLINE_TEXT = (
    "I can't give medical advice about your own care, such as changing your medicines, "
    "diagnoses or whether a treatment will work for you. Please ask your own doctor. "
    "I can tell you what the trial documents say about a trial."
)


def pointer(trial: Trial) -> list[Statement]:
    """Where to ask instead: the study contacts, else the registry page."""
    found = [s for s in fa.contacts(trial) if "contacts" in s.fields]
    if found:
        return found[:1]
    if url := registry_url(trial):
        return [Statement(text=f"You can check the registry page: {url}.", fields=["nct_id"])]
    return []


def abstain(question: str, trials: list[Trial], engine: str) -> Answer:
    """The documents don't say: no guess from general knowledge, a pointer to who can answer.

    A trial that is not taking people says so first: that matters more than the missing detail.
    """
    lead = "The trial documents don't say anything that answers this."
    statements: list[Statement] = []
    first: list[Statement] = []
    for trial in trials[:1]:
        statements = pointer(trial)
        if note := status_note(trial):
            first = [note]
    ask = "Please ask the study team." if any("contacts" in s.fields for s in statements) else ""
    parts = [*(s.text for s in first), lead, ask, *(s.text for s in statements)]
    return Answer(
        question=question,
        answer=" ".join(p for p in parts if p),
        statements=[*first, *statements],
        abstained=True,
        citations=[c for s in [*first, *statements] for c in s.citations],
        trials=[t.trial_id for t in trials],
        engine=engine,
    )


def decline(question: str, engine: str) -> Answer:
    return Answer(question=question, answer=DECLINE_TEXT, declined=True, engine=engine)
