"""Fixtures for the UI tests: an indexed sample library, page runners and a browser finder."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "ui" / "pages"
TIMEOUT = 120  # seconds; the first run of a session loads the embedder


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TRIALSUM_HOME holding the five sample trials, indexed once with the real pipeline."""
    from summarizer.config import Settings
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    home = tmp_path_factory.mktemp("ui-home")
    runtime = Runtime(Settings(home=home))
    report = ingest_paths([ROOT / "samples"], runtime)
    assert report.trials_written == 5, report
    return home


@pytest.fixture
def use_home(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Point TRIALSUM_HOME at a folder for the pages this test runs."""

    def use(home: Path) -> Path:
        monkeypatch.setenv("TRIALSUM_HOME", str(home))
        monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
        monkeypatch.setenv("TRIALSUM_ENGINE", "extractive")
        return home

    return use


@pytest.fixture
def library(sample_home: Path, use_home: Callable[[Path], Path]) -> Path:
    """The sample library, shared read-only by the tests that only read it."""
    return use_home(sample_home)


@pytest.fixture
def empty_home(tmp_path: Path, use_home: Callable[[Path], Path]) -> Path:
    home = tmp_path / "empty-home"
    home.mkdir()
    return use_home(home)


@pytest.fixture
def page() -> Callable[[str], AppTest]:
    """``page("ask")`` -> an AppTest for ui/pages/ask.py, already run once."""

    def run(name: str) -> AppTest:
        at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
        return at.run()

    return run


@pytest.fixture
def page_text() -> Callable[[AppTest], str]:
    return _all_text


def _all_text(at: AppTest) -> str:
    """Every markdown, caption, alert and label value on the page, for 'never shown' checks."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "text", "title"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(str(ex.label) for ex in at.expander)
    parts.extend(str(w.value) for w in at.text_input)
    return "\n".join(parts)


@pytest.fixture
def browser_paths() -> Iterator[tuple[str, str]]:
    """(chromium binary, chromedriver) or skip with the reason."""
    binary = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.skip(
            "no chromium/chromedriver found: install them (apt-get install chromium "
            "chromium-driver) to run the browser test"
        )
    yield binary, driver
