"""What to say when the documents don't answer, and when a question is not ours to answer.

The wording is in prompts/layout.json; these only decide which pieces apply.
"""

from __future__ import annotations

from prompts.layout import layout
from summarizer.engines.common import citations, registry_url, status_note
from summarizer.engines.extractive import field_answers as fa
from summarizer.models import FRAMING, GUIDANCE, DraftAnswer, Statement, Trial, not_a_claim


def pointer(trial: Trial) -> list[Statement]:
    """Where to ask instead: the study contacts, else the registry page."""
    found = [s for s in fa.contacts(trial) if "contacts" in s.fields]
    if found:
        return found[:1]
    if url := registry_url(trial):
        spans = trial.nct_id.spans if trial.nct_id else []
        return [
            Statement(
                text=layout().say("registry_pointer", url=url),
                citations=citations(trial, spans, "quick_facts"),
                fields=["nct_id"] if spans else [GUIDANCE],
            )
        ]
    return []


def abstain_parts(trials: list[Trial]) -> tuple[list[Statement], list[Statement]]:
    """The documents don't say: no guess from general knowledge, a pointer to who can answer.
    Returns the lead (the status note first, then the framing) and the pointer.

    A trial that is not taking people says so first: that matters more than the missing detail.
    """
    words = layout().wording
    statements: list[Statement] = []
    first: list[Statement] = []
    for trial in trials[:1]:
        statements = pointer(trial)
        if note := status_note(trial):
            first = [note]
    lead = [not_a_claim(words["abstain_lead"], FRAMING)]
    if any("contacts" in s.fields for s in statements):
        lead.append(not_a_claim(words["abstain_ask_team"], FRAMING))
    return [*first, *lead], statements


def abstain_statements(trials: list[Trial]) -> list[Statement]:
    """The abstention as one list, for an answer whose every sentence was dropped."""
    lead, pointer = abstain_parts(trials)
    return [*lead, *pointer]


def abstain(question: str, trials: list[Trial]) -> DraftAnswer:
    lead, pointer = abstain_parts(trials)
    return DraftAnswer(
        question=question,
        lead=lead,
        statements=pointer,
        abstained=True,
        trials=[t.trial_id for t in trials],
    )


def decline(question: str) -> DraftAnswer:
    return DraftAnswer(
        question=question,
        lead=[not_a_claim(layout().wording["decline"], GUIDANCE)],
        declined=True,
    )
