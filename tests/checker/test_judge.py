"""The LLM judge, through the real client, against the loopback OpenAI-compatible server.

The fake "model" here reads the claims and evidence out of each request and decides from them
(numbers and words it finds), so a verdict follows from what the judge sent, not from a script.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.checker import check_statement
from summarizer.checker.judge import LLMJudge, OfflineChecker, make_checker, quote_units
from summarizer.config import Settings
from summarizer.llm_client import LLMClient, LLMError
from summarizer.models import Citation, Statement, Trial
from tests.engines import conftest as llm_fixtures
from tests.fake_openai import FakeOpenAI, RecordedRequest, Reply
from tests.word_hash import WordHashEmbedder as HashEmbedder

# The llm engine tests' fixtures: a loopback server, settings pointing at it, the real client.
loopback_only = llm_fixtures.loopback_only
fake_openai = llm_fixtures.fake_openai
llm_settings = llm_fixtures.llm_settings
sleeps = llm_fixtures.sleeps
llm_client = llm_fixtures.llm_client

Cite = Callable[..., Citation]

_STATEMENT = re.compile(r"<statement>\n(.*?)\n</statement>", re.DOTALL)
_CLAIMS = re.compile(r"<claims>\n(.*?)\n</claims>", re.DOTALL)
_EVIDENCE = re.compile(r'<evidence id="S\d+"[^>]*>\n(.*?)\n</evidence>', re.DOTALL)
_STOP = {"the", "an", "this", "is", "are", "can", "in", "of", "to", "and", "or", "with", "for"}
_OPPOSITES = {"double-blind": "open-label", "placebo": "single-arm"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z-]+", text.lower())) - _STOP


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def claims_of(request: RecordedRequest) -> list[str]:
    block = _CLAIMS.search(request.message("user"))
    assert block, "not a verification request"
    return [re.sub(r"^\d+\.\s*", "", line) for line in block.group(1).splitlines()]


def evidence_of(request: RecordedRequest) -> list[str]:
    return _EVIDENCE.findall(request.message("user"))


def literal_model(request: RecordedRequest) -> Reply:
    """Splits a statement at ';' into claims; judges a claim by the numbers and words it shares
    with the closest evidence sentence, quoting that sentence."""
    user = request.message("user")
    statement = _STATEMENT.search(user)
    if statement:
        return Reply.json({"claims": [c.strip() for c in statement.group(1).split(";")]})
    blocks = evidence_of(request)
    verdicts = []
    for n, claim in enumerate(claims_of(request), start=1):
        best = max(
            blocks,
            key=lambda b: len(_words(claim) & _words(b)) + len(_numbers(claim) & _numbers(b)),
        )
        cw, cn, bn = _words(claim), _numbers(claim), _numbers(best)
        flipped = any(w in cw and o in best.lower() for w, o in _OPPOSITES.items())
        if flipped or (cn and bn and not cn <= bn):
            verdict = "contradicted"
        elif (cn and cn <= bn) or 3 * len(cw & _words(best)) >= 2 * len(cw):
            verdict = "supported"
        else:
            verdict = "unsupported"
        quote = best if verdict != "unsupported" else ""
        verdicts.append({"claim": n, "verdict": verdict, "evidence": quote, "reason": "literal"})
    return Reply.json({"verdicts": verdicts})


def gullible_model(quote: Callable[[RecordedRequest], str]) -> Callable[[RecordedRequest], Reply]:
    """Says every claim is supported, quoting whatever ``quote`` picks from the request."""

    def respond(request: RecordedRequest) -> Reply:
        statement = _STATEMENT.search(request.message("user"))
        if statement:
            return Reply.json({"claims": [statement.group(1)]})
        return Reply.json(
            {
                "verdicts": [
                    {"claim": i, "verdict": "supported", "evidence": quote(request), "reason": "ok"}
                    for i in range(1, len(claims_of(request)) + 1)
                ]
            }
        )

    return respond


@pytest.fixture
def judge(llm_client: LLMClient) -> LLMJudge:
    return LLMJudge(llm_client)


@pytest.fixture
def seed0(seeds: dict[str, Trial]) -> Trial:
    return seeds["000"]


# ---------------------------------------------------------------- verdicts


def test_a_cited_statement_is_supported_with_the_quoted_span_as_evidence(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.respond_with(literal_model)
    span = cite(seed0, "14 Years to 75 Years", "quick_facts")
    statement = Statement(
        text="People aged 14 to 75 can join; the trial plans to enroll 80 people.",
        citations=[span, cite(seed0, "Enrollment80 (estimated)", "quick_facts")],
    )

    check = judge.check_statement(statement, seed0)

    claims_req, verify_req = fake_openai.chat_requests
    assert "People aged 14 to 75 can join" in claims_req.message("user")
    assert claims_of(verify_req) == [
        "People aged 14 to 75 can join",
        "the trial plans to enroll 80 people.",
    ]
    # Each cited span is shown in its whole source sentence, in source order.
    assert evidence_of(verify_req) == ["Enrollment80 (estimated)", "Ages14 Years to 75 Years"]
    assert check.verdict == "supported" and check.score == 1.0
    assert any(e.start <= span.start and span.end <= e.end for e in check.evidence)
    for e in check.evidence:
        assert seed0.source.text[e.start : e.end] == e.quote


def test_an_uncited_statement_is_judged_on_the_best_matching_source_sentences(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial
) -> None:
    fake_openai.respond_with(literal_model)

    check = judge.check_statement(
        Statement(text="The study pays hotel costs for patients with relapsed B cell tumors."),
        seed0,
    )

    (_, verify_req) = fake_openai.chat_requests
    shown = evidence_of(verify_req)
    assert shown and all(s in seed0.source.text for s in shown)
    assert check.verdict == "unsupported" and check.score == 0.0
    assert any("claim 1 unsupported" in r for r in check.reasons)


def test_an_uncited_statement_sharing_no_word_with_the_source_is_not_sent(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial
) -> None:
    fake_openai.respond_with(literal_model)

    check = judge.check_statement(Statement(text="Parking costs nothing."), seed0)

    assert len(fake_openai.chat_requests) == 1  # claims only: there is nothing to verify against
    assert check.verdict == "unsupported"
    assert "no source sentence shares a content word" in check.reasons[0]


def test_one_unsupported_claim_makes_the_statement_unsupported_and_scores_the_share(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial
) -> None:
    fake_openai.respond_with(literal_model)

    check = judge.check_statement(
        Statement(text="People aged 14 to 75 can join; the study pays for hotel stays."), seed0
    )

    assert check.verdict == "unsupported"
    assert check.score == 0.5
    assert any("hotel" in r for r in check.reasons)


def test_the_judge_finds_a_contradiction_the_offline_checker_misses(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial
) -> None:
    fake_openai.respond_with(literal_model)
    statement = Statement(text="The trial is a double-blind, multi-center study.")

    check = judge.check_statement(statement, seed0)

    assert check_statement(statement, seed0).verdict != "contradicted"  # not the floor's doing
    assert check.verdict == "contradicted"
    assert check.evidence and "open-label" in check.evidence[0].quote
    assert seed0.source.text[check.evidence[0].start : check.evidence[0].end] == (
        check.evidence[0].quote
    )


def test_a_not_fit_bullet_is_verified_as_one_with_the_criterion_kind_shown(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.respond_with(literal_model)
    quote = "Human immunodeficiency virus (HIV) infection or syphilis infection."
    statement = Statement(
        text="People with HIV infection or syphilis infection.",
        citations=[cite(seed0, quote, "exclusion")],
    )

    check = judge.check_statement(statement, seed0, role="not_fit")

    user = fake_openai.chat_requests[1].message("user")
    assert "'Who may not be a good fit'" in user
    assert 'section="exclusion" kind="exclusion criterion"' in user
    assert check.verdict == "supported"


# ---------------------------------------------------------------- the model is not trusted


def test_a_fabricated_quote_does_not_count_as_support(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.respond_with(
        gullible_model(lambda r: "Patients of any age with lymphoma may join.")
    )
    statement = Statement(
        text="Patients of any age with lymphoma may join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    check = judge.judge(statement, seed0)

    assert check.verdict == "unsupported" and check.score == 0.0
    assert any("is not in the source" in r for r in check.reasons)


def test_a_real_source_quote_that_was_not_shown_is_rejected_too(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    elsewhere = "Human immunodeficiency virus (HIV) infection or syphilis infection."
    fake_openai.respond_with(gullible_model(lambda r: elsewhere))
    statement = Statement(
        text="People aged 14 to 75 can join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    assert judge.judge(statement, seed0).verdict == "unsupported"


def test_a_quote_with_different_whitespace_still_counts(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.respond_with(gullible_model(lambda r: "  14 Years\n to   75 Years "))
    statement = Statement(
        text="People aged 14 to 75 can join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    assert judge.check_statement(statement, seed0).verdict == "supported"


def test_quote_units_needs_content_and_the_source(seed0: Trial) -> None:
    from summarizer.checker.evidence import units

    pool = units(seed0, [])
    assert quote_units("the", pool, seed0.source.text) is None  # a substring of anything
    assert quote_units("", pool, seed0.source.text) is None
    assert quote_units("Ages 15 Years to 75 Years", pool, seed0.source.text) is None
    found = quote_units("open-label, single-arm study", pool, seed0.source.text)
    assert found and "open-label" in found[0].text


@pytest.mark.parametrize(
    ("claims_reply", "verify_reply"),
    [
        (Reply.text("Sure! The claims are: people aged 14 to 75."), None),
        (Reply.json({"claims": "People aged 14 to 75 can join."}), None),
        (Reply.json({"claims": ["People aged 14 to 75 can join."]}), Reply.text("{verdicts: [")),
        (
            Reply.json({"claims": ["People aged 14 to 75 can join."]}),
            Reply.json({"verdicts": [{"claim": 1, "verdict": "probably", "evidence": "14"}]}),
        ),
    ],
    ids=["claims-not-json", "claims-wrong-type", "verify-not-json", "verify-bad-verdict"],
)
def test_a_malformed_reply_is_unsupported_with_the_reason(
    judge: LLMJudge,
    fake_openai: FakeOpenAI,
    seed0: Trial,
    cite: Cite,
    claims_reply: Reply,
    verify_reply: Reply | None,
) -> None:
    fake_openai.enqueue(claims_reply, *([verify_reply] if verify_reply else []))
    statement = Statement(
        text="People aged 14 to 75 can join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    check = judge.check_statement(statement, seed0)

    assert check.verdict == "unsupported" and check.score == 0.0
    step = "claim extraction" if verify_reply is None else "verification"
    assert any(f"model's {step} reply could not be used" in r for r in check.reasons)
    assert len(fake_openai.chat_requests) == (1 if verify_reply is None else 2)


def test_claims_given_as_a_bare_json_list_are_used(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.enqueue(Reply.text('```json\n["People aged 14 to 75 can join."]\n```'))
    fake_openai.respond_with(literal_model)
    statement = Statement(
        text="People aged 14 to 75 can join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    assert judge.check_statement(statement, seed0).verdict == "supported"
    assert claims_of(fake_openai.chat_requests[1]) == ["People aged 14 to 75 can join."]


def test_a_claim_left_without_a_verdict_is_unsupported(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.enqueue(
        Reply.json({"claims": ["People aged 14 to 75 can join.", "Children cannot join."]}),
        Reply.json(
            {"verdicts": [{"claim": 1, "verdict": "supported", "evidence": "14 Years to 75 Years"}]}
        ),
    )
    statement = Statement(
        text="People aged 14 to 75 can join.",
        citations=[cite(seed0, "14 Years to 75 Years", "quick_facts")],
    )

    check = judge.check_statement(statement, seed0)

    assert check.verdict == "unsupported" and check.score == 0.5
    assert any("no verdict given" in r for r in check.reasons)


# ---------------------------------------------------------------- the offline floor


def test_an_offline_contradiction_stays_contradicted_whatever_the_model_says(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, cite: Cite
) -> None:
    fake_openai.respond_with(gullible_model(lambda r: evidence_of(r)[0]))
    statement = Statement(
        text="This is a phase 3 trial.", citations=[cite(seed0, "PHASE1; PHASE2", "quick_facts")]
    )

    assert judge.judge(statement, seed0).verdict == "supported"  # the model alone is fooled
    check = judge.check_statement(statement, seed0)

    assert check.verdict == "contradicted" and check.score == 0.0
    assert check.reasons[0].startswith("PHASE3 but the trial is")  # offline reasons, verbatim
    assert "offline hard-fact check overrides the judge" in check.reasons


def test_the_offline_checker_behind_the_protocol_is_the_plain_function(
    seed0: Trial, cite: Cite
) -> None:
    statement = Statement(
        text="This is a phase 3 trial.", citations=[cite(seed0, "PHASE1; PHASE2", "quick_facts")]
    )
    checker = make_checker(Settings(), "offline")

    assert isinstance(checker, OfflineChecker) and checker.name == "offline"
    assert checker.check_statement(statement, seed0) == check_statement(statement, seed0)


# ---------------------------------------------------------------- errors are errors


def test_an_endpoint_that_keeps_failing_is_an_error_not_a_pass(
    judge: LLMJudge, fake_openai: FakeOpenAI, seed0: Trial, sleeps: list[float]
) -> None:
    fake_openai.respond_with(lambda r: Reply.server_error(503))

    with pytest.raises(LLMError, match="HTTP 503"):
        judge.check_statement(Statement(text="People aged 14 to 75 can join."), seed0)
    assert len(sleeps) == 3  # the client's retries ran first


def test_llm_mode_without_an_endpoint_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    with pytest.raises(LLMError, match=r"--judge llm needs an LLM endpoint") as err:
        make_checker(Settings(), "llm")
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="unknown judge"):
        make_checker(Settings(), "oracle")


# ---------------------------------------------------------------- trialsum eval --judge llm


CASES = [
    {
        "id": "s000-ages",
        "kind": "field",
        "task": "answer",
        "question": "What ages can join this trial?",
        "trial": "seed:000",
        "expect": {"outcome": "answer", "must": ["\\b14\\b", "\\b75\\b"], "cite": ["seed:000"]},
    },
    {
        "id": "s000-enroll",
        "kind": "field",
        "task": "answer",
        "question": "How many people will take part?",
        "trial": "seed:000",
        "expect": {"outcome": "answer", "must": ["\\b80\\b"], "cite": ["seed:000"]},
    },
]


@pytest.fixture
def eval_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_home: Path
) -> Iterator[Callable[..., tuple[int, str, dict[str, object], str]]]:
    from summarizer.runtime import Runtime

    embedder = HashEmbedder()
    monkeypatch.setattr(Runtime, "embedder", property(lambda self: embedder))
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    out = tmp_path / "report"

    def run(*extra: str) -> tuple[int, str, dict[str, object], str]:
        from summarizer.cli import app

        result = CliRunner().invoke(app, ["eval", "--cases", str(cases), "--out", str(out), *extra])
        report = out / "report.json"
        data = json.loads(report.read_text()) if report.exists() else {}
        md = (out / "report.md").read_text() if report.exists() else ""
        return result.exit_code, result.output, data, md

    yield run


def test_eval_judge_llm_scores_faithfulness_with_the_judge(
    eval_cli: Callable[..., tuple[int, str, dict[str, object], str]],
    fake_openai: FakeOpenAI,
    llm_settings: Settings,
) -> None:
    fake_openai.respond_with(literal_model)

    code, output, report, md = eval_cli("--judge", "llm")

    assert report["judge"] == "llm" and report["engine"] == "extractive"
    assert "Faithfulness judge: **llm** (LLM judge fake-model at http://127.0.0.1" in md
    assert "judge_verify@1" in md
    verify = [r for r in fake_openai.chat_requests if "<claims>" in r.message("user")]
    assert verify, "the judge was never asked"
    assert any("14" in c and "75" in c for r in verify for c in claims_of(r))
    metrics = report["metrics"]
    assert isinstance(metrics, dict) and metrics["faithfulness"] == 1.0, [
        (c["output"], c["notes"]) for c in report["cases"]
    ]  # type: ignore[index]
    assert code == 0, (output, [c["notes"] for c in report["cases"]])  # type: ignore[index]


def test_eval_judge_llm_that_rejects_everything_fails_the_faithfulness_gate(
    eval_cli: Callable[..., tuple[int, str, dict[str, object], str]],
    fake_openai: FakeOpenAI,
    llm_settings: Settings,
) -> None:
    fake_openai.respond_with(gullible_model(lambda r: "a quote the source never had"))

    code, output, report, _ = eval_cli("--judge", "llm")

    metrics = report["metrics"]
    assert isinstance(metrics, dict) and metrics["faithfulness"] == 0.0
    assert code == 1, output
    notes = [n for c in report["cases"] for n in c["notes"]]  # type: ignore[attr-defined]
    assert any(n.startswith("llm judge: unsupported") and "not in the source" in n for n in notes)


def test_eval_judge_llm_without_an_endpoint_exits_with_one_line(
    eval_cli: Callable[..., tuple[int, str, dict[str, object], str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    code, output, report, _ = eval_cli("--judge", "llm")

    assert code == 2 and not report  # nothing was built or written
    assert output.strip().count("\n") == 0
    assert "--judge llm needs an LLM endpoint" in output


def test_eval_judge_llm_never_becomes_the_baseline(
    eval_cli: Callable[..., tuple[int, str, dict[str, object], str]],
    fake_openai: FakeOpenAI,
    llm_settings: Settings,
) -> None:
    code, output, report, _ = eval_cli("--judge", "llm", "--update-baseline")

    assert code == 2 and not report and not fake_openai.requests
    assert "--update-baseline takes offline-judged runs only" in output
