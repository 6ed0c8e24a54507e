"""Settings: where trials are stored and which engine answers. The API key is never shown."""

from __future__ import annotations

import streamlit as st

from summarizer.engines.factory import engine_names
from ui import components, state

st.title("Settings")
st.caption("Changes apply to this browser session. Defaults come from TRIALSUM_* variables.")


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
            help="extractive works offline; llm needs an OpenAI-compatible endpoint.",
        )
        model = st.text_input("LLM model (llm engine only)", value=cfg.model)
        submitted = st.form_submit_button("Save", icon=":material/save:", type="primary")
    if submitted:
        with components.guard("saving the settings"):
            url = chroma_url.strip()
            if url and not url.startswith(("http://", "https://")):
                st.error("The Chroma server URL should start with http:// or https://.")
                return
            state.set_overrides(
                {"home": home.strip(), "chroma_url": url, "engine": engine, "model": model.strip()}
            )
            state.settings()  # validates the new values before they are used
            st.success("Saved. The next question uses these settings.", icon=":material/check:")

    st.subheader("LLM endpoint")
    base_url = cfg.openai_base_url or "the default OpenAI endpoint"
    st.markdown(components.md_escape(f"Endpoint: {base_url} (from OPENAI_BASE_URL)"))
    key_state = "set" if cfg.openai_api_key else "not set"
    st.markdown(f"API key: **{key_state}** (read from OPENAI_API_KEY; never shown or logged)")
    st.caption(components.md_escape(f"Errors are logged to {state.log_path(cfg)}"))


main()
