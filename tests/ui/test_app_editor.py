"""Editor page: a draft from the criteria, edited in place, every bullet re-checked."""

from __future__ import annotations

import pytest

import summarizer.checker


def _areas(at):
    good = next(t for t in at.text_area if t.key.startswith("ed_good_fit_"))
    bad = next(t for t in at.text_area if t.key.startswith("ed_not_fit_"))
    return good, bad


def test_the_draft_fills_both_lists_and_each_bullet_is_checked(library, page):
    at = page("editor")
    assert not at.exception
    good, bad = _areas(at)
    assert good.value.strip() and bad.value.strip()
    html = "\n".join(m.value for m in at.markdown)
    assert "ts-badge" in html


def test_editing_a_bullet_rechecks_it(library, page):
    at = page("editor")
    good, _ = _areas(at)
    invented = "People who have visited the Moon twice"
    good.input(good.value + "\n" + invented).run()
    assert not at.exception
    line = next(m.value for m in at.markdown if invented in m.value)
    assert "ts-supported" not in line, "an invented bullet must not be marked supported"


def test_exports_are_offered(library, page):
    at = page("editor")
    labels = [b.label for b in at.download_button]
    assert labels == ["Markdown", "HTML", "JSON"]


def test_a_failing_checker_is_a_friendly_error(library, page, monkeypatch: pytest.MonkeyPatch):
    def broken(statement, trial, *, role=None):
        raise ValueError("checker data missing")

    at = page("editor")  # drafted (and checked) while the checker works
    monkeypatch.setattr(summarizer.checker, "check_statement", broken)
    for key in [k for k in at.session_state if str(k).startswith("memo:check:")]:
        del at.session_state[key]
    at.run()
    assert not at.exception
    assert any("while checking the bullets" in e.value for e in at.error)
    # Drafts are checked too now, so a broken checker also stops a fresh draft, plainly.
    fresh = page("editor")
    assert not fresh.exception
    assert any("while drafting the section" in e.value for e in fresh.error)
