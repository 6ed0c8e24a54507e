"""Importing a part of ``summarizer.criteria`` does not load the parser; the package's names
still import the usual way; patterns built with ``lazy_pattern`` compile once, on first use."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


def _loaded_after(statement: str) -> set[str]:
    code = (
        f"import sys\n{statement}\n"
        "print(' '.join(m for m in sys.modules if m.startswith('summarizer.criteria')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_importing_the_model_does_not_load_the_parser_or_its_patterns() -> None:
    loaded = _loaded_after("import summarizer.criteria.model")
    assert "summarizer.criteria.model" in loaded
    assert "summarizer.criteria.parse" not in loaded
    assert "summarizer.criteria.detect" not in loaded


def test_asking_for_a_package_name_loads_the_module_that_defines_it() -> None:
    loaded = _loaded_after("from summarizer.criteria import parse_trial")
    assert "summarizer.criteria.parse" in loaded


def test_the_package_names_are_the_defining_modules_objects() -> None:
    import summarizer.criteria as crit
    from summarizer.criteria import CriteriaSet, criteria_for, parse_trial
    from summarizer.criteria.model import CriteriaSet as ModelCriteriaSet
    from summarizer.criteria.parse import parse_trial as parse_parse_trial
    from summarizer.criteria.stored import criteria_for as stored_criteria_for

    assert CriteriaSet is ModelCriteriaSet
    assert parse_trial is parse_parse_trial
    assert criteria_for is stored_criteria_for
    assert set(crit.__all__) <= set(dir(crit))
    assert all(getattr(crit, name) is not None for name in crit.__all__)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import summarizer.criteria as crit

    with pytest.raises(AttributeError):
        crit.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from summarizer.criteria import no_such_name", {})


def test_a_lazy_pattern_compiles_once_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.criteria import detect

    calls: list[str] = []
    real = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        calls.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(detect.re, "compile", counting)
    get = detect.lazy_pattern(r"\bweeks?\b", re.I)
    assert calls == []  # nothing compiled when defined
    first = get()
    assert get() is first and calls == [r"\bweeks?\b"]
    assert first.flags & re.I and first.search("12 WEEKS") and not first.search("weekly")


def test_the_detector_reads_the_same_with_lazily_compiled_patterns() -> None:
    from summarizer.criteria.detect import quantities, time_unit

    found = quantities("Age between 18 and 65 years")
    assert [(f.quantity.comparator, f.quantity.value, f.quantity.upper) for f in found] == [
        ("range", 18.0, 65.0)
    ]
    assert time_unit("months") == "month" and time_unit("mg/dl") is None
