"""The assisted engine: extractive sentences, reworded by a model, every rewrite checked against
its citations and replaced by the extracted sentence when it fails; faults leave the extracted
sentences in place. Run against the loopback OpenAI-compatible server (``tests/fake_openai``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from prompts.layout import layout
from summarizer.assistant import Assistant
from summarizer.config import Settings
from summarizer.engines.assisted import (
    AssistedEngine,
    RewriteSettings,
    is_simpler,
    make_client,
    rewritable,
)
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.llm_client import LLMError, RetryPolicy
from summarizer.local_llm.serve import free_port
from summarizer.models import Answer, Check, LaySummary, Statement, Trial
from summarizer.readability import grade
from summarizer.verify import Verifier
from tests.engines.builders import FakeRuntime, parse_seed
from tests.fake_openai import FakeOpenAI, RecordedRequest, Reply

QUESTION = "What is this trial testing?"
FAILED = layout().reasons["rewrite_failed"]


@pytest.fixture(scope="module")
def seeds(seed_texts: dict[str, str]) -> dict[str, Trial]:
    return {k: parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()}


@pytest.fixture
def trial(seeds: dict[str, Trial]) -> Trial:
    return seeds["000"]  # NCT06503094: long summary sentences and criteria above grade 8


def build(seeds: dict[str, Trial], settings: Settings) -> tuple[Assistant, AssistedEngine]:
    runtime = FakeRuntime(list(seeds.values()))
    rules = RewriteSettings.load()
    client = make_client(settings, rules, policy=RetryPolicy(max_retries=0), sleep=lambda s: None)
    engine = AssistedEngine(
        ExtractiveEngine(runtime.store, runtime.retriever), settings, client=client, rules=rules
    )
    return Assistant(runtime, generator=engine), engine  # type: ignore[arg-type]


def extractive(seeds: dict[str, Trial]) -> Assistant:
    runtime = FakeRuntime(list(seeds.values()))
    return Assistant(runtime, generator=ExtractiveEngine(runtime.store, runtime.retriever))  # type: ignore[arg-type]


def sent(request: RecordedRequest) -> list[dict[str, object]]:
    """The numbered sentences a request asked the model to rewrite."""
    user = request.message("user")
    return json.loads(user[user.index("[") : user.rindex("]") + 1])


def shorter(text: str) -> str:
    """A plainer rewrite in the source's own words: the first clause, at most 8 words."""
    words = re.split(r"[,;:(]", text)[0].split()[:8]
    return " ".join(words).rstrip(".") + "."


def rewrites(make: Callable[[str], str]) -> Callable[[RecordedRequest], Reply]:
    """A model that rewrites every sentence it is sent with ``make``."""

    def reply(request: RecordedRequest) -> Reply:
        items = [{"index": s["index"], "text": make(str(s["text"]))} for s in sent(request)]
        return Reply.json({"rewrites": items})

    return reply


def claims(answer: Answer) -> list[Statement]:
    return [s for s in answer.statements if s.check and s.check.verdict != "guidance"]


# ---------------------------------------------------------------- rules


def test_a_rewrite_counts_only_when_it_reads_simpler() -> None:
    assert is_simpler(6.0, 11.0, 8)
    assert is_simpler(9.0, 12.0, 8)  # lower, though still above the target
    assert not is_simpler(11.0, 11.0, 8)
    assert not is_simpler(12.0, 11.0, 8)
    assert not is_simpler(None, 11.0, 8)


def test_framing_guidance_titles_and_web_addresses_are_never_sent(trial: Trial) -> None:
    cite = Statement(text="x", trial_id=trial.trial_id).citations
    body = Statement(text="A claim.", trial_id=trial.trial_id, citations=cite)
    assert not rewritable(body)  # no citation
    cited = ExtractiveEngine({}, None).draft_summary(trial).sections[1].statements[0]  # type: ignore[arg-type]
    assert rewritable(cited)
    assert not rewritable(cited.model_copy(update={"fields": ["framing"]}))
    assert not rewritable(cited.model_copy(update={"fields": ["title"]}))
    assert not rewritable(cited.model_copy(update={"text": "See https://example.org now."}))


# ---------------------------------------------------------------- the verifier's fallback


