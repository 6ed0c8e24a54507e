"""Library: add trials (upload, paste or a folder), watch them index, list and remove them."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import streamlit as st

from summarizer.finder import plain_status
from summarizer.normalize import phase_words
from ui import components, state

FLASH = "library_flash"
UPLOAD_TYPES = ["txt", "text", "md", "html", "htm", "xml", "json", "pdf", "zip", "gz", "tgz"]

st.title("Trial library", anchor=False)
st.caption(
    "Add trial documents: ClinicalTrials.gov XML or JSON, registry pages saved as text, HTML "
    "or PDF (PDFs with a text layer; scanned ones need OCR first), or a zip of them. Files "
    "that cannot be read are listed with the reason; the rest are added."
)


def _uploads_dir(content: bytes | None = None) -> Path:
    """A folder for one upload: named by the content's hash, so the same file uploaded again
    lands on the same path and is reported unchanged rather than as a new document."""
    if content is not None:
        name = hashlib.sha256(content).hexdigest()[:16]
    else:
        name = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = state.settings().home / "uploads" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe_name(name: str) -> str:
    name = Path(name).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document.txt"


def _ingest(paths: list[Path]) -> None:
    """Index ``paths`` with the same function the CLI uses, showing progress and the outcome."""
    from summarizer.ingest import IngestProgress
    from summarizer.loader import count_inputs
    from ui.ingest_progress import done_line, step_line

    total = count_inputs(paths)  # a zip counts its documents
    bar = st.progress(0.0, text=f"Reading {total:,} document(s)…")

    def progress(step: IngestProgress) -> None:
        fraction, text = step_line(step, total)
        bar.progress(fraction, text=components.md_escape(text))

    with components.guard("adding the documents"):
        report = state.assistant().ingest(paths, progress=progress)
        bar.progress(1.0, text=components.md_escape(done_line(report, total)))
        state.forget()
        written = report.trials_written
        if written:
            st.success(
                f"Added {report.trials_new} new and updated {report.trials_updated} trial(s), "
                f"{report.chunks} passages indexed.",
                icon=":material/check_circle:",
            )
        if report.trials_unchanged:
            st.info(f"{report.trials_unchanged} trial(s) were already in the library, unchanged.")
        if not written and not report.trials_unchanged and not report.trials_failed:
            st.info("No trials were found in those documents.")
        for failure in report.trials_failed:
            line = f"{Path(failure.path).name}: {failure.reason}"
            if failure.trial_id:
                line = f"{Path(failure.path).name} ({failure.trial_id}): {failure.reason}"
            st.error(components.md_escape(line), icon=":material/description:")


def _add_section() -> None:
    upload, paste, folder = st.tabs(["Upload files", "Paste text", "From a folder"])
    with upload, st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader("Trial documents", type=UPLOAD_TYPES, accept_multiple_files=True)
        if st.form_submit_button("Add to library", icon=":material/upload:") and files:
            paths = []
            for file in files:
                data = file.getvalue()
                path = _uploads_dir(data) / _safe_name(file.name)
                path.write_bytes(data)
                paths.append(path)
            _ingest(paths)
    with paste, st.form("paste_form", clear_on_submit=True):
        text = st.text_area("Paste a trial page", height=200)
        if st.form_submit_button("Add pasted text", icon=":material/content_paste:"):
            if text.strip():
                data = text.encode("utf-8")
                path = _uploads_dir(data) / "pasted.txt"
                path.write_text(text, encoding="utf-8")
                _ingest([path])
            else:
                st.warning("Paste some text first.")
    with folder, st.form("folder_form"):
        where = st.text_input("Folder or archive on this computer", placeholder="/path/to/trials")
        if st.form_submit_button("Add from folder", icon=":material/folder_open:"):
            path = Path(where.strip()).expanduser()
            if not where.strip():
                st.warning("Type a folder path first.")
            elif not path.exists():
                st.error(components.md_escape(f"{path}: no such file or folder."))
            else:
                _ingest([path])


def _status(trial_id: str) -> dict[str, object]:
    trial = components.get_trial(trial_id)
    if trial is None:
        return {"Trial": trial_id, "Status": "Missing", "Chunks": 0, "Source": "", "Title": ""}
    status = plain_status(trial.status.value if trial.status else None) or "Not given"
    return {
        "Title": trial.title,
        "Trial": trial_id,
        "Status": status,
        "Phase": phase_words(p.value for p in trial.phases) or "Not given",
        "Chunks": len(components.get_chunks(trial_id)),
        "Source": f"{Path(trial.source.path).name} ({trial.source.format})",
        "Warnings": len(trial.warnings),
    }


def _list_section() -> None:
    titles = components.trial_titles()
    st.subheader(f"In the library ({len(titles)})", anchor=False)
    if not titles:
        st.caption("Nothing yet.")
        return
    rows = [_status(trial_id) for trial_id in titles]
    st.dataframe(
        rows,
        hide_index=True,
        column_config={"Title": st.column_config.TextColumn("Title", width="large")},
    )
    with st.form("remove_form"):
        doomed = st.selectbox(
            "Remove a trial",
            list(titles),
            format_func=lambda tid: f"{titles.get(tid, tid)} ({tid})",
        )
        sure = st.checkbox("Yes, remove this trial and its passages from the library")
        pressed = st.form_submit_button("Remove", icon=":material/delete:")
        if pressed and not sure:
            st.warning("Tick “Yes, remove…” first: removing cannot be undone.")
        if pressed and sure and doomed:
            with components.guard("removing the trial"):
                removed = state.assistant().remove(doomed)
                state.forget()
                if removed:
                    st.session_state[FLASH] = f"Removed {doomed}."
                    st.rerun()
                else:
                    st.warning(components.md_escape(f"{doomed} was not in the library."))


def main() -> None:
    if flash := st.session_state.pop(FLASH, None):
        st.success(components.md_escape(flash), icon=":material/check_circle:")
    with components.guard("opening the library"):
        _add_section()
    with components.guard("listing the trials"):
        _list_section()


main()
