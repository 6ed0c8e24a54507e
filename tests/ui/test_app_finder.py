"""Find a trial: filters over the sample library, recruiting first, plain words, clickable."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from tests.ui.conftest import ROOT

SAMPLES = ROOT / "samples"


def _titles(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_every_trial_is_listed_recruiting_first_in_plain_words(library, page):
    at = page("finder")
    assert not at.exception
    assert at.subheader[0].value == "5 of 5 trials"
    facts = [m.value for m in at.markdown if "ts-card-facts" in m.value]
    assert len(facts) == 5
    assert "Recruiting" in facts[0]
    assert not any("PHASE" in f or "_" in f.split(">", 1)[1] for f in facts)


def test_filters_narrow_the_list(library, page):
    at = page("finder")
    at.text_input(key="find_age").input("10").run()
    ten = at.subheader[0].value
    assert ten.endswith("of 5 trials") and not ten.startswith("5 ")
    at.text_input(key="find_place").input("Shenzhen").run()
    assert any("4SCAR" in t for t in _titles(at))
    at.text_input(key="find_place").input("Reykjavik").run()
    assert at.subheader[0].value == "0 of 5 trials"
    assert "No trial matches" in at.info[0].value


def test_a_typed_age_that_is_not_a_number_is_explained(library, page):
    at = page("finder")
    at.text_input(key="find_age").input("sixteen").run()
    assert not at.exception
    assert "as a number of years" in at.error[0].value
    assert at.subheader[0].value == "5 of 5 trials"


def test_a_result_opens_the_trial_on_the_summary_page(library, page):
    at = page("finder")
    at.button(key="find_sum_0").click().run()
    assert not at.exception
    assert at.session_state["trial_pick"]


def test_an_empty_library_says_how_to_add_trials(empty_home, page):
    at = page("finder")
    assert not at.exception
    assert "no trials in the library" in at.info[0].value


def test_every_lede_is_a_whole_checked_sentence_with_its_mark(library, page):
    from summarizer.render import CHECK_MARKS

    at = page("finder")
    ledes = [m.value for m in at.markdown if 'class="ts-lede"' in m.value]
    assert len(ledes) == 5
    for lede in ledes:
        assert "ts-sentence" in lede and "…" not in lede
        assert "ts-mark" in lede or "ts-flag" in lede, "every sentence shown carries its check"
    supported = CHECK_MARKS["supported"][0]
    assert any(f">{supported}</span>" in lede for lede in ledes)
    assert any("ts-legend" in m.value for m in at.markdown), "the marks are explained"


@pytest.fixture(scope="module")
def results_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five samples plus two real ClinicalTrials.gov records: one posts results, one not."""
    from summarizer.config import Settings
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    root = tmp_path_factory.mktemp("finder-results")
    docs = root / "docs"
    docs.mkdir()
    for sample in SAMPLES.glob("0*.txt"):
        (docs / sample.name).write_bytes(sample.read_bytes())
    wanted = {True: 1, False: 1}
    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz") as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(".xml")):
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            posted = b"<clinical_results>" in data
            if wanted[posted]:
                wanted[posted] -= 1
                (docs / Path(member.name).name).write_bytes(data)
            if not any(wanted.values()):
                break
    home = root / "home"
    report = ingest_paths([docs], Runtime(Settings(home=home)))
    assert report.trials_written == 7, report
    return home


def test_the_results_filter_keeps_only_trials_that_posted_results(results_home, use_home, page):
    use_home(results_home)
    at = page("finder")
    assert at.subheader[0].value == "7 of 7 trials"
    facts = [m.value for m in at.markdown if "ts-card-facts" in m.value]
    assert sum("Results posted" in f for f in facts) == 1
    at.toggle(key="find_results").set_value(True).run()
    assert not at.exception
    assert at.subheader[0].value == "1 of 7 trials"
    facts = [m.value for m in at.markdown if "ts-card-facts" in m.value]
    assert len(facts) == 1 and "Results posted" in facts[0]


def test_the_results_filter_on_a_library_without_results_says_to_remove_a_filter(library, page):
    at = page("finder")
    assert not any("Results posted" in m.value for m in at.markdown)
    at.toggle(key="find_results").set_value(True).run()
    assert at.subheader[0].value == "0 of 5 trials"
    assert "No trial matches" in at.info[0].value
