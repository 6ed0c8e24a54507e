"""The FastAPI application: routes, error handlers, body limits, optional API key.

``create_app`` takes an ``Assistant`` (or settings to build one) so tests, benchmarks and
``trialsum serve`` share one way in. OpenAPI docs are at ``/docs`` (schema at ``/openapi.json``).
"""

from __future__ import annotations

from fastapi import FastAPI

from summarizer import __version__
from summarizer.api import errors, routes
from summarizer.api.limits import BodyLimit
from summarizer.api.state import ApiState
from summarizer.assistant import Assistant, build_assistant
from summarizer.config import Settings

#: JSON bodies (questions, bullets) are small; uploads get their own, larger limit.
MAX_BODY_BYTES = 1 << 20
MAX_UPLOAD_BYTES = 64 << 20

DESCRIPTION = """Clinical-trial documents made readable, over HTTP: cited answers (JSON or
server-sent events), lay summaries, fit checks for editors, hybrid search and ingest. Every
error is JSON `{"error": code, "detail": one line}`. When the server has an API key, send it as
`X-API-Key` or `Authorization: Bearer` on every route but `/health` and these docs."""


def create_app(
    settings: Settings | None = None,
    *,
    assistant: Assistant | None = None,
    api_key: str | None = None,
    max_body: int = MAX_BODY_BYTES,
    max_upload: int = MAX_UPLOAD_BYTES,
) -> FastAPI:
    app = FastAPI(
        title="trialsum API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.trialsum = ApiState(
        default=assistant or build_assistant(settings), api_key=api_key or None
    )
    errors.install(app)
    app.include_router(routes.public)
    app.include_router(routes.api)
    app.include_router(routes.upload)
    app.add_middleware(BodyLimit, default=max_body, per_path={"/ingest": max_upload})
    return app
