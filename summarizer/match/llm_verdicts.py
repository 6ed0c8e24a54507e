"""The configured language model proposes verdicts for the criteria the rules left open.

Only when the engine in use is one that asks a model (``prompts/match_llm.json``: ``engines``)
and only for a few trials (``max_trials``) and a few open criteria each (``max_criteria``): one
JSON-schema request per trial (``prompts/match_verdicts.md``), the description and the criteria
put in as data (``defuse``). The model answers per criterion with a verdict, a quote of the
criterion and a quote of the description. A proposal is kept only when it says 'met' or
'not_met' for a criterion that was sent and both quotes are found word for word (whitespace and
case aside) in that criterion and in the description; the description's own words then become
the verdict's ``used`` and the verdict says ``source="model"``. Everything else stays 'unknown'.
``summarizer.verify.verify_match`` checks model verdicts like every other afterwards.

A server that is down, slow or refuses leaves every rule verdict as it was, with one message; a
reply that cannot be read leaves that trial's verdicts as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prompts import load_prompt
from prompts.defuse import defuse
from summarizer.config import Settings
from summarizer.engines.extractive.resources import load
from summarizer.llm_client import LLMClient, LLMError, LLMTruncatedError, build_chat_model
from summarizer.llm_reply import ReplyError, extract_json_object
from summarizer.match.wording import wording as match_wording
from summarizer.models.match import CriterionVerdict, PersonProfile, TrialMatch

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

PROMPT = "match_verdicts"
_TRIM = " \t\n\"'“”‘’`.,;:…"


class ModelVerdictRules(BaseModel):
    """``prompts/match_llm.json``: when the model is asked, how much, and what is said."""

    model_config = ConfigDict(extra="ignore")

    engines: list[str]
    max_trials: int = Field(ge=0)
    max_criteria: int = Field(ge=1)
    max_criterion_chars: int = Field(ge=20)
    max_tokens: int = Field(ge=16)
    min_quote_chars: int = Field(ge=1)
    label: str
    reasons: dict[str, str]
    messages: dict[str, str]

    def reason(self, kind: str, verdict: str, said: str) -> str:
        return self.reasons[f"{kind}_{verdict}"].format(said=f'"{said}"')


@cache
def rules() -> ModelVerdictRules:
    """``prompts/match_llm.json`` as a model; a broken file is a clear error."""
    try:
        return ModelVerdictRules.model_validate(load("match_llm"))
    except ValidationError as exc:
        raise ValueError(f"prompts/match_llm.json: {exc.errors()[0]['msg']}") from None


class ProposedVerdict(BaseModel):
    """One item of the model's reply."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["inclusion", "exclusion"]
    number: int
    verdict: Literal["met", "not_met", "unknown"]
    criterion_quote: str = ""
    description_quote: str = ""


class ProposalReply(BaseModel):
    """The reply's shape, sent to the server as the JSON schema to follow."""

    verdicts: list[ProposedVerdict] = Field(default_factory=list)


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "verdicts", "schema": ProposalReply.model_json_schema()},
    }


def wanted(engine: str) -> bool:
    """Whether the engine in use asks a language model for verdicts (extractive never does)."""
    return engine in rules().engines


