"""The generic text-page parser: any page of text describing one trial.

It is the fallback format: low confidence for any non-empty text that is not JSON, XML or HTML.
Sections are found by heading vocabularies (``text/vocab.json``), values by label forms, criteria
by list structure; see ``summarizer.parsers.text``.
"""

from __future__ import annotations

import re

from summarizer.models import Trial
from summarizer.parsers.base import ParseError
from summarizer.parsers.limits import check_page
from summarizer.parsers.text.assemble import trial_from_text

_TRIAL_CUES = re.compile(r"NCT\d{8}|inclusion criteria|exclusion criteria|clinical trial", re.I)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


class TextPageParser:
    name = "text_page"

    def detect(self, name: str, text: str) -> float:
        head = text.lstrip()[:1]
        if not head or head in "{[<":
            return 0.0
        return 0.3 if _TRIAL_CUES.search(text[:200_000]) else 0.1

    def parse(self, name: str, text: str) -> list[Trial]:
        doc = normalize_newlines(text)
        if not doc.strip():
            raise ParseError("empty document")
        check_page("page text", doc)
        return [trial_from_text(doc, path=name, fmt=self.name)]


PARSER = TextPageParser()
