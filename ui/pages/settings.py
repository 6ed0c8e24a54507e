"""Settings: where trials are stored and which engine answers. The API key is never shown."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import streamlit as st

from summarizer.engines.factory import engine_names
from summarizer.llm_client import redact
from ui import components, state

st.title("Settings", anchor=False)
st.caption("Changes apply to this browser session. Defaults come from TRIALSUM_* variables.")

PROBE_SECONDS = 3.0  # how long Save waits for a Chroma server before saying it is unreachable


def chroma_problem(url: str, seconds: float = PROBE_SECONDS) -> str | None:
    """Why the Chroma server at ``url`` cannot be used, or None when its heartbeat answers."""
    probe = url.rstrip("/") + "/api/v2/heartbeat"
    try:
        with urllib.request.urlopen(probe, timeout=seconds) as resp:
            if resp.status == 200:
                return None
            return f"it answered with HTTP {resp.status}; is it a Chroma server?"
    except urllib.error.HTTPError as exc:
        return f"it answered with HTTP {exc.code}; is it a Chroma server?"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no answer within {seconds:g} seconds ({reason})"


def llm_problem(endpoint: str) -> str | None:
    """Why the LLM engine cannot answer with this endpoint and the server's environment."""
    if endpoint or os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"):
        return None
    return (
        "The LLM engine needs an endpoint: type its address in “LLM endpoint” above (for "
        "example a local Ollama or llama.cpp server), or choose the offline engine. "
        "The settings were not saved."
    )


def main() -> None:
    cfg = state.settings()
    engines = engine_names()
    with st.form("settings_form"):
        home = st.text_input("Library folder (local store)", value=str(cfg.home))
        chroma_url = st.text_input(
            "Chroma server URL (leave empty to use the local folder)",
            value=cfg.chroma_url or "",
            placeholder="http://127.0.0.1:8000",
        )
        engine = st.selectbox(
            "Engine",
            engines,
            index=engines.index(cfg.engine) if cfg.engine in engines else 0,
            format_func=components.engine_label,
            help="extractive works offline; llm needs an OpenAI-compatible endpoint.",
        )
        endpoint = st.text_input(
            "LLM endpoint (OpenAI-compatible; leave empty for OPENAI_BASE_URL)",
            value=cfg.llm_endpoint or "",
            placeholder=redact(os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"),
        )
        model = st.text_input("LLM model (llm engine only)", value=cfg.model)
        submitted = st.form_submit_button("Save", icon=":material/save:", type="primary")
    if submitted:
        with components.guard("saving the settings"):
            url, llm_url = chroma_url.strip(), endpoint.strip()
            for name, value in (("Chroma server URL", url), ("LLM endpoint", llm_url)):
                if value and not value.startswith(("http://", "https://")):
                    st.error(f"The {name} should start with http:// or https://.")
                    return
            if engine == "llm" and (problem := llm_problem(llm_url)):
                st.warning(problem, icon=":material/warning:")
                return
            if url:
                with st.spinner("Checking the Chroma server…"):
                    problem = chroma_problem(url)
                if problem:
                    st.error(
                        components.md_escape(
                            f"Could not reach the Chroma server at {url}: {problem}. "
                            "The settings were not saved."
                        )
                    )
                    return
            overrides = {
                "home": home.strip(),
                "chroma_url": url,
                "engine": engine,
                "llm_endpoint": llm_url,
                "model": model.strip(),
            }
            state.UISettings(**{k: v for k, v in overrides.items() if v})  # refuse bad values
            state.set_overrides(overrides)
            st.success("Saved. The next question uses these settings.", icon=":material/check:")

    st.subheader("LLM endpoint", anchor=False)
    cfg = state.settings()
    base_url = redact(cfg.openai_base_url or "the default OpenAI endpoint", [cfg.openai_api_key])
    source = "set on this page" if cfg.llm_endpoint else "from OPENAI_BASE_URL"
    st.markdown(components.md_escape(f"Endpoint: {base_url} ({source})"))
    key_state = "set" if cfg.openai_api_key else "not set"
    st.markdown(f"API key: **{key_state}** (read from OPENAI_API_KEY; never shown or logged)")
    st.caption(components.md_escape(f"Errors are logged to {state.log_path(cfg)}"))


main()
