"""The checker behind one protocol: the offline checker, or an LLM judge (RAGAS-style).

``make_checker(settings, mode)`` picks one, so callers (the evals) never branch on the mode.

The LLM judge asks the configured model (``llm_client``) to split a statement into atomic claims,
then to verify all of them in one call against the evidence: the cited spans' source text, or the
trial's best-matching source sentences when the statement cites nothing. The statement's verdict is
the worst claim verdict; its score the share of supported claims.

The model is never trusted on its word:

- a reply that is not valid JSON for the schema makes the statement ``unsupported`` (with the
  reason), never ``supported``;
- a ``supported`` or ``contradicted`` verdict must quote the source: the quote has to be found,
  after whitespace normalization, in both the evidence shown to the model and the trial's source
  text; otherwise the claim is ``unsupported``;
- the offline checker's hard-fact and polarity checks are a floor: a statement it finds
  ``contradicted`` (wrong number, wrong trial id, flipped inclusion/exclusion) stays contradicted
  whatever the model says. Its ``unsupported`` findings do not override the judge, which may
  recognise a paraphrase the lexical checker misses; they are kept among the reasons when the
  judge does not support the statement either.

Errors reaching the endpoint propagate as ``LLMError``: a judge that cannot judge must not pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from prompts import load_prompt
from prompts.defuse import defuse
from summarizer.checker import core
from summarizer.checker.evidence import Unit, as_citation, units
from summarizer.checker.polarity import Role
from summarizer.checker.support import coverage
from summarizer.checker.text import content_terms, strip_additions, words
from summarizer.config import Settings
from summarizer.llm_client import LLMClient, LLMError, redact
from summarizer.llm_reply import ReplyError, parse_reply
from summarizer.models import Check, Citation, Statement, Trial, Verdict

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

JUDGE_MODES: tuple[str, ...] = ("offline", "llm")
MAX_CLAIMS = 8
PER_CLAIM_UNITS = 4  # best-matching source sentences per claim, for an uncited statement
MAX_UNITS = 12
EVIDENCE_BUDGET = 8_000  # characters of source text per verification request
_ORDER = {"supported": 0, "unsupported": 1, "contradicted": 2}
_ROLE_CONTEXT = {
    None: "The claims come from one sentence written about this trial.",
    "good_fit": (
        "The claims come from a bullet under 'Who may be a good fit' (people who may join)."
    ),
    "not_fit": (
        "The claims come from a bullet under 'Who may not be a good fit' (it describes people "
        "who may NOT join, so it should rest on an exclusion criterion)."
    ),
}


class Checker(Protocol):
    """Anything that judges one statement against its trial."""

    name: str

    def describe(self) -> str:
        """One line for reports: which checker, and for a judge which model where."""
        ...

    def check_statement(
        self, statement: Statement, trial: Trial, *, role: Role = None
    ) -> Check: ...


class OfflineChecker:
    """The deterministic checker of ``core``: no network, same result every run."""

    name = "offline"

    def describe(self) -> str:
        return "offline source checker (deterministic)"

    def check_statement(self, statement: Statement, trial: Trial, *, role: Role = None) -> Check:
        return core.check_statement(statement, trial, role=role)


# ---------------------------------------------------------------- what the model must return


class ClaimsReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    claims: list[str]

    @field_validator("claims")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        return [" ".join(c.split()) for c in value if c and c.strip()]


class ClaimVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")

    claim: int = Field(ge=1, description="the claim's number, from 1")
    verdict: Verdict
    evidence: str = ""
    reason: str = ""

    @field_validator("evidence", "reason", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value


class VerifyReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verdicts: list[ClaimVerdict]


class ClaimCheck(BaseModel):
    """One claim's verdict after our own checks of the model's reply."""

    claim: str
    verdict: Verdict
    reason: str
    evidence: list[Citation] = Field(default_factory=list)


# ---------------------------------------------------------------- the judge


def normalize_ws(text: str) -> str:
    return " ".join(text.split())


class LLMJudge:
    """Claims extracted and verified by the configured LLM, with the offline checker as a floor."""

    name = "llm"

    def __init__(self, client: LLMClient, *, floor: Checker | None = None) -> None:
        self.client = client
        self.floor: Checker = floor or OfflineChecker()

    def __repr__(self) -> str:
        return f"LLMJudge({self.client!r})"

    def describe(self) -> str:
        judge = load_prompt("judge_verify").label
        return f"LLM judge {self.client.model} at {redact(self.client.base_url)} ({judge})"

    def check_statement(self, statement: Statement, trial: Trial, *, role: Role = None) -> Check:
        offline = self.floor.check_statement(statement, trial, role=role)
        judged = self.judge(statement, trial, role=role)
        if offline.verdict != "contradicted":
            if judged.verdict != "supported" and offline.verdict != "supported":
                # Both doubt it: keep the offline findings too, verbatim, so a missing number
                # is reported (and counted by the evals) as it is without the judge.
                return judged.model_copy(
                    update={
                        "reasons": [*judged.reasons, *offline.reasons],
                        "findings": offline.findings,
                    }
                )
            return judged
        # The floor: hard facts and polarity found contradicted stay contradicted. The offline
        # reasons come first and verbatim (the evals count them as hard-fact/polarity errors).
        note = (
            "offline hard-fact check overrides the judge"
            if judged.verdict != "contradicted"
            else "the offline hard-fact check agrees"
        )
        return Check(
            verdict="contradicted",
            score=0.0,
            reasons=[*offline.reasons, note, *judged.reasons],
            evidence=_merge(offline.evidence, judged.evidence),
            findings=offline.findings,
        )

    def judge(self, statement: Statement, trial: Trial, *, role: Role = None) -> Check:
        """The LLM's verdict alone (no floor): claims, evidence, one verification call."""
        text = strip_additions(statement.text.strip())
        try:
            claims = self._claims(text)
        except ReplyError as exc:
            return _unusable("claim extraction", exc)
        if not claims:
            return Check(
                verdict="unsupported", score=0.0, reasons=["judge: no checkable claim found"]
            )
        pool = self._evidence(statement, trial, claims)
        if not pool:
            reason = "judge: no source sentence shares a content word with the claims"
            return Check(verdict="unsupported", score=0.0, reasons=[reason])
        try:
            reply = self._verify(claims, pool, role)
        except ReplyError as exc:
            return _unusable("verification", exc)
        checks = _claim_checks(claims, reply, pool, trial)
        return _combine(checks, pool, trial)

    # ------------------------------------------------------------ steps

    def _claims(self, text: str) -> list[str]:
        raw = self.client.complete(_messages("judge_claims", statement=defuse(text)))
        try:
            reply = parse_reply(raw, ClaimsReply)
        except ReplyError:
            bare = _bare_list(raw)  # '["a", "b"]' without the wrapping object is unambiguous
            if bare is None:
                raise
            reply = ClaimsReply(claims=bare)
        return list(dict.fromkeys(reply.claims))[:MAX_CLAIMS]

    def _evidence(self, statement: Statement, trial: Trial, claims: Sequence[str]) -> list[Unit]:
        """The cited spans' sentences, or the best-matching source sentences for each claim."""
        cited = any(c.trial_id == trial.trial_id for c in statement.citations)
        if cited:
            chosen = cited_units(trial, statement.citations)
        else:
            everything = units(trial, [])
            picked: dict[int, Unit] = {}
            for claim in claims:
                for unit in _best_for(claim, everything):
                    picked.setdefault(unit.start, unit)
            chosen = sorted(picked.values(), key=lambda u: u.start)
        out: list[Unit] = []
        size = 0
        for unit in chosen[:MAX_UNITS]:
            size += len(unit.text)
            if out and size > EVIDENCE_BUDGET:
                break
            out.append(unit)
        return out

    def _verify(self, claims: Sequence[str], pool: Sequence[Unit], role: Role) -> VerifyReply:
        numbered = "\n".join(f"{i}. {defuse(c)}" for i, c in enumerate(claims, start=1))
        messages = _messages(
            "judge_verify",
            context=_ROLE_CONTEXT.get(role, _ROLE_CONTEXT[None]),
            claims=numbered,
            evidence=render_evidence(pool),
        )
        return parse_reply(self.client.complete(messages), VerifyReply)


