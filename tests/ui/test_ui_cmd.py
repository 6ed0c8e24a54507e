"""``trialsum ui``: the command line it starts Streamlit with."""

from __future__ import annotations

from summarizer.cli.ui_cmd import APP_PATH, streamlit_command


def test_streamlit_starts_headless_on_the_given_port_through_the_launcher():
    cmd = streamlit_command(8123, "127.0.0.1")
    assert cmd[1:4] == ["-m", "ui.launch", "run"], "the launcher keeps to app.py's pages"
    assert str(APP_PATH) in cmd and APP_PATH.exists()
    assert "--server.port=8123" in cmd and "--server.address=127.0.0.1" in cmd
    assert "--server.headless=true" in cmd
    assert "--client.showErrorDetails=none" in cmd, "no stack traces on screen"
    assert "--browser.gatherUsageStats=false" in cmd
