"""Scripted "models" for the fake server: replies computed from the request, never canned.

``cite_evidence`` reads the evidence blocks out of the prompt it receives and answers by quoting
the first sentence of some blocks, citing their ids, in whichever JSON shape the system prompt
asks for (answer, lay summary, fit draft). It proves the wiring, not any language ability.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tests.fake_openai.server import RecordedRequest, Reply

_BLOCK = re.compile(
    r'<evidence id="(?P<id>[^"]+)" trial="(?P<trial>[^"]*)" section="(?P<section>[^"]*)">\n'
    r"(?P<text>.*?)\n</evidence>",
    re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_SUMMARY_KEY = {
    "quick_facts": "quick_facts",
    "conditions": "quick_facts",
    "summary": "why",
    "description": "why",
    "interventions": "studies",
    "design": "studies",
    "outcomes": "studies",
    "inclusion": "good_fit",
    "exclusion": "not_fit",
    "eligibility": "eligibility",
    "locations": "where",
    "contacts": "how",
}


@dataclass
class Block:
    id: str
    trial: str
    section: str
    text: str


def evidence_blocks(request: RecordedRequest) -> list[Block]:
    """The evidence blocks in the request's user message, in order."""
    return [
        Block(m["id"], m["trial"], m["section"], m["text"])
        for m in _BLOCK.finditer(request.message("user"))
    ]


def first_sentence(text: str) -> str:
    for part in _SENTENCE_END.split(text):
        part = part.strip(" \t-*•|")
        if len(part) > 3:
            return part[:300]
    return text.strip()[:300]


def _sentence(block: Block) -> dict[str, object]:
    return {"text": first_sentence(block.text), "citations": [block.id]}


def cite_evidence(request: RecordedRequest, *, per_answer: int = 2) -> Reply:
    """Quote the evidence the request carries, citing each quoted block's id."""
    system = request.message("system")
    blocks = evidence_blocks(request)
    if '"good_fit": [' in system:  # fit draft
        reply: dict[str, object] = {
            "good_fit": [_sentence(b) for b in blocks if b.section == "inclusion"][:4],
            "not_fit": [_sentence(b) for b in blocks if b.section == "exclusion"][:4],
        }
    elif '"sections": [' in system:  # lay summary
        sections: dict[str, list[dict[str, object]]] = {}
        for block in blocks:
            key = _SUMMARY_KEY.get(block.section)
            if key and len(sections.setdefault(key, [])) < 2:
                sections[key].append(_sentence(block))
        reply = {"sections": [{"key": k, "sentences": v} for k, v in sections.items()]}
    else:  # answer
        # Quoting an exclusion criterion as a plain statement would say the opposite of what it
        # means, so quote other blocks first.
        chosen = sorted(blocks, key=lambda b: b.section == "exclusion")[:per_answer]
        reply = {
            "abstained": not chosen,
            "declined": False,
            "sentences": [_sentence(b) for b in chosen],
        }
    return Reply.text(json.dumps(reply))


class PerTrialFaults:
    """A responder playing scripted faults for chosen trials and ``cite_evidence`` for the rest.

    A request belongs to the trial whose id it mentions: a summary prompt names its trial, and a
    repair prompt quotes the reply being repaired (so a scripted bad reply should name its trial).
    Each trial's script is used once, reply by reply; after it, the trial is healthy again, and a
    repair request is answered from that trial's original request.
    """

    def __init__(self, scripts: Mapping[str, Sequence[Reply]]) -> None:
        self._scripts = {tid: deque(replies) for tid, replies in scripts.items()}
        self._originals: dict[str, RecordedRequest] = {}
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply:
        user = request.message("user")
        repair = "<previous_reply>" in user
        trial = next((t for t in self._scripts if t in user), None)
        with self._lock:
            if trial is not None and not repair:
                self._originals[trial] = request
            script = self._scripts.get(trial) if trial is not None else None
            if script:
                return script.popleft()
            original = self._originals.get(trial) if trial is not None and repair else None
        return cite_evidence(original or request)