def test_the_verifier_shows_a_rewrite_only_when_the_checker_supports_it(trial: Trial) -> None:
    original = Statement(text="The original words.", trial_id=trial.trial_id)
    good = Statement(text="Plain and true.", trial_id=trial.trial_id)
    bad = Statement(text="Plain but wrong.", trial_id=trial.trial_id)

    def checker(statement: Statement, _trial: Trial, *, role: object = None) -> Check:
        verdict = "unsupported" if "wrong" in statement.text else "supported"
        return Check(verdict=verdict, score=0.5, reasons=["checked"])

    done = Verifier(checker).statements(
        [good, bad], {trial.trial_id: trial}, originals={0: original, 1: original}
    )

    assert [s.text for s in done.kept] == ["Plain and true.", "The original words."]
    assert done.kept[0].check is not None and done.kept[0].check.reasons == ["checked"]
    assert done.kept[1].check is not None and done.kept[1].check.reasons == [FAILED, "checked"]
    assert done.fell_back == ["Plain but wrong."]
    assert any("own words" in line for line in done.note())


# ---------------------------------------------------------------- answers


def test_supported_simpler_rewrites_replace_sentences_and_keep_their_citations(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(shorter))
    assistant, _ = build(seeds, llm_settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])

    answer = assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    assert answer.engine == "assisted"
    assert len(fake_openai.chat_requests) == 1  # one request for the whole answer
    assert [s.citations for s in answer.statements] == [s.citations for s in before.statements]
    changed = [
        (a, b)
        for a, b in zip(answer.statements, before.statements, strict=True)
        if a.text != b.text
    ]
    assert changed, "no rewrite was used"
    for new, old in changed:
        assert new.check is not None and new.check.verdict == "supported"
        assert grade(new.text) < grade(old.text)  # type: ignore[operator]
    assert all(s.check is not None for s in answer.parts)


def test_the_request_is_json_schema_mode_at_temperature_zero_with_a_small_budget(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(shorter))
    assistant, engine = build(seeds, llm_settings)

    assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    body = fake_openai.chat_requests[0].body or {}
    assert body["temperature"] == 0
    budget = body.get("max_completion_tokens", body.get("max_tokens"))
    assert budget == engine.rules.max_tokens <= 512
    assert body["response_format"]["type"] == "json_schema"
    assert "rewrites" in json.dumps(body["response_format"]["json_schema"]["schema"])
    numbered = sent(fake_openai.chat_requests[0])
    assert numbered and all(grade(str(s["text"])) > engine.rules.target_grade for s in numbered)  # type: ignore[operator]
    assert str(numbered[0]["text"]) not in fake_openai.chat_requests[0].message("system")


def test_a_rewrite_that_changes_a_number_is_caught_and_the_original_shown(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(lambda text: shorter(text).rstrip(".") + " for 97 weeks."))
    assistant, _ = build(seeds, llm_settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])

    answer = assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    assert [s.text for s in answer.statements] == [s.text for s in before.statements]
    assert "97" not in answer.answer
    fell_back = [s for s in answer.statements if s.check and FAILED in s.check.reasons]
    assert fell_back
    assert all(s.check is not None and s.check.verdict == "supported" for s in fell_back)
    assert any("97 weeks" in f for f in answer.flagged)
    assert any("own words" in n.text for n in answer.notes)


def test_a_rewrite_that_is_not_simpler_keeps_the_original_unflagged(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    longer = " which is described in considerable detail in the comprehensive documentation."
    fake_openai.respond_with(rewrites(lambda text: text.rstrip(".") + longer))
    assistant, _ = build(seeds, llm_settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])

    answer = assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    assert answer.answer == before.answer
    assert not any(s.check and FAILED in s.check.reasons for s in answer.statements)
    assert answer.flagged == before.flagged


def test_a_reply_that_is_not_json_keeps_the_originals_flagged(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(lambda request: Reply.text("Sure! Here are simpler sentences: ..."))
    assistant, _ = build(seeds, llm_settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])

    answer = assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    assert [s.text for s in answer.statements] == [s.text for s in before.statements]
    assert [s.check for s in claims(answer)] == [s.check for s in claims(before)]
    assert any(f.startswith("plain-words rewrite not used") for f in answer.flagged)


@pytest.mark.parametrize("fault", ["down", "timeout"])
def test_a_server_down_or_too_slow_leaves_the_originals_with_one_note(
    fault: str,
    fake_openai: FakeOpenAI,
    llm_settings: Settings,
    seeds: dict[str, Trial],
    trial: Trial,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = llm_settings.model_copy(update={"llm_timeout": 0.5})
    if fault == "down":
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    else:
        fake_openai.respond_with(lambda request: Reply.slow(3))
    assistant, _ = build(seeds, settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])

    answer = assistant.ask(QUESTION, trial_ids=[trial.trial_id])

    assert [s.text for s in answer.statements] == [s.text for s in before.statements]
    notes = [n.text for n in answer.notes if "rewrite was not available" in n.text]
    assert len(notes) == 1
    assert ("did not reply" if fault == "timeout" else "Could not reach") in notes[0]
    assert all(n.check is not None and n.check.verdict == "guidance" for n in answer.notes)


