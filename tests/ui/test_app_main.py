"""The app entry: navigation over every page, Ask first, engine and library in the sidebar."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def test_the_app_opens_on_ask_and_every_page_renders(empty_home):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Ask about a trial"
    # Patients see no engine or store path; the editor view shows them.
    assert not any("Engine:" in c.value for c in at.caption)
    at.toggle(key="editor_view").set_value(True).run()
    assert any("Engine: offline" in c.value for c in at.caption)
    for page, title in [
        ("pages/trial.py", "Trial summary"),
        ("pages/editor.py", "Who should consider this trial"),
        ("pages/library.py", "Trial library"),
        ("pages/evals.py", "Evaluation"),
        ("pages/settings.py", "Settings"),
    ]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.title[0].value == title