def cited_units(trial: Trial, cites: Sequence[Citation]) -> list[Unit]:
    """The source sentences the citations fall in, whole: a cited '14 Years' is shown as
    'Ages14 Years to 75 Years', so the model reads what the value is. A citation whose quote is
    not the source text at its offsets is shown as quoted."""
    whole = units(trial, [])
    out: dict[int, Unit] = {}
    for c in cites:
        if c.trial_id != trial.trial_id:
            continue
        if trial.source.text[c.start : c.end] != c.quote:
            for u in units(trial, [c]):
                out.setdefault(u.start, u)
            continue
        around = [u for u in whole if u.start < max(c.end, c.start + 1) and c.start < u.end]
        for u in around or units(trial, [c]):
            section = c.section if c.section not in ("other", "") else u.section
            out.setdefault(u.start, u.model_copy(update={"section": section}))
    return sorted(out.values(), key=lambda u: u.start)


def _best_for(claim: str, pool: Sequence[Unit], k: int = PER_CLAIM_UNITS) -> list[Unit]:
    """The source sentences sharing most of the claim's content words and numbers (the lexical
    coverage alone is blind to numbers, and 'People aged 14 to 75' has no other content)."""
    terms = set(content_terms(claim))
    nums = {w for w in words(claim) if w.isdigit()}
    scored: list[tuple[float, int, Unit]] = []
    for unit in pool:
        value = coverage(claim, unit.text) if terms else 0.0
        if nums:
            value += len(nums & set(words(unit.text))) / len(nums)
        if value > 0:
            scored.append((value, unit.start, unit))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [u for _, _, u in scored[:k]]


