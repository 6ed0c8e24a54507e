"""The one verification step: drafts in, frozen outputs out, every statement with its check.

Each statement is checked against the trial it is about (``Statement.about``) by the source
checker. Contradicted statements are always dropped; unsupported ones are dropped when the
generator rewrote the words (an LLM's prose) and kept but flagged when they are extracted from
the source. A statement that is not a claim about a document (general guidance, a comparison of
the asker's facts with the cited criterion, the framing of an answer, a note from this step) gets
an explicit ``guidance`` check with its reason; an unmarked statement that cites nothing is
``unsupported``. A statement a generator rewrote from an extracted one (the draft's ``originals``)
stands only when the checker supports it; otherwise the extracted original is checked and shown in
its place, its check saying so. A statement that rests on others (``Statement.depends_on``) is
dropped with them. Nothing leaves this module unchecked, and nothing else checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from prompts.layout import layout
from summarizer.models import (
    FRAMING,
    NOT_CLAIMS,
    VERIFIER_NOTE,
    Answer,
    Check,
    DraftAnswer,
    DraftFit,
    DraftSummary,
    FitDraft,
    LaySummary,
    Statement,
    SummarySection,
    Trial,
    not_a_claim,
)
from summarizer.models.match import PersonProfile, TrialMatch
from summarizer.readability import grade

if TYPE_CHECKING:
    from summarizer.finder import TrialCard

Role = Literal["good_fit", "not_fit"]
CheckFn = Callable[..., Check]
TrialLookup = Mapping[str, Trial] | Callable[[str], Trial | None]


def _guidance_check(kind: str) -> Check:
    return Check(verdict="guidance", score=0.0, reasons=[layout().reasons[kind]])


@dataclass
class Checked:
    """What checking did to a list of statements."""

    kept: list[Statement] = field(default_factory=list)
    dropped: list[Statement] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    fell_back: list[str] = field(default_factory=list)  # rewrites replaced by their originals
    orphaned: list[Statement] = field(default_factory=list)  # their premise was dropped

    def note(self) -> list[str]:
        """What to tell the reader about the left-out and flagged sentences (maybe nothing)."""
        words = layout()
        n_drop = len(self.dropped)
        n_flag = len(self.flagged) - n_drop
        n_left = n_drop + len(self.orphaned)
        out = [words.say("left_out", n=n_left)] if n_left else []
        if n_flag > 0:
            out.append(words.say("not_matched", n=n_flag))
        if self.fell_back:
            out.append(words.say("rewrite_fallback", n=len(self.fell_back)))
        return out


class Verifier:
    """Checks statements against their trials with one checker (the offline one by default)."""

    def __init__(self, checker: CheckFn | None = None) -> None:
        self._checker = checker

    def _check(self, statement: Statement, trial: Trial, *, role: Role | None) -> Check:
        if self._checker is not None:
            return self._checker(statement, trial, role=role)
        import summarizer.checker  # looked up per call: the offline checker as configured now

        return summarizer.checker.check_statement(statement, trial, role=role)

    # ------------------------------------------------------------ one statement

    def check(
        self, statement: Statement, trial: Trial | None, *, role: Role | None = None
    ) -> Check:
        """The check for one statement; ``trial`` is the trial it is about (None: unknown)."""
        kind = next((k for k in NOT_CLAIMS if k in statement.fields), None)
        if kind is not None:
            return _guidance_check(kind)
        if trial is None:
            return Check(verdict="unsupported", score=0.0, reasons=[layout().reasons["uncited"]])
        return self._check(statement, trial, role=role)

    def statements(
        self,
        statements: Sequence[Statement],
        trials: TrialLookup,
        *,
        role: Role | None = None,
        drop_unsupported: bool = False,
        drop: bool = True,
        originals: Mapping[int, Statement] | None = None,
    ) -> Checked:
        """Check each statement; drop (when ``drop``) contradicted, and unsupported if asked.

        ``originals`` maps the index of a rewritten statement to the extracted one it rewrites: a
        rewrite the checker does not support is replaced by its original, checked as usual and
        marked with the ``rewrite_failed`` reason.
        """
        lookup = trials.get if isinstance(trials, Mapping) else trials
        out = Checked()
        for index, statement in enumerate(statements):
            about = statement.about
            trial = lookup(about) if about is not None else None
            verdict = self.check(statement, trial, role=role)
            original = (originals or {}).get(index)
            if original is not None and verdict.verdict != "supported":
                out.fell_back.append(statement.text)
                statement = original
                about = statement.about
                trial = lookup(about) if about is not None else None
                found = self.check(statement, trial, role=role)
                reasons = [layout().reasons["rewrite_failed"], *found.reasons]
                verdict = found.model_copy(update={"reasons": reasons})
            checked = statement.model_copy(update={"check": verdict})
            if verdict.verdict in ("supported", "guidance"):
                out.kept.append(checked)
                continue
            out.flagged.append(statement.text)
            if drop and (verdict.verdict == "contradicted" or drop_unsupported):
                out.dropped.append(checked)
            else:
                out.kept.append(checked)
        out.kept, out.orphaned = _without_orphans(out.kept)
        return out

    # ------------------------------------------------------------ outputs

    def answer(
        self, draft: DraftAnswer, trials: TrialLookup, *, engine: str, rewritten: bool = False
    ) -> Answer:
        """The checked answer. A decline or abstention is checked but loses nothing; when every
        claim is dropped the answer abstains with the draft's fallback."""
        if draft.declined or draft.abstained or not draft.statements:
            lead = self.statements(draft.lead, trials, drop=False)
            body = self.statements(draft.statements, trials, drop=False)
            return Answer(
                question=draft.question,
                lead=_one_message(lead.kept, declined=draft.declined),
                statements=body.kept,
                abstained=draft.abstained or not draft.declined,
                declined=draft.declined,
                trials=draft.trials,
                engine=engine,
                flagged=list(dict.fromkeys([*draft.flagged, *lead.flagged, *body.flagged])),
            )
        done = self.statements(
            draft.statements, trials, drop_unsupported=rewritten, originals=draft.originals
        )
        flagged = list(dict.fromkeys([*draft.flagged, *done.fell_back, *done.flagged]))
        if not [s for s in done.kept if not _is_guidance(s)]:
            fallback = draft.fallback or [
                not_a_claim(layout().wording["abstain_all_dropped"], FRAMING)
            ]
            rest = self.statements(fallback, trials, drop=False)
            return Answer(
                question=draft.question,
                lead=rest.kept,
                abstained=True,
                trials=draft.trials,
                engine=engine,
                flagged=flagged,
            )
        notes = [not_a_claim(text, VERIFIER_NOTE) for text in [*done.note(), *draft.notes]]
        return Answer(
            question=draft.question,
            lead=self.statements(draft.lead, trials, drop=False).kept,
            statements=with_subjects(done.kept),
            notes=self.statements(notes, trials).kept,
            trials=draft.trials,
            engine=engine,
            flagged=flagged,
        )

    def summary(
        self, draft: DraftSummary, trial: Trial, *, engine: str, rewritten: bool = False
    ) -> LaySummary:
        """Every section checked (fit sections with their role), laid out as the layout file
        says; a section left empty is left out and each section's grade is of what was kept."""
        words = layout()
        found = {s.key: s for s in draft.sections}
        sections = []
        for key in words.keys:
            part = found.get(key)
            if part is None or not part.statements:
                continue
            role: Role | None = key if key in ("good_fit", "not_fit") else None  # type: ignore[assignment]
            done = self.statements(
                part.statements,
                {trial.trial_id: trial},
                role=role,
                drop_unsupported=rewritten,
                originals=part.originals,
            )
            if not done.kept:
                continue
            sections.append(
                SummarySection(
                    key=key,
                    heading=words.heading(key),
                    statements=done.kept,
                    grade=_grade([s for s in done.kept if not _is_guidance(s)] or done.kept),
                )
            )
        return LaySummary(
            trial_id=draft.trial_id, title=draft.title, engine=engine, sections=sections
        )

    def fit(
        self, draft: DraftFit, trial: Trial, *, engine: str, rewritten: bool = False
    ) -> FitDraft:
        """Bullets checked with their side; contradicted ones (e.g. swapped sides) are dropped."""
        lookup = {trial.trial_id: trial}
        good = self.statements(draft.good_fit, lookup, role="good_fit", drop_unsupported=rewritten)
        bad = self.statements(draft.not_fit, lookup, role="not_fit", drop_unsupported=rewritten)
        return FitDraft(
            trial_id=draft.trial_id, engine=engine, good_fit=good.kept, not_fit=bad.kept
        )

    def cards(self, cards: Sequence[TrialCard], trials: TrialLookup) -> list[TrialCard]:
        """The trial finder's cards with each lede checked like any statement: a contradicted
        lede is left out (the card keeps its title and facts), an unsupported one stays flagged."""
        out: list[TrialCard] = []
        for card in cards:
            if card.lede_statement is None:
                out.append(card)
                continue
            done = self.statements([card.lede_statement], trials)
            kept = done.kept[0] if done.kept else None
            update = {"lede_statement": kept, "lede": kept.text if kept else ""}
            out.append(card.model_copy(update=update))
        return out


