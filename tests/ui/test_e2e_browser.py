"""End to end in a real browser: ``trialsum ui`` serves the app; headless Chromium asks a question.

The server is the real CLI on a free loopback port with a fresh library (so it indexes the samples
on first run, as a new user would see it). Screenshots go to ``artifacts/ui/`` at desktop and
phone width, for people to look at. Skips only where no chromium/chromedriver can be found
(``scripts/install_browser.sh`` installs them from Debian's packages).
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
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "ui"
TRIAL = "NCT06503094"  # sample 000: ages 14 to 75
QUESTION = "How old do you have to be to join?"
PHONE = 390  # CSS pixels: a common phone width
CHAT_BOX = "[data-testid='stChatInputTextArea']"
SOURCE = "[data-testid='stExpander'] summary"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

# Chromium runs as root on a machine with no outside network: without these flags it stalls on
# refused connections (updates, sync, QUIC probes) or refuses to start.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--hide-scrollbars",
)


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


def _eval_report(path: Path) -> Path:
    """A small report in the shape ``trialsum eval`` writes, made with its own model."""
    from evals.runner import Gate, Report

    cases = [
        {
            "id": f"sum-{i}",
            "kind": "summary",
            "status": "fail" if i == 2 else "pass",
            "trial": f"seed:00{i}",
            "scores": {"faithful_share": 1 - i / 10, "grade_max": 7.0 + i},
            "notes": ["checker: unsupported: 'Sex: All'"] if i == 2 else [],
        }
        for i in range(3)
    ]
    report = Report(
        engine="extractive",
        dataset="cases",
        created="2026-01-01T00:00:00Z",
        seconds=12.0,
        metrics={"pass_rate": 0.67, "faithfulness": 0.9, "reading_grade_max_mean": 8.0},
        gates=[Gate(metric="faithfulness", rule=">=", limit=0.8, value=0.9, ok=True)],
        ok=True,
        cases=cases,
    )
    path.write_text(report.model_dump_json(indent=2))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``trialsum ui --port FREE --store <empty tmp>``: indexes the samples, then serves."""
    home = tmp_path_factory.mktemp("e2e-home")
    log = home / "server.log"
    port = _free_port()
    env = {
        **os.environ,
        "ANONYMIZED_TELEMETRY": "False",
        "TRIALSUM_ENGINE": "extractive",
        "TRIALSUM_EVAL_REPORT": str(_eval_report(home / "report.json")),
    }
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
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / "server.log")


@pytest.fixture
def browser(browser_paths: tuple[str, str], tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium at desktop width with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1000")
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(browser: Any, seconds: float = 120) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.3)


def _shot(browser: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))
    return path


def _settle(browser: Any) -> None:
    """Wait until Streamlit has finished the current run (no 'Running…' status widget)."""
    from selenium.webdriver.common.by import By

    time.sleep(0.5)
    _wait(browser).until(
        lambda b: not b.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
    )


def _pick_trial(browser: Any, trial_id: str) -> None:
    """Choose ``trial_id`` in the page's Trial select box."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By

    def listed(b: Any) -> list[Any]:
        return [
            o for o in b.find_elements(By.CSS_SELECTOR, "[role='option']") if trial_id in o.text
        ]

    _settle(browser)  # a click during the page's first run can land on a box about to be redrawn
    for attempt in range(3):
        browser.find_element(By.CSS_SELECTOR, "[data-testid='stSelectbox']").click()
        try:
            options = _wait(browser, 10).until(listed)
            break
        except TimeoutException:
            if attempt == 2:
                raise
            _settle(browser)
    options[0].click()
    _settle(browser)


def _overflow(browser: Any) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits)."""
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _at_phone_width(browser: Any, name: str, anchor: Any = None) -> None:
    browser.set_window_size(PHONE, 900)
    time.sleep(1.0)
    if anchor is not None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", anchor)
        time.sleep(0.3)
    _shot(browser, name)
    assert browser.execute_script("return window.innerWidth") <= PHONE + 20
    assert _overflow(browser) <= 1, f"the page scrolls sideways at {PHONE}px ({name})"


def _editor_view(browser: Any) -> None:
    """Switch on the sidebar's "Editor view" toggle (engines, grades, store paths)."""
    from selenium.webdriver.common.by import By

    toggle = _wait(browser, 30).until(
        lambda b: [
            t
            for t in b.find_elements(By.CSS_SELECTOR, "[data-testid='stCheckbox']")
            if "Editor view" in t.text
        ]
    )[0]
    toggle.find_element(By.CSS_SELECTOR, "label").click()
    _settle(browser)


