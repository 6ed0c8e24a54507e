"""The assisted generator: the extractive engine picks and cites the facts, a model only rewrites
those sentences in plainer words. The mode for a small local model; ``llm`` is for strong ones.

Per answer, and per summary section, the extracted sentences above the target reading grade go to
the model in one JSON-schema request (temperature 0, a small reply budget); each rewrite keeps its
original's citations and trial exactly and is kept in the draft only when it reads simpler. The
draft records which extracted sentence each rewrite replaces (``originals``), so the one
verification step (``summarizer.verify``) shows a rewrite only when the source checker supports
it, and the extracted sentence, flagged, otherwise. Nothing here checks against the source.

Faults never reach the reader as a crash or as unchecked text: a reply that is not valid JSON, a
reply cut off, a server that is down or slow, each leaves the extracted sentences in place (an
answer says so in one note). Only a missing endpoint configuration is an error (``LLMError``), so
a user who asked for this engine learns how to start the local model.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prompts import load_prompt
from prompts.defuse import defuse
from prompts.layout import layout
from summarizer.config import Settings
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.engines.extractive.resources import load
from summarizer.llm_client import LLMClient, LLMError, LLMTruncatedError, build_chat_model
from summarizer.llm_reply import ReplyError, parse_reply
from summarizer.models import (
    NOT_CLAIMS,
    DraftAnswer,
    DraftFit,
    DraftSection,
    DraftSummary,
    Statement,
    Trial,
)
from summarizer.readability import grade

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

PROMPT = "assisted_rewrite"
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


class RewriteItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    index: int
    text: str


class RewriteReply(BaseModel):
    """What the model returns: one plainer sentence per numbered input sentence."""

    model_config = ConfigDict(extra="ignore")

    rewrites: list[RewriteItem] = Field(default_factory=list)


class RewriteSettings(BaseModel):
    """``prompts/assisted.json``: when to rewrite, when a rewrite counts as simpler."""

    model_config = ConfigDict(extra="ignore")

    target_grade: float = Field(gt=0)
    max_tokens: int = Field(ge=16)
    min_words: int = Field(ge=1)
    max_sentences: int = Field(ge=1)
    keep_sections: list[str] = Field(default_factory=list)

    @classmethod
    def load(cls) -> RewriteSettings:
        try:
            return cls.model_validate(load("assisted"))
        except ValidationError as exc:
            raise ValueError(f"prompts/assisted.json: {exc.errors()[0]['msg']}") from None


def response_format() -> dict[str, Any]:
    """The JSON schema the server constrains the reply to (llama.cpp and OpenAI honour it)."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "rewrites", "schema": RewriteReply.model_json_schema()},
    }


def make_client(settings: Settings, rules: RewriteSettings, **options: Any) -> LLMClient:
    """The chat client for rewrites: JSON-schema replies, temperature 0, a small reply budget
    (``options`` go to ``LLMClient``: a retry policy, a sleep for tests)."""
    chat = build_chat_model(
        settings, max_tokens=rules.max_tokens, model_kwargs={"response_format": response_format()}
    )
    return LLMClient(settings, chat=chat, **options)


def is_simpler(new: float | None, old: float | None, target: float) -> bool:
    """A rewrite counts only when it reads at a lower grade, and never rises above the target
    from an original that was at or below it."""
    if new is None or old is None:
        return False
    if new >= old:
        return False
    return not (old <= target < new)


def rewritable(statement: Statement) -> bool:
    """A cited claim about one trial; framing, guidance, sentences that name a trial and web
    addresses are not sent (their words are fixed, or must stay exactly as written)."""
    if not statement.citations or statement.about is None or _URL.search(statement.text):
        return False
    return not any(k in statement.fields for k in (*NOT_CLAIMS, "title"))


@dataclass
class Rewritten:
    """Statements with the accepted rewrites in place, and what the draft should say."""

    statements: list[Statement]
    originals: dict[int, Statement] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)  # replies the engine could not use
    note: str | None = None  # the model was not available
    failed: bool = False  # stop asking for the rest of this output


