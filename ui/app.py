"""trialsum in the browser: a thin Streamlit layer over the functions the CLI calls.

Run with ``trialsum ui`` (or ``streamlit run ui/app.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import components, state

PAGES = Path(__file__).parent / "pages"

st.set_page_config(
    page_title="trialsum: clinical trials in plain words",
    page_icon=":material/clinical_notes:",
    layout="centered",
)
components.inject_css()

navigation = st.navigation(
    {
        "For patients": [
            st.Page(PAGES / "ask.py", title="Ask", icon=":material/chat:", default=True),
            st.Page(PAGES / "trial.py", title="Trial summary", icon=":material/article:"),
            st.Page(PAGES / "finder.py", title="Find a trial", icon=":material/search:"),
        ],
        "For editors": [
            st.Page(PAGES / "editor.py", title="Who should consider", icon=":material/edit_note:"),
            st.Page(PAGES / "library.py", title="Library", icon=":material/library_books:"),
            st.Page(PAGES / "evals.py", title="Evaluation", icon=":material/monitoring:"),
            st.Page(PAGES / "settings.py", title="Settings", icon=":material/settings:"),
        ],
    }
)

with st.sidebar:
    st.toggle(
        "Editor view",
        key=components.EDITOR_VIEW,
        help="Show engines, store paths, reading grades and source positions.",
    )
    if components.editor_view():
        cfg = state.settings()
        where = cfg.chroma_url or str(cfg.store_dir)
        engine = components.engine_label(cfg.engine, cfg.model)
        st.caption(components.md_escape(f"Engine: {engine} · Library: {where}"))
    st.caption("Not medical advice. Always check with the study team.")

navigation.run()
