"""End to end in a real browser: ``trialsum ui`` serves the app; headless Chromium asks a question.

Screenshots are saved to ``artifacts/ui/`` (desktop and phone width) for people to look at.
Skips only where no chromium/chromedriver can be found.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "ui"
QUESTION = "How old do you have to be to join?"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"trialsum ui exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"trialsum ui did not become healthy in {seconds}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``trialsum ui --port FREE --store <tmp>``: indexes the samples, then serves the app."""
    home = tmp_path_factory.mktemp("e2e-home")
    log = home / "server.log"
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "TRIALSUM_ENGINE": "extractive"}
    env.pop("TRIALSUM_HOME", None)
    cli = shutil.which("trialsum", path=str(Path(sys.executable).parent)) or "trialsum"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [cli, "ui", "--port", str(port), "--store", str(home)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def driver(browser_paths: tuple[str, str], tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,1400",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_page_load_timeout(120)
    try:
        yield browser
    finally:
        browser.quit()


def _shot(browser: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path


def test_ask_a_question_and_get_a_cited_answer(server: str, driver: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: F401

    browser = driver
    wait = WebDriverWait(browser, 180)
    browser.get(server)  # type: ignore[attr-defined]
    box = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    _pick_first_trial(browser, wait)
    box = browser.find_element(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")  # type: ignore[attr-defined]
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    # A cited answer: an assistant message, then at least one "Source" expander.
    wait.until(
        lambda b: any(
            e.text.startswith("Source 1")
            for e in b.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
        )
    )
    messages = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")  # type: ignore[attr-defined]
    assert len(messages) >= 2, "expected the question and the answer as chat messages"
    answer = messages[-1].text
    assert "Answered by the extractive engine" in answer
    assert "Traceback" not in browser.page_source  # type: ignore[attr-defined]

    # Open the first source: the quoted words are highlighted inside their section.
    summary = browser.find_element(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")  # type: ignore[attr-defined]
    summary.click()
    mark = wait.until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stExpander'] mark"))
    )
    assert mark.text.strip()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)  # type: ignore[attr-defined]
    time.sleep(0.5)
    _shot(browser, "ask_desktop.png")

    browser.set_window_size(390, 1100)  # type: ignore[attr-defined]
    time.sleep(1.5)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)  # type: ignore[attr-defined]
    time.sleep(0.5)
    width = browser.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    _shot(browser, "ask_phone.png")
    assert width <= 400, f"page scrolls sideways at phone width ({width}px)"


def _pick_first_trial(browser: object, wait: object) -> None:
    """Choose the first real trial in the Trial select box (the default is "All trials")."""
    from selenium.webdriver.common.by import By

    select = browser.find_element(By.CSS_SELECTOR, "[data-testid='stSelectbox']")  # type: ignore[attr-defined]
    select.click()
    options = wait.until(  # type: ignore[attr-defined]
        lambda b: b.find_elements(By.CSS_SELECTOR, "[role='option']") or False
    )
    options[1].click()
    time.sleep(1.0)
