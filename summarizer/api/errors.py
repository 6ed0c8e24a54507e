"""Every failure becomes a JSON ``ErrorBody`` with the right status and one line; never a
traceback. Unexpected errors are logged on the server and answered with a generic 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from summarizer.api.models import ErrorBody
from summarizer.assistant import TrialNotFoundError, UsageError

log = logging.getLogger("trialsum.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    503: "unavailable",
}


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=_CODES.get(status, "error"), detail=one_line(detail))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def one_line(text: str, limit: int = 500) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def validation_message(exc: RequestValidationError) -> str:
    """``field: reason`` for each problem, e.g. ``body.question: String should have at most…``."""
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            parts.append(
                f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'malformed')})"
            )
            continue
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    from vectorstore.chroma_store import StoreLayoutError
    from vectorstore.server_retry import ServerUnavailable
    from vectorstore.store_lock import StoreBusy

    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        return error_response(404, str(exc).strip("'\""))

    async def usage(_: Request, exc: Exception) -> JSONResponse:
        return error_response(400, str(exc))

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, validation_message(exc))

    async def http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error_response(exc.status_code, detail, headers=dict(exc.headers or {}))

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        return error_response(503, f"{exc}; try again shortly", headers={"Retry-After": "2"})

    async def layout(_: Request, exc: Exception) -> JSONResponse:
        return error_response(503, str(exc))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, f"internal error ({type(exc).__name__}); see the server log")

    app.add_exception_handler(TrialNotFoundError, not_found)
    app.add_exception_handler(UsageError, usage)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(StoreBusy, busy)
    app.add_exception_handler(ServerUnavailable, busy)
    app.add_exception_handler(StoreLayoutError, layout)
    app.add_exception_handler(Exception, unexpected)