def test_the_trial_summary_marks_each_sentence_and_fits_a_phone(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/trial")
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid='stSelectbox']"))
    _editor_view(browser)
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid='stSelectbox']"))
    _pick_trial(browser, TRIAL)
    sentences = _wait(browser).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".ts-sentence") or False
    )
    supported = [s for s in sentences if "ts-supported-line" in s.get_attribute("class")]
    assert supported, "at least one sentence is marked as matched to its source"
    assert supported[0].get_attribute("title").startswith("Source:")
    grades = browser.find_elements(By.CSS_SELECTOR, ".ts-grade-ok, .ts-grade-high")
    assert grades, "each section shows its reading grade"
    assert "Traceback" not in browser.page_source
    _shot(browser, "trial_desktop.png")
    _at_phone_width(browser, "trial_phone.png")


def test_asking_a_question_shows_a_cited_answer_with_the_quote_highlighted(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(server)
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    assert "Engine: offline" not in browser.find_element(By.TAG_NAME, "body").text  # patients
    _editor_view(browser)
    assert "Engine: offline" in browser.find_element(By.TAG_NAME, "body").text
    _pick_trial(browser, TRIAL)
    box = browser.find_element(By.CSS_SELECTOR, CHAT_BOX)
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    _wait(browser).until(
        lambda b: any("Source 1" in e.text for e in b.find_elements(By.CSS_SELECTOR, SOURCE))
    )
    _settle(browser)
    messages = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")
    assert len(messages) == 2, "the question and the answer, as two chat messages"
    assert QUESTION in messages[0].text
    assert "Answered by the offline" in messages[1].text
    assert "Traceback" not in browser.page_source

    messages[1].find_element(By.CSS_SELECTOR, SOURCE).click()
    mark = _wait(browser, 20).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stExpander'] mark"))
    )
    section = mark.find_element(By.XPATH, "./ancestor::div[contains(@class, 'ts-source')]")
    assert mark.text.strip(), "the quoted words are highlighted"
    assert len(section.text) > len(mark.text), "inside the text of their source section"
    browser.execute_script("window.scrollTo(0, 0);")
    _shot(browser, "ask_desktop.png")
    assert _overflow(browser) <= 1

    _at_phone_width(browser, "ask_phone.png", anchor=mark)


def test_the_evaluation_page_shows_the_report_with_charts_failures_first(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/evals")
    _wait(browser).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid='stMetric']") or False
    )
    _settle(browser)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "passed every gate" in body
    assert "Cases: 1 failed, 2 passed" in body
    assert "Sorry" not in body and "Traceback" not in browser.page_source
    _wait(browser, 30).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")) == 2
    )
    _shot(browser, "evals_desktop.png")
    _at_phone_width(browser, "evals_phone.png")


def _ask(browser: Any, question: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element(By.CSS_SELECTOR, CHAT_BOX)
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    _wait(browser).until(  # the button comes once the answer is kept in its thread
        lambda b: "Clear this conversation" in b.find_element(By.TAG_NAME, "body").text
    )
    _settle(browser)


def test_the_check_marks_on_the_page_are_the_exports_marks(server, browser):
    from selenium.webdriver.common.by import By

    from summarizer.render import CHECK_MARKS

    browser.get(f"{server}/trial")
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-testid='stSelectbox']"))
    _pick_trial(browser, TRIAL)
    legend = _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".ts-legend"))[0]
    assert f"{CHECK_MARKS['supported'][0]} {CHECK_MARKS['supported'][1]}" in legend.text
    sentences = browser.find_elements(By.CSS_SELECTOR, ".ts-sentence")
    marks = browser.find_elements(
        By.CSS_SELECTOR, ".ts-sentence + .ts-mark, .ts-sentence + .ts-flag"
    )
    assert sentences and len(marks) == len(sentences), "every sentence carries its check"
    assert "Not checked" not in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".ts-grade-ok, .ts-grade-high")  # patients
    _shot(browser, "trial_patient_desktop.png")  # the page as patients see it (the README's)


