"""A loopback OpenAI-compatible server for tests (never used by the product)."""

from tests.fake_openai.responders import PerTrialFaults, cite_evidence, evidence_blocks
from tests.fake_openai.server import FakeOpenAI, RecordedRequest, Reply

__all__ = [
    "FakeOpenAI",
    "PerTrialFaults",
    "RecordedRequest",
    "Reply",
    "cite_evidence",
    "evidence_blocks",
]