# ---------------------------------------------------------------- quotes


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` case-folded with whitespace runs as one space, and each character's offset in
    ``text`` (so a match found here maps back to the original words)."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        for folded in ch.casefold():
            out.append(folded)
            where.append(i)
    return "".join(out), where


def find_verbatim(quote: str, text: str, *, least: int = 1) -> str | None:
    """The words of ``text`` that ``quote`` reproduces (whitespace and case aside, surrounding
    quote marks and punctuation trimmed), exactly as they stand in ``text``; None when absent."""
    wanted_text, _ = _normalised(quote.strip(_TRIM))
    wanted_text = wanted_text.strip()
    if len(wanted_text) < least:
        return None
    haystack, where = _normalised(text)
    pos = haystack.find(wanted_text)
    if pos < 0:
        return None
    return text[where[pos] : where[pos + len(wanted_text) - 1] + 1]


def accept(
    proposal: ProposedVerdict, verdict: CriterionVerdict, profile: PersonProfile
) -> CriterionVerdict | None:
    """The open ``verdict`` decided as the model proposes, or None when the proposal does not
    hold: no decision, or a quote not found where it claims to be."""
    if proposal.verdict not in ("met", "not_met"):
        return None
    least = rules().min_quote_chars
    criterion_words = find_verbatim(proposal.criterion_quote, verdict.criterion, least=least)
    said = find_verbatim(proposal.description_quote, profile.text, least=least)
    if criterion_words is None or said is None:
        return None
    return verdict.model_copy(
        update={
            "verdict": proposal.verdict,
            "used": [said],
            "reason": rules().reason(verdict.kind, proposal.verdict, said),
            "source": "model",
            "criterion_quote": criterion_words,
            "checked": False,
        }
    )


# ---------------------------------------------------------------- one trial


def open_criteria(match: TrialMatch) -> list[CriterionVerdict]:
    """The criteria worth asking about: rule verdicts left open, those the description touched
    first, then inclusions, at most ``max_criteria``."""
    untouched = match_wording().reason("not_said")
    candidates = [
        v
        for v in match.verdicts
        if v.verdict == "unknown" and v.about == "criterion" and v.source == "rules"
    ]
    candidates.sort(key=lambda v: (v.reason == untouched, v.kind != "inclusion"))
    return candidates[: rules().max_criteria]


def _criteria_lines(verdicts: Sequence[CriterionVerdict]) -> str:
    most = rules().max_criterion_chars
    lines = []
    for v in verdicts:
        flat = " ".join(v.criterion.split())
        flat = flat if len(flat) <= most else flat[: most - 1] + "…"
        lines.append(f"[{v.kind} {v.number}] {defuse(flat)}")
    return "\n".join(lines)


def messages_for(profile: PersonProfile, asked: Sequence[CriterionVerdict]) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    system, user = load_prompt(PROMPT).render(
        description=defuse(profile.text), criteria=_criteria_lines(asked)
    )
    return [SystemMessage(content=system), HumanMessage(content=user)]


def parse(text: str) -> list[ProposedVerdict]:
    """The reply's verdicts; an item that does not fit the schema is skipped, a reply with no
    JSON object is a ``ReplyError``."""
    obj = extract_json_object(text)
    items = obj.get("verdicts") if isinstance(obj, dict) else None
    if not isinstance(items, list):
        raise ReplyError('the reply has no "verdicts" list')
    out = []
    for item in items:
        try:
            out.append(ProposedVerdict.model_validate(item))
        except ValidationError:
            continue
    return out


def propose(client: LLMClient, match: TrialMatch, profile: PersonProfile) -> TrialMatch:
    """One request for the trial's open criteria; the proposals that hold put in place.
    ``LLMError`` (and ``ReplyError``) propagate: the caller decides what to tell the reader."""
    asked = open_criteria(match)
    if not asked:
        return match
    reply = client.complete(messages_for(profile, asked))
    log.debug("match verdicts reply for %s: %s", match.trial_id, reply)
    by_key = {(v.kind, v.number): v for v in asked}
    decided: dict[tuple[str, int], CriterionVerdict] = {}
    for proposal in parse(reply):
        key = (proposal.kind, proposal.number)
        verdict = by_key.get(key)
        if verdict is None or key in decided:
            continue
        accepted = accept(proposal, verdict, profile)
        if accepted is not None:
            decided[key] = accepted
    if not decided:
        return match
    verdicts = [
        decided.get((v.kind, v.number), v) if v.about == "criterion" else v for v in match.verdicts
    ]
    return match.model_copy(update={"verdicts": verdicts})


# ---------------------------------------------------------------- a whole pre-screen


@dataclass
class Suggested:
    """The matches with the model's accepted verdicts in place, and what to tell the reader."""

    matches: list[TrialMatch]
    messages: list[str] = field(default_factory=list)
    asked: int = 0  # requests made


def make_client(settings: Settings) -> LLMClient:
    """The chat client for verdicts: the llm engine's settings, JSON-schema replies,
    temperature 0, a bounded reply. A missing endpoint is an ``LLMError``."""
    chat = build_chat_model(
        settings,
        max_tokens=rules().max_tokens,
        model_kwargs={"response_format": response_format()},
    )
    return LLMClient(settings, chat=chat)


def suggest(
    matches: Sequence[TrialMatch],
    profile: PersonProfile,
    *,
    engine: str,
    settings: Settings,
    client: LLMClient | None = None,
) -> Suggested:
    """The first ``max_trials`` matches with the model's verdicts, when ``engine`` asks a model;
    the matches untouched (and no request made) otherwise."""
    out = Suggested(matches=list(matches))
    if not wanted(engine):
        return out
    words = rules()
    chosen = [i for i, m in enumerate(out.matches) if open_criteria(m)][: words.max_trials]
    if not chosen:
        return out
    try:
        client = client or make_client(settings)
    except LLMError as exc:
        log.warning("match: no language model for verdicts (%s)", exc)
        out.messages.append(words.messages["not_configured"])
        return out
    out.asked = len(chosen)

    def one(i: int) -> TrialMatch | Exception:
        try:
            return propose(client, out.matches[i], profile)
        except (ReplyError, LLMTruncatedError) as exc:
            log.warning("match: the model's verdicts could not be used (%s)", exc)
            return exc
        except LLMError as exc:
            log.warning("match: the model was not available (%s)", exc)
            return exc

    with ThreadPoolExecutor(max_workers=max(1, min(client.max_in_flight, len(chosen)))) as pool:
        results = list(pool.map(one, chosen))
    unreadable = 0
    unreachable = False
    for i, result in zip(chosen, results, strict=True):
        if isinstance(result, TrialMatch):
            out.matches[i] = result
        elif isinstance(result, ReplyError | LLMTruncatedError):
            unreadable += 1
        else:
            unreachable = True
    if unreachable:
        out.messages.append(words.messages["unreachable"])
    if unreadable:
        out.messages.append(words.messages["unreadable"].format(n=unreadable))
    return out
