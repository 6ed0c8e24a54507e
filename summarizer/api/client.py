"""``RemoteAssistant``: the application layer's methods, answered by a ``trialsum serve`` over HTTP.

The CLI uses it when ``TRIALSUM_URL`` is set, so a command skips loading the store, the indexes
and the models (the server holds them) and costs little more than starting Python. It returns
the same models and raises the same errors as ``Assistant``: ``TrialNotFoundError`` for a 404,
``UsageError`` for a 400/413/422, and ``RemoteError`` when the server cannot be reached, refuses
the API key or fails. Standard library HTTP only (``http.client``): nothing heavy to import.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlencode, urlsplit

TYPE_CHECKING = False  # typing itself is not imported: it costs a served command time
if TYPE_CHECKING:
    import http.client
    from typing import Any

    from summarizer.assistant import FitCheck, TrialInfo
    from summarizer.config import Settings
    from summarizer.ingest import IngestProgress, IngestReport
    from summarizer.models import Answer, FitDraft, Hit, LaySummary, Trial, TrialHit
    from summarizer.models.match import MatchResult

URL_ENV = "TRIALSUM_URL"
KEY_ENV = "TRIALSUM_API_KEY"
#: Uploads are sent in requests of at most this many bytes (the server's default limit is 64 MiB).
UPLOAD_BATCH_BYTES = 16 << 20


class RemoteError(RuntimeError):
    """The trialsum server could not be reached, refused the API key, or failed."""


class RemoteAssistant:
    """Same methods as ``summarizer.assistant.Assistant``, over HTTP."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        engine: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(f"{URL_ENV}={url!r} is not an http(s) URL like http://127.0.0.1:8765")
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._api_key = api_key
        self._engine = engine
        self._timeout = timeout
        self._local = threading.local()  # one kept-alive connection per thread
        self._health: dict[str, Any] | None = None

    # ------------------------------------------------------------ like Assistant
    @property
    def settings(self) -> Settings:
        """Local settings (for messages); the server's own decide what it reads."""
        from summarizer.config import Settings

        return Settings()

    @property
    def engine_name(self) -> str:
        if self._engine:
            return self._engine
        if self._health is None:
            self._health = self._json("GET", "/health")
        return str(self._health["engine"])

    def get_trial(self, trial_id: str) -> Trial:
        from summarizer.models import Trial

        return Trial.model_validate(self._json("GET", f"/trials/{_seg(trial_id)}"))

    def trial_ids(self) -> list[str]:
        return [t.trial_id for t in self.trials()]

    def trials(self, *, brief: bool = False) -> list[TrialInfo]:
        from summarizer.assistant import TrialInfo

        rows = self._json("GET", "/trials", params={"brief": "true"} if brief else None)
        return [TrialInfo.model_validate(t) for t in rows]

    def search(
        self,
        query: str,
        *,
        k: int = 8,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[Hit]:
        from summarizer.models import Hit

        params = {
            "q": query,
            "k": k,
            "trial": list(trial_ids or []),
            "section": list(sections or []),
        }
        body = self._json("GET", "/search", params=params)
        return [Hit.model_validate(h) for h in body["hits"]]

    def search_trials(
        self, query: str, *, k: int = 10, sections: Sequence[str] | None = None
    ) -> list[TrialHit]:
        from summarizer.models import TrialHit

        params = {"q": query, "k": k, "trials": "true", "section": list(sections or [])}
        body = self._json("GET", "/search", params=params)
        return [TrialHit.model_validate(t) for t in body["trials"]]

    def ask(self, question: str, *, trial_ids: Sequence[str] | None = None) -> Answer:
        from summarizer.models import Answer

        return Answer.model_validate(
            self._json("POST", "/ask", body=self._ask(question, trial_ids))
        )

    def stream_ask(
        self, question: str, *, trial_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as the server produces them, then the final checked ``Answer``."""
        from summarizer.models import Answer

        payload = {**self._ask(question, trial_ids), "stream": True}
        response = self._send("POST", "/ask", body=payload, accept="text/event-stream")
        try:
            for name, data in _sse_events(response):
                if name == "text":
                    yield str(json.loads(data)["text"])
                elif name == "answer":
                    yield Answer.model_validate_json(data)
                elif name == "error":
                    _raise_for(400, json.loads(data), self.url)
        finally:
            response.close()

    def match(self, description: str, *, k: int = 10, status: str | None = None) -> MatchResult:
        from summarizer.models.match import MatchResult

        return MatchResult.model_validate(
            self._json("POST", "/match", body=match_payload(description, k, status))
        )

    def summarize(self, trial_id: str) -> LaySummary:
        from summarizer.models import LaySummary

        params = self._engine_params()
        body = self._json("GET", f"/trials/{_seg(trial_id)}/summary", params=params)
        return LaySummary.model_validate(body)

    def draft_fit(self, trial_id: str) -> FitDraft:
        from summarizer.models import FitDraft

        body = self._json(
            "GET", f"/trials/{_seg(trial_id)}/fit-draft", params=self._engine_params()
        )
        return FitDraft.model_validate(body)

    def check_fit(
        self, trial_id: str, *, good_fit: Sequence[str] = (), not_fit: Sequence[str] = ()
    ) -> FitCheck:
        from summarizer.assistant import FitCheck, UsageError

        if not good_fit and not not_fit:
            raise UsageError("no bullets to check: give good_fit and/or not_fit")
        payload = {"good_fit": list(good_fit), "not_fit": list(not_fit)}
        body = self._json("POST", f"/trials/{_seg(trial_id)}/check-fit", body=payload)
        body.pop("ok", None)
        return FitCheck.model_validate(body)

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        progress: Callable[[IngestProgress], None] | None = None,
        batch_trials: int | None = None,
    ) -> IngestReport:
        """Upload the files (folders are walked), in requests of at most 16 MiB, and merge the
        server's reports into one. ``batch_trials`` is the server's to choose; it is ignored."""
        from summarizer.ingest import IngestProgress, IngestReport

        total = IngestReport()
        for batch in _batches(_files(paths), UPLOAD_BATCH_BYTES):
            body, ctype = _multipart(batch)
            part = IngestReport.model_validate(
                self._json("POST", "/ingest", raw=body, content_type=ctype)
            )
            total = _merge(total, part)
            if progress is not None:
                progress(
                    IngestProgress(
                        files=total.files, trials=total.trials_written, chunks=total.chunks
                    )
                )
        return total

    def remove(self, trial_id: str) -> bool:
        from summarizer.assistant import TrialNotFoundError

        try:
            self._json("DELETE", f"/trials/{_seg(trial_id)}")
        except TrialNotFoundError:
            return False
        return True

    @property
    def fingerprint(self) -> str:
        """What, besides the trial, decides an output: the server's engine (and model)."""
        health = self.health()
        if self._engine and self._engine != health["engine"]:
            return self._engine
        return str(health.get("fingerprint") or health["engine"])

    def using(self, engine: str | None) -> RemoteAssistant:
        """The same server with another engine (None: this one)."""
        if engine is None or engine == self._engine:
            return self
        return RemoteAssistant(
            self.url, api_key=self._api_key, engine=engine, timeout=self._timeout
        )

    def warm(self) -> None:
        """The server warmed itself before it opened its port; this checks it answers."""
        self.health()

    def prepare(self) -> None:
        self.health()

    def health(self) -> dict[str, Any]:
        """The server's ``/health``: version, engine, trial count, whether it needs a key."""
        self._health = self._json("GET", "/health")
        return self._health

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # ------------------------------------------------------------ HTTP
    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """One request, its JSON reply as plain data (no models): what the CLI's served path
        prints from. Errors are raised as by the typed methods. Over plain HTTP it is sent on a
        bare socket (``summarizer.api.oneshot``): ``http.client`` costs a served command more
        to import than the request takes."""
        if self._https:
            return self._json(method, path, params=params, body=body)
        from summarizer.api.oneshot import request

        target, headers, data = self._prepare(path, params=params, body=body)
        try:
            status, text = request(
                self._host, self._port or 80, method, target, headers, data, self._timeout
            )
        except OSError as exc:
            raise self._unreachable(exc) from None
        if status >= 400:
            self._fail(status, text)
        if status == 204 or not text:
            return None
        return json.loads(text)

    def ask_payload(self, question: str, trial_ids: Sequence[str] | None) -> dict[str, Any]:
        """The ``POST /ask`` body for this question, these trials and this client's engine."""
        return self._ask(question, trial_ids)

    def _ask(self, question: str, trial_ids: Sequence[str] | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"question": question}
        if trial_ids:
            payload["trial_ids"] = list(trial_ids)
        if self._engine:
            payload["engine"] = self._engine
        return payload

    def _engine_params(self) -> dict[str, Any]:
        return {"engine": self._engine} if self._engine else {}

    def _json(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str | None = None,
    ) -> Any:
        response = self._send(
            method, path, params=params, body=body, raw=raw, content_type=content_type
        )
        data = response.read()
        if response.status == 204 or not data:
            return None
        return json.loads(data)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
    ) -> http.client.HTTPResponse:
        import http.client

        target, headers, data = self._prepare(
            path, params=params, body=body, raw=raw, content_type=content_type, accept=accept
        )
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            conn = self._connection()
            try:
                conn.request(method, target, body=data, headers=headers)
                response = conn.getresponse()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 2:
                    raise RemoteError(
                        f"the trialsum server at {self.url} dropped the connection ({exc})"
                    ) from None
            except OSError as exc:
                self.close()
                raise self._unreachable(exc) from None
        if response.status >= 400:
            self._fail(response.status, response.read())
        return response

    def _prepare(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
    ) -> tuple[str, dict[str, str], bytes | None]:
        """(target, headers, body bytes) of a request."""
        target = self._prefix + path
        if params:
            target += "?" + urlencode({k: v for k, v in params.items() if v != []}, doseq=True)
        headers = {"Accept": accept, "User-Agent": "trialsum-cli"}
        if self._api_key:
            headers["X-API-Key"] = self._api_key
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        return target, headers, data

    def _unreachable(self, exc: OSError) -> RemoteError:
        return RemoteError(
            f"no trialsum server answers at {self.url} ({exc.strerror or exc}); "
            f"start one with `trialsum serve` or unset {URL_ENV}"
        )

    def _fail(self, status: int, text: bytes) -> None:
        """Raise the error a reply of ``status`` (400 or more) with this body stands for."""
        try:
            detail = json.loads(text)
        except ValueError:
            detail = {"detail": text.decode("utf-8", "replace")[:300]}
        _raise_for(status, detail, self.url)

    def _connection(self) -> http.client.HTTPConnection:
        import http.client

        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = self._local.conn = cls(self._host, self._port, timeout=self._timeout)
        return conn  # type: ignore[no-any-return]


def match_payload(description: str, k: int, status: str | None) -> dict[str, Any]:
    """The ``POST /match`` body."""
    payload: dict[str, Any] = {"description": description, "k": k}
    if status:
        payload["status"] = status
    return payload


def _raise_for(status: int, body: Any, url: str) -> None:
    from summarizer.assistant import TrialNotFoundError, UsageError

    detail = str(body.get("detail", body)) if isinstance(body, dict) else str(body)
    if status == 404:
        raise TrialNotFoundError(detail)
    if status in (400, 413, 422):
        raise UsageError(detail)
    if status == 401:
        raise RemoteError(
            f"the trialsum server at {url} refused the API key ({detail}); set {KEY_ENV}"
        )
    raise RemoteError(f"the trialsum server at {url} answered {status}: {detail}")


def _seg(trial_id: str) -> str:
    from urllib.parse import quote

    return quote(trial_id, safe="")


def _sse_events(response: http.client.HTTPResponse) -> Iterator[tuple[str, str]]:
    """(event name, data) for each server-sent event, as they arrive."""
    name, data = "message", list[str]()
    while True:
        line = response.readline()
        if not line:
            return
        text = line.decode("utf-8").rstrip("\r\n")
        if not text:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
        elif text.startswith("event:"):
            name = text[6:].strip()
        elif text.startswith("data:"):
            data.append(text[5:].removeprefix(" "))


def _files(paths: Sequence[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        else:
            out.append(p)
    return out


def _batches(files: list[Path], limit: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    size = 0
    for f in files:
        n = f.stat().st_size
        if batch and size + n > limit:
            yield batch
            batch, size = [], 0
        batch.append(f)
        size += n
    if batch:
        yield batch


def _multipart(files: list[Path]) -> tuple[bytes, str]:
    import uuid

    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for f in files:
        name = f.name.replace('"', "_").replace("\r", "_").replace("\n", "_")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        parts.append(f.read_bytes())
        parts.append(b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _merge(a: IngestReport, b: IngestReport) -> IngestReport:
    """Two reports as one: counts and timings added, failures concatenated."""
    merged: dict[str, Any] = {}
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, list):
            merged[name] = [*x, *y]
        elif isinstance(x, int | float):
            merged[name] = x + y
        else:  # timings
            merged[name] = type(x)(
                **{f: getattr(x, f) + getattr(y, f) for f in type(x).model_fields}
            )
    return type(a).model_validate(merged)


def remote_from_env(*, engine: str | None = None) -> RemoteAssistant | None:
    """The server at ``TRIALSUM_URL`` (key from ``TRIALSUM_API_KEY``), or None when unset.

    Only the environment decides: no default port is probed, which would cost every command a
    connection attempt.
    """
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        return None
    return RemoteAssistant(url, api_key=os.environ.get(KEY_ENV) or None, engine=engine)


__all__ = ["KEY_ENV", "URL_ENV", "RemoteAssistant", "RemoteError", "remote_from_env"]