def render_evidence(pool: Sequence[Unit]) -> str:
    """Source sentences as ``<evidence id="S1" section=".." kind="..">`` data blocks."""
    blocks = []
    for i, unit in enumerate(pool, start=1):
        kind = f' kind="{unit.kind} criterion"' if unit.kind else ""
        section = defuse(unit.section).replace('"', "'")
        head = f'<evidence id="S{i}" section="{section}"{kind}>'
        blocks.append(f"{head}\n{defuse(unit.text)}\n</evidence>")
    return "\n\n".join(blocks)


def _bare_list(text: str) -> list[str] | None:
    """A reply that is only a JSON list of strings (code fences allowed), else None."""
    cleaned = re.sub(r"```[a-zA-Z0-9_-]*", "", text).strip()
    if not cleaned.startswith("["):
        return None
    try:
        value = json.loads(cleaned)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _messages(prompt_name: str, **values: str) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    system, user = load_prompt(prompt_name).render(**values)
    return [SystemMessage(content=system), HumanMessage(content=user)]


def _unusable(step: str, exc: ReplyError) -> Check:
    return Check(
        verdict="unsupported",
        score=0.0,
        reasons=[f"judge: the model's {step} reply could not be used ({exc}); not counted"],
    )


def quote_units(quote: str, pool: Sequence[Unit], source: str) -> list[Unit] | None:
    """The shown source sentences holding ``quote``; None when it is not verbatim source text.

    Whitespace is normalized on both sides; a quote without a content word or digit ('the') is
    not evidence of anything.
    """
    q = normalize_ws(quote).strip(" \"'“”‘’")
    if not q or not (content_terms(q) or any(ch.isdigit() for ch in q)):
        return None
    if q not in normalize_ws(source):
        return None
    shown = [normalize_ws(u.text) for u in pool]
    inside = [u for u, s in zip(pool, shown, strict=True) if q in s]
    if inside:
        return inside[:1]
    joined = " ".join(shown)
    at = joined.find(q)  # a quote running across neighbouring sentences
    if at < 0:
        return None
    out, pos = [], 0
    for unit, s in zip(pool, shown, strict=True):
        if pos < at + len(q) and at < pos + len(s):
            out.append(unit)
        pos += len(s) + 1
    return out