# Web and email addresses: a reader copies them, does not read them as words.
_URL_RE = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _grade(statements: Sequence[Statement]) -> float | None:
    """Reading grade of a section's words (web and email addresses left out: not prose)."""
    return grade(" ".join(_URL_RE.sub("", s.text) for s in statements)) if statements else None


def _without_orphans(kept: list[Statement]) -> tuple[list[Statement], list[Statement]]:
    """The statements whose premises (``depends_on``) all stand, and those left without one.

    Structural, not textual: a conclusion ("So an age of 70 is above that range") names the
    statement it rests on, and goes when that statement is dropped or was never drafted, so a
    conclusion can never outlive its evidence. Repeated until stable (a chain drops whole)."""
    orphaned: list[Statement] = []
    while True:
        standing = {s.key for s in kept if s.key is not None}
        lost = [s for s in kept if any(k not in standing for k in s.depends_on)]
        if not lost:
            return kept, orphaned
        orphaned.extend(lost)
        kept = [s for s in kept if not any(k not in standing for k in s.depends_on)]


def _one_message(lead: list[Statement], *, declined: bool) -> list[Statement]:
    """An abstention's lead without its "nothing answers this" framing when a supported claim
    in the lead (a withdrawn trial's status) already answers: the two would read as a
    contradiction. A decline keeps its wording."""
    answered = any(s.check is not None and s.check.verdict == "supported" for s in lead)
    if declined or not answered:
        return lead
    return [s for s in lead if FRAMING not in s.fields]