def test_without_an_endpoint_the_engine_says_how_to_start_the_local_model(
    llm_settings: Settings, seeds: dict[str, Trial], trial: Trial, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    settings = llm_settings
    runtime = FakeRuntime(list(seeds.values()))
    engine = AssistedEngine(ExtractiveEngine(runtime.store, runtime.retriever), settings)

    with pytest.raises(LLMError, match=r"trialsum llm pull, trialsum llm serve"):
        engine.draft_answer(QUESTION, [trial])


# ---------------------------------------------------------------- summaries


def test_a_summary_asks_once_per_prose_section_and_keeps_every_citation(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(shorter))
    assistant, engine = build(seeds, llm_settings)
    before: LaySummary = extractive(seeds).summarize(trial.trial_id)

    summary = assistant.summarize(trial.trial_id)

    asked = [sent(r) for r in fake_openai.chat_requests]
    with_candidates = [
        s
        for s in engine.extractive.draft_summary(trial).sections
        if s.key not in engine.rules.keep_sections
        and any(
            rewritable(st)
            and len(st.text.split()) >= engine.rules.min_words
            and (grade(st.text) or 0) > engine.rules.target_grade
            for st in s.statements
        )
    ]
    assert len(asked) == len(with_candidates) > 1
    assert [s.key for s in summary.sections] == [s.key for s in before.sections]
    for new, old in zip(summary.sections, before.sections, strict=True):
        assert [s.citations for s in new.statements] == [s.citations for s in old.statements]
        assert all(s.check is not None for s in new.statements)
    rewritten = [s for sec in summary.sections for s in sec.statements if s.check and not s.fields]
    assert rewritten and all(s.check.verdict == "supported" for s in rewritten if s.check)
    shown_keys = {s.key for s in summary.sections}
    assert not (set(engine.rules.keep_sections) & shown_keys) or all(
        summary.section(k) == before.section(k) for k in engine.rules.keep_sections
    )


def test_a_summary_stops_asking_once_the_server_is_down(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    settings = llm_settings.model_copy(update={"llm_timeout": 0.5})
    fake_openai.respond_with(lambda request: Reply.slow(3))
    assistant, _ = build(seeds, settings)
    before = extractive(seeds).summarize(trial.trial_id)

    summary = assistant.summarize(trial.trial_id)

    assert len(fake_openai.chat_requests) == 1
    assert summary.model_dump(exclude={"engine"}) == before.model_dump(exclude={"engine"})


def test_assisted_is_built_by_name_without_touching_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer.engines.factory import make_engine

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("TRIALSUM_ENGINE", "assisted")

    engine = make_engine("assisted", store=object(), retriever=None, settings=Settings())

    assert isinstance(engine, AssistedEngine) and engine.name == "assisted"
    assert Settings().engine == "assisted"  # can be made the default
    assert engine.rewrites is False  # shown sentences are checked rewrites or extracted ones
    with pytest.raises(LLMError):
        engine.prepare()  # the missing endpoint surfaces here, before any work


# ---------------------------------------------------------------- streaming


def test_a_streamed_answer_shows_the_checked_extract_before_the_model_is_asked(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(shorter))
    assistant, _ = build(seeds, llm_settings)
    before = extractive(seeds).ask(QUESTION, trial_ids=[trial.trial_id])
    pieces = assistant.stream_ask(QUESTION, trial_ids=[trial.trial_id])

    first = next(pieces)

    assert first == before.statements[0].text  # the extracted sentence, checked
    assert fake_openai.chat_requests == []  # shown before the model was asked
    rest = list(pieces)
    finals = [p for p in rest if isinstance(p, Answer)]
    assert len(finals) == 1 and rest[-1] is finals[0]  # one Answer, last: it replaces the text
    assert len(fake_openai.chat_requests) == 1
    assert [s.text for s in finals[0].statements] != [s.text for s in before.statements]
    assert finals[0] == assistant.ask(QUESTION, trial_ids=[trial.trial_id])


def test_an_answer_with_nothing_to_rewrite_streams_once_without_asking_the_model(
    fake_openai: FakeOpenAI, llm_settings: Settings, seeds: dict[str, Trial], trial: Trial
) -> None:
    fake_openai.respond_with(rewrites(shorter))
    assistant, _ = build(seeds, llm_settings)
    question = "How many people will take part?"
    before = extractive(seeds).ask(question, trial_ids=[trial.trial_id])

    pieces = list(assistant.stream_ask(question, trial_ids=[trial.trial_id]))

    assert fake_openai.chat_requests == []
    assert pieces[:-1] == [s.text for s in before.statements]  # each sentence once
    assert isinstance(pieces[-1], Answer) and pieces[-1].answer == before.answer