def test_switching_trials_in_the_chat_starts_a_fresh_thread(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(server)
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    _pick_trial(browser, TRIAL)
    _ask(browser, "Who can join?")
    _pick_trial(browser, "NCT04430530")
    fresh = _wait(browser, 30).until(
        lambda b: not b.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")
    )
    assert fresh, "another trial starts a fresh thread"
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Earlier conversations (1)" in body
    _shot(browser, "ask_threads_desktop.png")


def test_the_quote_is_in_view_when_a_source_opens_on_a_phone(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.set_window_size(PHONE, 844)
    browser.get(server)
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    _pick_trial(browser, "NCT04430530")
    _ask(browser, "Who cannot join?")
    summary = _wait(browser).until(
        lambda b: [e for e in b.find_elements(By.CSS_SELECTOR, SOURCE) if "Source 1" in e.text]
    )[0]
    # a person taps a source low on the screen, just above the chat box: it opens below the fold
    low = browser.execute_script(
        """const s = arguments[0];
        s.scrollIntoView({block: 'end'});
        const bottom = document.querySelector("[data-testid='stBottomBlockContainer']");
        let pane = s.parentElement;
        while (pane && pane.scrollHeight <= pane.clientHeight) pane = pane.parentElement;
        (pane || document.scrollingElement).scrollBy(0, bottom ? bottom.offsetHeight + 8 : 0);
        return s.getBoundingClientRect().top;""",
        summary,
    )
    assert low > browser.execute_script("return window.innerHeight") / 2
    browser.execute_script("arguments[0].click();", summary)  # the tap (no sticky box in its way)
    mark = _wait(browser, 20).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stExpander'] mark"))
    )
    in_view = """const m = arguments[0].getBoundingClientRect();
        const box = arguments[0].closest('.ts-source').getBoundingClientRect();
        return m.top >= box.top && m.top < box.bottom
            && m.top >= 0 && m.bottom <= window.innerHeight;"""
    inside = False
    deadline = time.monotonic() + 5
    while not inside and time.monotonic() < deadline:  # the page scrolls it into view
        time.sleep(0.25)
        inside = browser.execute_script(in_view, mark)
    _shot(browser, "ask_source_phone.png")
    assert inside, "the highlighted quote is scrolled into view, in its source box"


def test_finding_a_trial_filters_and_fits_a_phone(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/finder")
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".ts-card-facts"))
    _settle(browser)
    cards = browser.find_elements(By.CSS_SELECTOR, ".ts-card-facts")
    assert len(cards) == 5 and "Recruiting" in cards[0].text
    assert "PHASE" not in browser.find_element(By.TAG_NAME, "body").text
    _shot(browser, "finder_desktop.png")
    box = browser.find_element(By.CSS_SELECTOR, "input[aria-label='Place']")
    box.send_keys("Shenzhen\n")
    _settle(browser)
    _wait(browser, 30).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, ".ts-card-facts")) < 5 or False
    )
    assert "4SCAR" in browser.find_element(By.TAG_NAME, "body").text
    _at_phone_width(browser, "finder_phone.png")


def test_settings_report_an_unreachable_server_within_seconds(server, browser):
    from selenium.webdriver.common.by import By

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        browser.get(f"{server}/settings")
        box = _wait(browser).until(
            lambda b: b.find_elements(By.CSS_SELECTOR, "input[aria-label^='Chroma server URL']")
        )[0]
        box.send_keys(url)
        started = time.monotonic()
        browser.find_element(By.CSS_SELECTOR, "[data-testid='stFormSubmitButton'] button").click()
        _wait(browser, 30).until(
            lambda b: (
                "Could not reach the Chroma server" in b.find_element(By.TAG_NAME, "body").text
            )
        )
        assert time.monotonic() - started < 20
    _shot(browser, "settings_desktop.png")
    _at_phone_width(browser, "settings_phone.png")


@pytest.mark.parametrize("name", ["library", "editor"])
def test_the_other_pages_at_both_widths(server, browser, name):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/{name}")
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "h1"))
    _settle(browser)
    assert "Traceback" not in browser.page_source
    _shot(browser, f"{name}_desktop.png")
    _at_phone_width(browser, f"{name}_phone.png")


def test_find_trials_for_me_shows_the_notice_and_criteria_at_both_widths(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    browser.get(server)
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, CHAT_BOX)))
    radio = _wait(browser, 30).until(
        lambda b: [
            r
            for r in b.find_elements(By.CSS_SELECTOR, "[data-testid='stRadio'] label")
            if "Find trials for me" in r.text
        ]
    )[0]
    radio.click()
    box = _wait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "textarea[aria-label^='Describe yourself']")
    )[0]
    box.send_keys("I'm a 40 year old woman with relapsed B-cell leukemia after CAR-T. No HIV.")
    browser.find_element(By.CSS_SELECTOR, "[data-testid='stFormSubmitButton'] button").click()
    _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".ts-verdict"))
    _settle(browser)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "pre-screen, not a decision" in body
    assert "Your words:" in body and " met · " in body
    assert "PHASE" not in body and "Traceback" not in browser.page_source
    browser.execute_script("window.scrollTo(0, 0);")
    _shot(browser, "match_desktop.png")
    assert _overflow(browser) <= 1
    card = browser.find_element(By.CSS_SELECTOR, ".ts-card-facts")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", card)
    time.sleep(0.3)
    _shot(browser, "match_cards_desktop.png")
    _at_phone_width(browser, "match_phone.png")
