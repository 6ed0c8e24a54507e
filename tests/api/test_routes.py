"""The HTTP API, route by route, against a real ``trialsum serve`` over real HTTP."""

from __future__ import annotations

import json

import pytest

from summarizer.models import Answer, FitDraft, LaySummary

from .conftest import Server


@pytest.fixture(scope="module")
def trial_id(sample_server: Server) -> str:
    return str(sample_server.request("GET", "/trials").json()[0]["trial_id"])


def sse_events(body: bytes) -> list[tuple[str, dict]]:
    events = []
    for block in body.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def assert_error(reply, status: int, code: str, *words: str) -> None:
    assert reply.status == status, reply.body
    body = reply.json()
    assert set(body) == {"error", "detail"}  # one line for people, never a traceback
    assert body["error"] == code
    assert "Traceback" not in body["detail"] and "\n" not in body["detail"]
    for word in words:
        assert word in body["detail"]


def test_health_says_ready_with_the_store_s_trial_count(sample_server: Server) -> None:
    health = sample_server.request("GET", "/health").json()
    assert health["status"] == "ok"
    assert health["trials"] == 5
    assert health["auth"] is False


def test_openapi_docs_list_every_route(sample_server: Server) -> None:
    docs = sample_server.request("GET", "/docs")
    assert docs.status == 200 and b"swagger" in docs.body.lower()
    paths = sample_server.request("GET", "/openapi.json").json()["paths"]
    for path in ("/ask", "/trials", "/trials/{trial_id}/summary", "/search", "/ingest", "/health"):
        assert path in paths
    assert "/trials/{trial_id}/check-fit" in paths


def test_trials_lists_the_ingested_trials(sample_server: Server) -> None:
    rows = sample_server.request("GET", "/trials").json()
    assert len(rows) == 5
    assert len({r["trial_id"] for r in rows}) == 5
    assert all(r["title"] for r in rows)


def test_ask_returns_the_same_verified_answer_as_the_assistant_in_process(
    sample_server: Server, trial_id: str
) -> None:
    from summarizer.assistant import build_assistant
    from summarizer.config import Settings

    question = "Can a 16-year-old join?"
    reply = sample_server.request(
        "POST", "/ask", body={"question": question, "trial_ids": [trial_id]}
    )
    assert reply.status == 200
    remote = Answer.model_validate(reply.json())
    local = build_assistant(Settings(home=sample_server.home)).ask(question, trial_ids=[trial_id])
    assert remote == local
    assert remote.citations and all(c.trial_id == trial_id for c in remote.citations)


def test_ask_streams_text_events_then_the_final_answer(
    sample_server: Server, trial_id: str
) -> None:
    body = {"question": "Where does the trial take place?", "trial_ids": [trial_id]}
    plain = sample_server.request("POST", "/ask", body=body).json()
    reply = sample_server.request(
        "POST", "/ask", body=body, headers={"Accept": "text/event-stream"}
    )
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = sse_events(reply.body)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and names.count("answer") == 1
    assert names[:-1] and set(names[:-1]) == {"text"}
    assert events[-1][1] == plain
    # the same stream when asked in the body instead of the header
    again = sse_events(sample_server.request("POST", "/ask", body={**body, "stream": True}).body)
    assert again == events


def test_ask_errors_are_clear_4xx_before_any_stream(sample_server: Server) -> None:
    assert_error(
        sample_server.request("POST", "/ask", body={"question": "  "}), 400, "bad_request", "empty"
    )
    missing = {"question": "Who can join?", "trial_ids": ["NCT00000000"]}
    assert_error(
        sample_server.request("POST", "/ask", body=missing), 404, "not_found", "NCT00000000"
    )
    streamed = sample_server.request(
        "POST", "/ask", body={**missing, "stream": True}, headers={"Accept": "text/event-stream"}
    )
    assert_error(streamed, 404, "not_found", "NCT00000000")
    too_long = {"question": "why " * 1000}
    assert_error(sample_server.request("POST", "/ask", body=too_long), 422, "invalid", "question")
    extra = {"question": "Who can join?", "temperature": 2}
    assert_error(sample_server.request("POST", "/ask", body=extra), 422, "invalid", "temperature")
    assert_error(
        sample_server.request(
            "POST", "/ask", raw=b"{nope", headers={"Content-Type": "application/json"}
        ),
        422,
        "invalid",
        "JSON",
    )