def _is_guidance(statement: Statement) -> bool:
    return statement.check is not None and statement.check.verdict == "guidance"


def with_subjects(statements: Iterable[Statement]) -> list[Statement]:
    """Each trial's ``subject`` put before the first of its sentences that is shown.

    Runs after dropping, so when a trial's first sentence is gone its next one names the trial;
    a sentence that already names its trial (the ``title`` field) needs no subject.
    """
    out: list[Statement] = []
    named: set[str | None] = set()
    for statement in statements:
        about = statement.about
        if statement.subject and about not in named:
            named.add(about)
            if "title" not in statement.fields:
                statement = statement.model_copy(
                    update={"text": f"{statement.subject}: {statement.text}"}
                )
        elif "title" in statement.fields:
            named.add(about)
        out.append(statement)
    return out


def verify_match(
    matches: Sequence[TrialMatch], trials: TrialLookup, profile: PersonProfile
) -> list[TrialMatch]:
    """Every pre-screen verdict checked: its ``criterion`` must be the source's own words at its
    span and every ``used`` word must be in the description as read; a language model's verdict
    must also rest on some words of the description and quote words of its criterion
    (``criterion_quote``). A verdict that fails is left open (``unknown``, no words, ``checked``
    false, a reason saying so); one that holds is marked ``checked``. Nothing else checks
    verdicts."""
    from summarizer.match.wording import wording

    lookup = trials.get if isinstance(trials, Mapping) else trials
    unchecked = wording().reason("unchecked")
    out: list[TrialMatch] = []
    for match in matches:
        trial = lookup(match.trial_id)
        text = trial.source.text if trial is not None else None
        verdicts = []
        for v in match.verdicts:
            quoted = text is not None and text[v.span.start : v.span.end] == v.criterion
            said = all(w and w in profile.text for w in v.used)
            if v.source == "model":  # a model's verdict also names the criterion's words
                said = said and bool(v.used) and bool(v.criterion_quote)
                said = said and v.criterion_quote in v.criterion
            if quoted and said and v.criterion:
                verdicts.append(v.model_copy(update={"checked": True}))
            else:
                update = {"verdict": "unknown", "used": [], "checked": False, "reason": unchecked}
                verdicts.append(v.model_copy(update=update))
        out.append(match.model_copy(update={"verdicts": verdicts}))
    return out
