"""Shared state for the Streamlit pages.

One ``Runtime`` per distinct configuration lives in ``st.cache_resource``, so the embedder, the
store and the engines are built once per server process: a question never reloads a model. The
Settings page only changes per-session overrides, which pick (or build) another cached Runtime.
Errors are written to a log file under the home folder; pages show a plain sentence instead.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

import streamlit as st

from summarizer.assistant import Assistant
from summarizer.config import Settings
from summarizer.runtime import Runtime

OVERRIDES_KEY = "settings_overrides"
_LOGGER_NAME = "trialsum.ui"
_warmed: set[tuple[str, str]] = set()  # (Runtime's settings JSON, trial id) warmed in this process
_warm_lock = threading.Lock()


class UISettings(Settings):
    """Settings plus an LLM endpoint the Settings page can change for one browser session.

    The endpoint otherwise comes from OPENAI_BASE_URL, which is global to the server process.
    The API key is deliberately not a field: it is only ever read from OPENAI_API_KEY, so it is
    never typed into, shown by or cached with the page.
    """

    llm_endpoint: str | None = None

    @property
    def openai_base_url(self) -> str | None:
        return self.llm_endpoint or super().openai_base_url


def settings() -> UISettings:
    """Settings from the environment, with this session's overrides from the Settings page."""
    overrides: dict[str, Any] = st.session_state.get(OVERRIDES_KEY, {})
    return UISettings(**overrides)


def set_overrides(overrides: dict[str, Any]) -> None:
    """Replace this session's overrides; empty values fall back to the environment."""
    st.session_state[OVERRIDES_KEY] = {k: v for k, v in overrides.items() if v not in (None, "")}
    for key in [k for k in st.session_state if str(k).startswith("memo:")]:
        del st.session_state[key]


@st.cache_resource(show_spinner="Opening the trial library…", max_entries=4)
def _cached_runtime(settings_json: str) -> Runtime:
    return Runtime(UISettings.model_validate_json(settings_json))


def runtime() -> Runtime:
    """The Runtime for this session's settings (built once per configuration per process)."""
    return _cached_runtime(settings().model_dump_json())


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_assistant(settings_json: str, engine: str | None) -> Assistant:
    return Assistant(_cached_runtime(settings_json), engine=engine)


def assistant(engine: str | None = None) -> Assistant:
    """The application layer over this session's Runtime: every page asks, summarizes, drafts
    and checks through it (engine: this session's configured one when None)."""
    config = settings()
    return _cached_assistant(config.model_dump_json(), engine or config.engine)


def warm_trial(trial_id: str) -> None:
    """Embed a picked trial's criteria in the background, once per trial and Runtime, so its
    first question reads them from the cache instead of waiting 0.2-0.4 s for the embedder
    (``ChromaTrialStore.warm``). A failure only costs that wait later, so it is logged."""
    config = settings().model_dump_json()  # the Runtime's cache key: an id() could be reused
    key = (config, trial_id)
    with _warm_lock:
        if key in _warmed:
            return
        _warmed.add(key)
    store = _cached_runtime(config).store
    log = logging.getLogger(_LOGGER_NAME)  # no session state in the worker thread

    def run() -> None:
        try:
            store.warm([trial_id])
        except Exception as exc:
            log.warning("warming %s: %s", trial_id, exc)

    threading.Thread(target=run, name=f"warm-{trial_id}", daemon=True).start()


def eval_report_candidates() -> list[Path]:
    """Where ``trialsum eval`` may have written its report, in the order they are searched:
    TRIALSUM_EVAL_REPORT, then its default ``--out reports/eval`` under the folder the app was
    started in, the project folder and the home folder."""
    import os

    from summarizer.config import PROJECT_ROOT

    tail = Path("reports") / "eval" / "report.json"
    found: list[Path] = []
    if named := os.environ.get("TRIALSUM_EVAL_REPORT"):
        found.append(Path(named).expanduser())
    for base in (Path.cwd(), PROJECT_ROOT, settings().home):
        path = (base / tail).resolve()
        if path not in found:
            found.append(path)
    return found


def eval_report_path() -> Path:
    """The newest eval report among the candidates (the first candidate when there is none)."""
    candidates = eval_report_candidates()
    existing = [p for p in candidates if p.is_file()]
    if not existing:
        return candidates[0]
    return max(existing, key=lambda p: p.stat().st_mtime)


def log_path(cfg: Settings | None = None) -> Path:
    return (cfg or settings()).home / "logs" / "ui.log"


def logger() -> logging.Logger:
    """A logger writing to ``<home>/logs/ui.log``; one file handler per log file."""
    log = logging.getLogger(_LOGGER_NAME)
    log.setLevel(logging.INFO)
    log.propagate = False
    path = log_path()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    return log


def report_error(exc: BaseException, doing: str) -> str:
    """Log ``exc`` with its traceback and return a one-line message fit for the screen."""
    try:
        logger().error("while %s: %s", doing, exc, exc_info=exc)
        where = f" Details were written to {log_path()}."
    except OSError:
        where = ""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Sorry, something went wrong while {doing}: {for_the_web(reason)}.{where}"


_CLI_ASIDE = re.compile(r"\s*\([^()]*(?:--[a-z]|trialsum [a-z]|pip install)[^()]*\)")
_CLI_SENTENCE = re.compile(r"[^.]*(?:\s--[a-z]|`trialsum |pip install)[^.]*\.?")


def for_the_web(reason: str) -> str:
    """A message written for the command line, without its command-line advice (flags, commands
    to run), which a person in the browser cannot follow; Settings is where they change things."""
    text = _CLI_SENTENCE.sub("", _CLI_ASIDE.sub("", reason)).strip()
    if text == reason.strip():
        return reason.rstrip(".")
    return (text.rstrip(". ") + ". You can change the engine and endpoint in Settings").strip()


def memo(key: str, build: Any) -> Any:
    """Keep ``build()``'s result for this session under ``key`` (cleared when settings change)."""
    full = f"memo:{key}"
    if full not in st.session_state:
        st.session_state[full] = build()
    return st.session_state[full]


def forget(prefix: str = "") -> None:
    """Drop memoized results whose key starts with ``prefix`` (all of them by default)."""
    for key in [k for k in st.session_state if str(k).startswith(f"memo:{prefix}")]:
        del st.session_state[key]
