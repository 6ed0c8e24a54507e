"""Run a pulled GGUF with llama.cpp's OpenAI-compatible server, in this process, on loopback.

``xllamacpp.Server(params)`` loads the model and starts listening before it returns; dropping the
object stops the server. ``LocalServer`` wraps that with what trialsum needs: the model is
verified first (a corrupt file is one line, not a llama.cpp failure), the port is free or chosen
for us, ``/health`` answers before the base URL is handed out, and ``stop()`` is idempotent.
"""

from __future__ import annotations

import gc
import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, Field

from summarizer.llm_client import LOCAL_PLACEHOLDER_KEY
from summarizer.local_llm.models import ModelSpec
from summarizer.local_llm.pull import PullError, model_path, verify_file

HOST = "127.0.0.1"
# Our prompts: up to 14,000 characters of evidence (~4k tokens) plus instructions and the reply.
DEFAULT_CTX = 8192


class ServeError(RuntimeError):
    """The local server could not start or answer; the message is one line for the user."""


class ServeOptions(BaseModel):
    """How to run the server. One thread is the default: on a shared 2-core machine it was
    faster than two."""

    port: int | None = Field(default=None, ge=1, le=65535, description="None: a free port")
    threads: int = Field(default=1, ge=1)
    n_ctx: int = Field(default=DEFAULT_CTX, ge=512)
    parallel: int = Field(default=1, ge=1, description="requests decoded at once")
    verify: bool = Field(default=True, description="check the model's sha256 before loading")
    verbosity: int = Field(default=-1, description="llama.cpp log threshold; -1: errors only")
    ready_timeout: float = Field(default=60.0, gt=0)


def free_port(host: str = HOST) -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = HOST) -> bool:
    """Nobody listens on ``port``. Connections of a server that just stopped (TIME_WAIT) do not
    count: llama.cpp can bind over them, and so can this probe with ``SO_REUSEADDR``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _get_json(url: str, timeout: float) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


class LocalServer:
    """One model served on ``http://127.0.0.1:<port>/v1`` until ``stop()`` or the ``with`` ends."""

    def __init__(self, spec: ModelSpec, home: Path, options: ServeOptions | None = None) -> None:
        self.spec = spec
        self.options = options or ServeOptions()
        self.model_file = model_path(spec, home)
        self.port: int | None = None
        self.load_seconds: float | None = None
        self._server: Any = None

    @property
    def root_url(self) -> str:
        if self.port is None:
            raise ServeError("the local model server is not running")
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` should be."""
        return f"{self.root_url}/v1"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> LocalServer:
        if self._server is not None:
            return self
        try:
            import xllamacpp
        except ImportError:
            raise ServeError(
                f"the local model server needs the xllamacpp package: pip install -e "
                f"'.[{self.spec.extra}]'"
            ) from None
        try:
            if self.options.verify:
                verify_file(self.model_file, self.spec)
            elif not self.model_file.is_file():
                verify_file(self.model_file, self.spec)  # raises the "not pulled yet" line
        except PullError as exc:
            raise ServeError(str(exc)) from None
        port = self.options.port
        if port is not None and not port_is_free(port):
            raise ServeError(
                f"port {port} on {HOST} is in use: pick another with --port, or leave it out "
                "for a free one"
            )
        chosen = port if port is not None else free_port()
        started = time.monotonic()
        try:
            server = xllamacpp.Server(self._params(xllamacpp, chosen))
        except RuntimeError:
            if port is None and not port_is_free(chosen):  # someone took it meanwhile: once more
                chosen = free_port()
                server = self._start_or_explain(xllamacpp, chosen)
            else:
                raise self._explain(chosen) from None
        self._server = server
        self.port = chosen
        try:
            self._wait_ready(started)
        except ServeError:
            self.stop()
            raise
        self.load_seconds = time.monotonic() - started
        return self

    def stop(self) -> None:
        """Stop serving (waits for llama.cpp's main loop to exit); safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            del server
            gc.collect()

    def health(self, timeout: float = 2.0) -> bool:
        try:
            status, _ = _get_json(f"{self.root_url}/health", timeout)
        except (OSError, ServeError):
            return False
        return status == 200

    def model_ids(self, timeout: float = 5.0) -> list[str]:
        _, body = _get_json(f"{self.base_url}/models", timeout)
        return [m["id"] for m in (body or {}).get("data", [])]

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ internals

    def _params(self, xllamacpp: Any, port: int) -> Any:
        opts = self.options
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_file)
        params.model_alias = {self.spec.name}
        params.hostnames = [HOST]
        params.port = port
        params.n_ctx = opts.n_ctx
        params.n_parallel = opts.parallel
        params.cpuparams.n_threads = opts.threads
        params.cpuparams_batch.n_threads = opts.threads
        params.offline = True  # never reach out for a model
        params.use_jinja = True  # the GGUF's own chat template
        params.verbosity = opts.verbosity
        return params

    def _start_or_explain(self, xllamacpp: Any, port: int) -> Any:
        try:
            return xllamacpp.Server(self._params(xllamacpp, port))
        except RuntimeError:
            raise self._explain(port) from None

    def _explain(self, port: int) -> ServeError:
        """llama.cpp says only "Failed to init server": find out which of our inputs was wrong."""
        if not port_is_free(port):
            return ServeError(f"port {port} on {HOST} is in use: pick another with --port")
        return ServeError(
            f"llama.cpp could not load {self.model_file}: run "
            f"`trialsum llm pull --model {self.spec.key} --force` (or try a smaller --ctx)"
        )

    def _wait_ready(self, started: float) -> None:
        deadline = started + self.options.ready_timeout
        while time.monotonic() < deadline:
            if self.health(timeout=1.0):
                return
            time.sleep(0.1)
        raise ServeError(
            f"the local model server did not become ready within {self.options.ready_timeout:g} s"
        )


def client_environment(server: LocalServer) -> dict[str, str]:
    """The environment that points trialsum at ``server``, with the ``assisted`` engine: a small
    local model rewrites the extractive engine's cited sentences (``llm`` is for strong models)."""
    return {
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": LOCAL_PLACEHOLDER_KEY,
        "TRIALSUM_MODEL": server.spec.name,
        "TRIALSUM_ENGINE": "assisted",
    }