class AssistedEngine:
    """Extractive drafts, reworded by a chat model, every rewrite with its original attached."""

    name = "assisted"
    # Every sentence shown is either a rewrite the checker supported or the extracted original,
    # which is held to the extractive rules (unsupported: flagged, not dropped).
    rewrites = False

    def __init__(
        self,
        extractive: ExtractiveEngine,
        settings: Settings,
        *,
        client: LLMClient | None = None,
        rules: RewriteSettings | None = None,
    ) -> None:
        self.extractive = extractive
        self.settings = settings
        self.rules = rules or RewriteSettings.load()
        self._client = client
        self._client_lock = threading.Lock()

    @classmethod
    def build(cls, *, store: Any, retriever: Any, settings: Settings) -> AssistedEngine:
        """The registry's way in (``engines.factory``)."""
        return cls(ExtractiveEngine.build(store=store, retriever=retriever), settings)

    @property
    def client(self) -> LLMClient:
        """Built on first use and shared by threads; a missing endpoint is an ``LLMError``."""
        with self._client_lock:
            if self._client is None:
                self._client = make_client(self.settings, self.rules)
            return self._client

    def prepare(self) -> None:
        """Build the client now: a missing endpoint is one clear error before any work."""
        self.client  # noqa: B018

    @property
    def fingerprint(self) -> str:
        prompt = load_prompt(PROMPT)
        return f"assisted:{self.settings.model}:{prompt.label}"

    # ------------------------------------------------------------ drafts

    def draft_answer(self, question: str, trials: Sequence[Trial] | None = None) -> DraftAnswer:
        draft: DraftAnswer | None = None
        for piece in self.stream_draft(question, trials):
            if isinstance(piece, DraftAnswer):
                draft = piece
        assert draft is not None
        return draft

    def stream_draft(
        self, question: str, trials: Sequence[Trial] | None = None
    ) -> Iterator[str | DraftAnswer]:
        """The extracted answer at once (provisional: checked and shown while the model works,
        so a reader never waits on a small local model to see a cited answer), then the draft
        with the rewrites, which replaces it."""
        draft = self.extractive.draft_answer(question, trials)
        if draft.declined or draft.abstained or not self._hardest(draft.statements):
            yield draft
            return
        yield draft.model_copy(update={"provisional": True})
        yield self._rewritten(draft)

    def _rewritten(self, draft: DraftAnswer) -> DraftAnswer:
        done = self.rewrite(draft.statements)
        return draft.model_copy(
            update={
                "statements": done.statements,
                "originals": done.originals,
                "flagged": [*draft.flagged, *done.flagged],
                "notes": [*draft.notes, *([done.note] if done.note else [])],
            }
        )

    def draft_summary(self, trial: Trial) -> DraftSummary:
        draft = self.extractive.draft_summary(trial)
        sections: list[DraftSection] = []
        available = True
        for section in draft.sections:
            if not available or section.key in self.rules.keep_sections:
                sections.append(section)
                continue
            done = self.rewrite(section.statements)
            available = not done.failed
            sections.append(
                section.model_copy(
                    update={"statements": done.statements, "originals": done.originals}
                )
            )
        return draft.model_copy(update={"sections": sections})

    def draft_fit(self, trial: Trial) -> DraftFit:
        """An editor's bullets stay in the documents' words: they are checked with their side."""
        return self.extractive.draft_fit(trial)

    # ------------------------------------------------------------ rewriting

    def rewrite(self, statements: Sequence[Statement]) -> Rewritten:
        """One request for every sentence worth rewriting; the simpler rewrites put in place."""
        target = self.rules.target_grade
        grades = self._hardest(statements)
        out = Rewritten(statements=list(statements))
        if not grades:
            return out
        client = self.client  # no endpoint configured: an error for the user, not a fallback
        try:
            reply = self._ask(client, [statements[i].text for i in grades])
        except (ReplyError, LLMTruncatedError) as exc:
            log.warning("assisted: the model's rewrite could not be used (%s)", exc)
            out.flagged.append(f"plain-words rewrite not used: {_one_line(str(exc))}")
            return out
        except LLMError as exc:
            log.warning("assisted: the model was not available (%s)", exc)
            out.note = layout().say("rewriter_unavailable", reason=_one_line(str(exc)))
            out.failed = True
            return out
        asked = list(grades)  # the prompt numbers them 1, 2, ... in this order
        for item in reply.rewrites:
            i = asked[item.index - 1] if 1 <= item.index <= len(asked) else -1
            text = " ".join(item.text.split())
            if i not in grades or i in out.originals or not text:
                continue
            original = statements[i]
            if text == original.text or not is_simpler(grade(text), grades[i], target):
                continue
            out.statements[i] = Statement(
                text=text,
                citations=original.citations,
                trial_id=original.about,
                subject=original.subject,
            )
            out.originals[i] = original
        return out

    def _hardest(self, statements: Sequence[Statement]) -> dict[int, float]:
        """Index -> grade of the sentences worth sending: rewritable, long enough, above the
        target grade; the hardest ``max_sentences`` of them, in their order."""
        grades: dict[int, float] = {}
        for i, statement in enumerate(statements):
            if not rewritable(statement) or len(statement.text.split()) < self.rules.min_words:
                continue
            g = grade(statement.text)
            if g is not None and g > self.rules.target_grade:
                grades[i] = g
        hardest = sorted(grades, key=lambda i: -grades[i])[: self.rules.max_sentences]
        return {i: grades[i] for i in sorted(hardest)}

    def _ask(self, client: LLMClient, texts: list[str]) -> RewriteReply:
        numbered = [{"index": n, "text": defuse(t)} for n, t in enumerate(texts, start=1)]
        sentences = json.dumps(numbered, ensure_ascii=False, indent=1)
        reply = client.complete(self._messages(sentences))
        log.debug("assisted reply: %s", reply)
        return parse_reply(reply, RewriteReply)

    def _messages(self, sentences: str) -> list[BaseMessage]:
        from langchain_core.messages import HumanMessage, SystemMessage

        system, user = load_prompt(PROMPT).render(sentences=sentences)
        return [SystemMessage(content=system), HumanMessage(content=user)]


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split()).rstrip(".")
    return line if len(line) <= limit else line[: limit - 1] + "…"
