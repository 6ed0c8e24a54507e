"""Model replies become pydantic models, with a local repair for the usual formatting slips."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.engines.llm_parsing import (
    AnswerReply,
    FitReply,
    ReplyError,
    SummaryReply,
    extract_json_object,
    parse_reply,
    preview_sentences,
    schema_text,
)

GOOD = {"abstained": False, "sentences": [{"text": "Adults can join.", "citations": ["E1"]}]}


@pytest.mark.parametrize(
    "reply",
    [
        json.dumps(GOOD),
        "```json\n" + json.dumps(GOOD) + "\n```",
        "```\n" + json.dumps(GOOD, indent=2) + "\n```\n",
        "Here is the answer:\n" + json.dumps(GOOD) + "\nI hope this helps!",
        json.dumps(GOOD) + " {trailing junk",
        "Thinking {not json} ... " + json.dumps(GOOD),
    ],
)
def test_local_repair_finds_the_object(reply: str) -> None:
    parsed = parse_reply(reply, AnswerReply)

    assert parsed.sentences[0].text == "Adults can join."
    assert parsed.sentences[0].citations == ["E1"]
    assert parsed.declined is False


def test_a_single_citation_given_as_a_string_is_accepted() -> None:
    reply = '{"abstained": false, "sentences": [{"text": "Yes.", "citations": "E2"}]}'

    assert parse_reply(reply, AnswerReply).sentences[0].citations == ["E2"]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("", "empty"),
        ("I think the answer is yes.", "no JSON object"),
        ('{"abstained": false, "sentences": [', "not valid JSON"),
        ('{"sentences": []}', "abstained: Field required"),
        ('{"abstained": "maybe", "sentences": []}', "abstained"),
        ('{"abstained": false, "sentences": [{"citations": ["E1"]}]}', "sentences.0.text"),
        ('{"abstained": false, "sentences": "Yes."}', "sentences"),
        ("[1, 2, 3]", "no JSON object"),
    ],
)
def test_unusable_replies_say_what_is_wrong(reply: str, message: str) -> None:
    with pytest.raises(ReplyError, match=message):
        parse_reply(reply, AnswerReply)


def test_summary_sections_must_use_known_keys() -> None:
    good = '{"sections": [{"key": "why", "sentences": []}]}'
    bad = '{"sections": [{"key": "marketing", "sentences": []}]}'

    assert parse_reply(good, SummaryReply).sections[0].key == "why"
    with pytest.raises(ReplyError, match=r"sections\.0\.key"):
        parse_reply(bad, SummaryReply)


def test_fit_lists_default_to_empty() -> None:
    assert parse_reply('{"good_fit": []}', FitReply) == FitReply()


def test_the_schema_for_repair_names_the_fields() -> None:
    schema = json.loads(schema_text(AnswerReply))

    assert {"abstained", "sentences"} <= set(schema["properties"])
    assert "abstained" in schema["required"]


_noise = st.text(alphabet=st.characters(blacklist_characters="{}`"), max_size=40)
_sentence = st.fixed_dictionaries(
    {
        "text": st.text(min_size=1, max_size=60),
        "citations": st.lists(st.from_regex(r"E[1-9][0-9]?", fullmatch=True), max_size=3),
    }
)


@given(
    before=_noise,
    after=_noise,
    abstained=st.booleans(),
    sentences=st.lists(_sentence, max_size=4),
    fenced=st.booleans(),
)
def test_any_valid_reply_survives_noise_around_it(
    before: str, after: str, abstained: bool, sentences: list[dict[str, object]], fenced: bool
) -> None:
    body = json.dumps({"abstained": abstained, "sentences": sentences})
    if fenced:
        body = f"```json\n{body}\n```"

    parsed = parse_reply(f"{before}{body}{after}", AnswerReply)

    assert parsed.abstained == abstained
    assert [s.model_dump() for s in parsed.sentences] == sentences


def test_extract_returns_the_first_object() -> None:
    assert extract_json_object('x {"a": 1} {"b": 2}') == {"a": 1}


def test_preview_shows_sentence_text_as_the_json_streams_in() -> None:
    full = json.dumps(
        {
            "abstained": False,
            "sentences": [
                {"text": "Adults aged 18 to 75 can join.", "citations": ["E1"]},
                {"text": "It is in Boston.", "citations": ["E2"]},
            ],
        }
    )
    previews = [preview_sentences(full[:n]) for n in range(len(full) + 1)]
    shown = [p for p in previews if p]

    assert previews[-1] == "Adults aged 18 to 75 can join. It is in Boston."
    assert "E1" not in previews[-1]  # ids and JSON syntax are never shown
    assert all(b.startswith(a) for a, b in itertools.pairwise(shown))


def test_preview_of_non_json_is_empty() -> None:
    assert preview_sentences("Sure! Let me think") == ""
