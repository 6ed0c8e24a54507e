"""An LLM turns a long patient description into search terms before cross-trial ranking.

TrialGPT's keyword step: the model lists the conditions, findings and treatments a matching
trial would mention (``prompts/condense_query.md``, JSON-schema reply, temperature 0, a small
reply budget). The terms are search words only, never shown as facts, so nothing is verified
against the description; they are tidied (blank, repeated and over-long terms dropped, at most
``MAX_TERMS``). Not wired into ``screen.retrieval_query``: on the local 0.5B model it was measured
(benchmarks/trec_condenser.py) before any decision to use it.

A reply that cannot be used is a ``ReplyError`` and an endpoint that fails an ``LLMError``: the
caller searches with the description as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, field_validator

from prompts import load_prompt
from prompts.defuse import defuse
from summarizer.config import Settings
from summarizer.llm_client import LLMClient, build_chat_model
from summarizer.llm_reply import ReplyError, parse_reply

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

PROMPT = "condense_query"
MAX_TERMS = 12
MAX_TERM_WORDS = 8
REPLY_TOKENS = 160


class SearchTerms(BaseModel):
    """What the model returns."""

    model_config = ConfigDict(extra="ignore")

    terms: list[str]

    @field_validator("terms")
    @classmethod
    def _tidy(cls, value: list[str]) -> list[str]:
        out: dict[str, str] = {}
        for term in value:
            words = " ".join(str(term).split()).strip(" .;,")
            if words and len(words.split()) <= MAX_TERM_WORDS:
                out.setdefault(words.lower(), words)
        return list(out.values())[:MAX_TERMS]


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "search_terms", "schema": SearchTerms.model_json_schema()},
    }


def make_client(settings: Settings) -> LLMClient:
    """JSON-schema replies within a small budget (a list of terms, not prose)."""
    chat = build_chat_model(
        settings, max_tokens=REPLY_TOKENS, model_kwargs={"response_format": response_format()}
    )
    return LLMClient(settings, chat=chat)


def condense(description: str, client: LLMClient) -> list[str]:
    """The model's search terms for ``description``; a ``ReplyError`` when it gave none."""
    reply = parse_reply(client.complete(_messages(description)), SearchTerms)
    if not reply.terms:
        raise ReplyError("the model listed no search terms")
    return reply.terms


def as_query(terms: list[str]) -> str:
    """The terms as one search text."""
    return "; ".join(terms)


def _messages(description: str) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    system, user = load_prompt(PROMPT).render(description=defuse(description.strip()))
    return [SystemMessage(content=system), HumanMessage(content=user)]
