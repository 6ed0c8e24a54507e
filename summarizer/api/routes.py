"""The endpoints: each one a thin call into the application layer (``Assistant``).

Handlers are plain ``def``: the assistant's work is CPU-bound and blocking, so FastAPI runs each in
its worker thread pool; a streamed answer takes its first piece in the handler (so a bad question
is a 4xx, not a broken stream) and the rest as the response is written.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, StreamingResponse

from summarizer import __version__
from summarizer.api import sse, uploads
from summarizer.api.auth import require_key
from summarizer.api.models import (
    AskRequest,
    CheckFitRequest,
    EngineName,
    ErrorBody,
    FitCheckResponse,
    Health,
    MatchRequest,
    SearchResponse,
)
from summarizer.api.state import ApiState
from summarizer.assistant import TrialInfo, UsageError
from summarizer.ingest import IngestReport
from summarizer.models import SECTIONS, Answer, FitDraft, LaySummary, Trial
from summarizer.models.match import MatchResult

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody, "description": what}
    for code, what in {
        400: "the request cannot be served as asked",
        401: "missing or wrong API key",
        404: "no such trial in the store",
        413: "request body too large",
        422: "a field is missing or invalid",
    }.items()
}

public = APIRouter()
api = APIRouter(dependencies=[Depends(require_key)], responses=ERRORS)
#: Uploads: the same key, a larger body limit (set where the app includes it).
upload = APIRouter(dependencies=[Depends(require_key)], responses=ERRORS)


def state(request: Request) -> ApiState:
    return request.app.state.trialsum  # type: ignore[no-any-return]


State = Annotated[ApiState, Depends(state)]
Engine = Annotated[EngineName | None, Query(description="default: the server's engine")]


@public.get("/health", response_model=Health, tags=["service"])
def health(st: State) -> Health:
    """Liveness and readiness: the store answers and how many trials it holds."""
    return Health(
        version=__version__,
        engine=st.engine,
        fingerprint=st.default.fingerprint,
        trials=len(st.assistant().trial_ids()),
        auth=bool(st.api_key),
    )


@api.post(
    "/ask",
    response_model=Answer,
    tags=["questions"],
    responses={
        200: {
            "description": "the verified answer; with stream or Accept: text/event-stream, "
            "server-sent events: `text` pieces, then one `answer` (or `error`)",
            "content": {"text/event-stream": {}},
        }
    },
)
def ask(body: AskRequest, request: Request, st: State) -> Answer | Response:
    """A cited answer to a plain-language question, checked against the source."""
    assistant = st.assistant(body.engine)
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    if not wants_stream:
        return assistant.ask(body.question, trial_ids=body.trial_ids)
    pieces = assistant.stream_ask(body.question, trial_ids=body.trial_ids)
    first = next(pieces, None)
    if first is None:
        raise UsageError("the engine produced no answer")
    return StreamingResponse(
        sse.answer_events(first, pieces), media_type="text/event-stream", headers=sse.HEADERS
    )


@api.post("/match", response_model=MatchResult, tags=["questions"])
def match(body: MatchRequest, st: State) -> MatchResult:
    """A pre-screen: trials worth asking about for a person's description, each criterion met,
    not met or open, quoted and verified. Not a decision: the notice says so."""
    return st.assistant().match(body.description, k=body.k, status=body.status)


@api.get("/trials", response_model=list[TrialInfo], tags=["trials"])
def trials(
    st: State,
    brief: Annotated[
        bool, Query(description="skip status and phase (fast for big stores)")
    ] = False,
) -> list[TrialInfo]:
    """Every trial in the store: id, title, status, phase, source file, chunk count."""
    return st.assistant().trials(brief=brief)


@api.get("/trials/{trial_id}", response_model=Trial, tags=["trials"])
def trial(trial_id: str, st: State) -> Trial:
    """The parsed trial record, every field with its source span."""
    return st.assistant().get_trial(trial_id)


@api.delete("/trials/{trial_id}", status_code=204, tags=["trials"])
def remove(trial_id: str, st: State) -> Response:
    """Delete one trial and its chunks from the index."""
    from summarizer.assistant import TrialNotFoundError

    if not st.assistant().remove(trial_id):
        raise TrialNotFoundError(f"trial {trial_id!r} is not in the store")
    return Response(status_code=204)


@api.get(
    "/trials/{trial_id}/summary",
    response_model=LaySummary,
    tags=["trials"],
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}}},
)
def summary(
    trial_id: str,
    st: State,
    fmt: Annotated[Literal["json", "md", "html"], Query(alias="format")] = "json",
    engine: Engine = None,
) -> LaySummary | Response:
    """The lay summary: JSON (the LaySummary model), Markdown or a standalone HTML page."""
    result = st.assistant(engine).summarize(trial_id)
    if fmt == "json":
        return result
    from summarizer.render import render

    text = render(result, fmt)
    if fmt == "html":
        return HTMLResponse(text)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@api.get("/trials/{trial_id}/fit-draft", response_model=FitDraft, tags=["editors"])
def fit_draft(trial_id: str, st: State, engine: Engine = None) -> FitDraft:
    """A draft "Who should consider this trial", each bullet cited."""
    return st.assistant(engine).draft_fit(trial_id)


@api.post("/trials/{trial_id}/check-fit", response_model=FitCheckResponse, tags=["editors"])
def check_fit(trial_id: str, body: CheckFitRequest, st: State) -> FitCheckResponse:
    """Check an edited fit section bullet by bullet: supported, unsupported or contradicted."""
    if not body.good_fit and not body.not_fit:
        raise UsageError("no bullets to check: send good_fit and/or not_fit")
    result = st.assistant().check_fit(trial_id, good_fit=body.good_fit, not_fit=body.not_fit)
    return FitCheckResponse(trial_id=result.trial_id, bullets=result.bullets, ok=result.ok)


@api.get("/search", response_model=SearchResponse, tags=["search"])
def search(
    st: State,
    q: Annotated[str, Query(max_length=2_000, description="what to look for")],
    k: Annotated[int, Query(ge=1, le=100)] = 8,
    trial: Annotated[list[str] | None, Query(description="only these trials")] = None,
    section: Annotated[list[str] | None, Query(description="only these sections")] = None,
    trials: Annotated[bool, Query(description="rank trials, not passages")] = False,
) -> SearchResponse:
    """Hybrid (BM25 + dense) search over the indexed trials."""
    unknown = [s for s in section or [] if s not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    assistant = st.assistant()
    if trials:
        return SearchResponse(query=q, trials=assistant.search_trials(q, k=k, sections=section))
    return SearchResponse(query=q, hits=assistant.search(q, k=k, trial_ids=trial, sections=section))


@upload.post("/ingest", response_model=IngestReport, tags=["indexing"])
def ingest(
    files: Annotated[list[UploadFile], File(description="trial documents or .tar.gz/.zip")],
    st: State,
) -> IngestReport:
    """Parse, chunk, embed and index uploaded documents; unchanged ones are skipped.

    The documents are kept on the server (under its home, by content). A document that cannot be
    read is listed in ``trials_failed`` by its uploaded name; the others are indexed.
    """
    names: dict[str, str] = {}
    paths = []
    for upload in files:
        path = uploads.keep(upload.file, upload.filename, st.uploads_dir)
        names[str(path)] = upload.filename or path.name
        paths.append(path)
    report = st.assistant().ingest(paths)
    for failure in report.trials_failed:
        for kept, original in names.items():
            if failure.path.startswith(kept):
                failure.path = original + failure.path[len(kept) :]
    return report
