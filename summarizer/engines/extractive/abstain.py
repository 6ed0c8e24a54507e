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
    Returns the status note (none for an open trial) and the rest: the framing, then the pointer.

    A trial that is not taking people says so first; the framing still follows it, since the
    status does not answer the question and the patient must be told nothing else did.
    """
    words = layout().wording
    statements: list[Statement] = []
    note: list[Statement] = []
    for trial in trials[:1]:
        statements = pointer(trial)
        if found := status_note(trial):
            note = [found]
    lead = [not_a_claim(words["abstain_lead"], FRAMING)]
    if any("contacts" in s.fields for s in statements):
        lead.append(not_a_claim(words["abstain_ask_team"], FRAMING))
    return note, [*lead, *statements]


def closed_answer(question: str, trials: list[Trial]) -> DraftAnswer | None:
    """'Can I still sign up?' on a trial that is not taking people: its status is the answer,
    so it is answered (not flagged abstained) with the status note and where to ask."""
    trial = trials[0] if len(trials) == 1 else None
    note = status_note(trial) if trial is not None else None
    if trial is None or note is None:
        return None
    return DraftAnswer(
        question=question,
        statements=[note, *pointer(trial)],
        trials=[trial.trial_id],
        fallback=abstain_statements([trial]),
    )


def abstain_statements(trials: list[Trial]) -> list[Statement]:
    """The abstention as one list, for an answer whose every sentence was dropped."""
    note, rest = abstain_parts(trials)
    return [*note, *rest]


def abstain(question: str, trials: list[Trial]) -> DraftAnswer:
    """The status note and the framing lead; the pointer is the body."""
    note, rest = abstain_parts(trials)
    framing = [s for s in rest if s.fields == [FRAMING]]
    return DraftAnswer(
        question=question,
        lead=[*note, *framing],
        statements=[s for s in rest if s.fields != [FRAMING]],
        abstained=True,
        trials=[t.trial_id for t in trials],
    )


def decline(question: str) -> DraftAnswer:
    return DraftAnswer(
        question=question,
        lead=[not_a_claim(layout().wording["decline"], GUIDANCE)],
        declined=True,
    )