def test_a_body_over_the_limit_is_refused_with_413(sample_server: Server) -> None:
    json_type = {"Content-Type": "application/json"}
    declared = sample_server.declare("POST", "/ask", 2 << 20, json_type)
    assert_error(declared, 413, "too_large", "2,097,152", "1,048,576")
    # a chunked body (no declared length) is counted as it arrives
    chunks = [b'{"question": "', *[b"a" * 65536] * 17, b'"}']
    streamed = sample_server.chunked("POST", "/ask", chunks, json_type)
    assert_error(streamed, 413, "too_large", "1,048,576")
    # one just under the limit is read and answered
    under = [b'{"question": "', b"age " * 100, b'"}']
    assert sample_server.chunked("POST", "/ask", under, json_type).status == 200
    assert sample_server.request("GET", "/health").status == 200


def test_summary_in_each_format(sample_server: Server, trial_id: str) -> None:
    as_json = sample_server.request("GET", f"/trials/{trial_id}/summary?format=json")
    summary = LaySummary.model_validate(as_json.json())
    assert summary.trial_id == trial_id and summary.sections
    md = sample_server.request("GET", f"/trials/{trial_id}/summary?format=md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert summary.title in md.body.decode()
    html = sample_server.request("GET", f"/trials/{trial_id}/summary?format=html")
    assert html.headers["content-type"].startswith("text/html")
    assert b"<html" in html.body.lower()
    assert_error(
        sample_server.request("GET", f"/trials/{trial_id}/summary?format=pdf"),
        422,
        "invalid",
        "format",
    )
    assert_error(sample_server.request("GET", "/trials/NCT00000000/summary"), 404, "not_found")


def test_check_fit_supports_drafted_bullets_and_flags_them_in_the_wrong_role(
    sample_server: Server, trial_id: str
) -> None:
    draft = FitDraft.model_validate(
        sample_server.request("GET", f"/trials/{trial_id}/fit-draft").json()
    )
    bullets = [s.text for s in draft.good_fit if s.check and s.check.verdict == "supported"]
    assert bullets
    right = sample_server.request(
        "POST", f"/trials/{trial_id}/check-fit", body={"good_fit": bullets}
    )
    assert right.status == 200
    assert right.json()["ok"] is True
    assert [b["check"]["verdict"] for b in right.json()["bullets"]] == ["supported"] * len(bullets)
    wrong = sample_server.request(
        "POST", f"/trials/{trial_id}/check-fit", body={"not_fit": bullets[:1]}
    )
    assert wrong.json()["ok"] is False
    assert wrong.json()["bullets"][0]["check"]["verdict"] != "supported"
    empty = sample_server.request("POST", f"/trials/{trial_id}/check-fit", body={})
    assert_error(empty, 400, "bad_request", "no bullets")


def test_search_ranks_passages_filters_and_ranks_trials(
    sample_server: Server, trial_id: str
) -> None:
    hits = sample_server.request("GET", "/search?q=age+eligibility&k=4").json()["hits"]
    assert 0 < len(hits) <= 4
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    only = sample_server.request(
        "GET", f"/search?q=age&k=5&trial={trial_id}&section=eligibility&section=inclusion"
    ).json()["hits"]
    assert only and {h["chunk"]["trial_id"] for h in only} == {trial_id}
    assert {h["chunk"]["section"] for h in only} <= {"eligibility", "inclusion"}
    ranked = sample_server.request("GET", "/search?q=leukemia&k=3&trials=true").json()
    assert ranked["hits"] == [] and 0 < len(ranked["trials"]) <= 3
    assert_error(
        sample_server.request("GET", "/search?q=age&section=bogus"), 400, "bad_request", "bogus"
    )
    assert_error(sample_server.request("GET", "/search?q=age&k=0"), 422, "invalid", "k")
    assert_error(sample_server.request("GET", "/search"), 422, "invalid", "q")


def test_unknown_trial_and_route_are_404(sample_server: Server) -> None:
    assert_error(
        sample_server.request("GET", "/trials/NCT00000000"), 404, "not_found", "NCT00000000"
    )
    assert_error(sample_server.request("DELETE", "/trials/NCT00000000"), 404, "not_found")
    assert_error(sample_server.request("GET", "/nowhere"), 404, "not_found")


def test_trials_give_status_and_phase_in_plain_words(sample_server: Server) -> None:
    rows = {r["trial_id"]: r for r in sample_server.request("GET", "/trials").json()}
    row = rows["NCT04430530"]
    assert (row["status"], row["phase"]) == ("Recruiting", "Phase 1 and Phase 2")
    assert (row["status_code"], row["phases"]) == ("RECRUITING", ["PHASE1", "PHASE2"])
    assert not any("PHASE" in (r["phase"] or "") for r in rows.values())