def _claim_checks(
    claims: Sequence[str], reply: VerifyReply, pool: Sequence[Unit], trial: Trial
) -> list[ClaimCheck]:
    by_number: dict[int, ClaimVerdict] = {}
    for given in reply.verdicts:
        by_number.setdefault(given.claim, given)
    out: list[ClaimCheck] = []
    for i, claim in enumerate(claims, start=1):
        v = by_number.get(i)
        if v is None:
            out.append(ClaimCheck(claim=claim, verdict="unsupported", reason="no verdict given"))
            continue
        if v.verdict == "unsupported":
            reason = v.reason.strip() or "the source does not say"
            out.append(ClaimCheck(claim=claim, verdict="unsupported", reason=reason))
            continue
        found = quote_units(v.evidence, pool, trial.source.text)
        if found is None:
            shown = normalize_ws(v.evidence)[:80]
            out.append(
                ClaimCheck(
                    claim=claim,
                    verdict="unsupported",
                    reason=f"judge said {v.verdict} but its quote {shown!r} is not in the source",
                )
            )
            continue
        out.append(
            ClaimCheck(
                claim=claim,
                verdict=v.verdict,
                reason=v.reason.strip() or v.verdict,
                evidence=[as_citation(trial, u) for u in found],
            )
        )
    return out


def _combine(checks: Sequence[ClaimCheck], pool: Sequence[Unit], trial: Trial) -> Check:
    worst = max(checks, key=lambda c: _ORDER[c.verdict])
    n_ok = sum(c.verdict == "supported" for c in checks)
    reasons = [
        f"judge: claim {i} {c.verdict}: {c.claim[:80]!r} ({c.reason})"
        for i, c in enumerate(checks, start=1)
        if c.verdict != "supported"
    ]
    if not reasons:
        reasons = [f"judge: {n_ok} of {len(checks)} claims supported by quoted source text"]
    evidence: list[Citation] = []
    for c in checks:
        evidence = _merge(evidence, c.evidence)
    if not evidence:
        evidence = [as_citation(trial, u) for u in pool[:2]]
    return Check(
        verdict=worst.verdict,
        score=round(n_ok / len(checks), 4),
        reasons=reasons,
        evidence=evidence,
    )


def _merge(a: Sequence[Citation], b: Sequence[Citation]) -> list[Citation]:
    out = list(a)
    out.extend(c for c in b if c not in out)
    return out


# ---------------------------------------------------------------- choosing a checker


def endpoint_configured(settings: Settings) -> bool:
    return bool(settings.openai_api_key or settings.openai_base_url)


def make_checker(
    settings: Settings | None = None, mode: str = "offline", *, client: LLMClient | None = None
) -> Checker:
    """The checker for ``mode``: ``offline`` (default) or ``llm`` (needs an endpoint).

    Raises ``LLMError`` with a one-line message when ``llm`` is asked for and no endpoint is
    configured, before any work is done.
    """
    if mode == "offline":
        return OfflineChecker()
    if mode != "llm":
        raise ValueError(f"unknown judge {mode!r}: choose one of {', '.join(JUDGE_MODES)}")
    if client is None:
        settings = settings or Settings()
        if not endpoint_configured(settings):
            raise LLMError(
                "--judge llm needs an LLM endpoint: set OPENAI_BASE_URL (local server) or "
                "OPENAI_API_KEY, and TRIALSUM_MODEL; or use --judge offline."
            )
        client = LLMClient(settings)
    return LLMJudge(client)
