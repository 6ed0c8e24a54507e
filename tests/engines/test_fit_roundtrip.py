"""The editor's fit drafts round-trip through the editor's check (issue 14, use #3): an unedited
draft, checked bullet by bullet with its side and no citations (as `trialsum check-fit` does),
is never contradicted; the unsupported ones are reported. Over the first 20 XML trials of the
unseen eval's tune half (evals/unseen/manifest.json), never those it reports on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.unseen.records import iter_xml
from summarizer.parsers import parse_text
from tests.engines.builders import assistant_over

MANIFEST = Path(__file__).resolve().parents[2] / "evals" / "unseen" / "manifest.json"
N_TRIALS = 20


@pytest.mark.slow
def test_an_unedited_fit_draft_is_never_contradicted_by_the_editors_check(shared_data: Path):
    tune = set(json.loads(MANIFEST.read_text(encoding="utf-8"))["halves"]["tune"])
    records = sorted(iter_xml(shared_data, tune))[:N_TRIALS]
    if len(records) < N_TRIALS:
        pytest.skip("tune-half XML records not in the shared data")
    trials = [parse_text(f"{n}.xml", x)[0] for n, x in records]
    assistant = assistant_over(trials)
    verdicts: Counter[str] = Counter()
    wrong: list[str] = []
    for trial in trials:
        draft = assistant.draft_fit(trial.trial_id)
        checked = assistant.check_fit(
            trial.trial_id,
            good_fit=[st.text for st in draft.good_fit],
            not_fit=[st.text for st in draft.not_fit],
        )
        for row in checked.bullets:
            verdicts[row.check.verdict] += 1
            if row.check.verdict != "supported":
                wrong.append(f"{trial.trial_id} {row.role} {row.check.verdict}: {row.text}")
    print(f"\nfit round trip over {len(trials)} trials: {dict(verdicts)}")
    print("\n".join(wrong))
    assert verdicts["supported"] > 0
    assert verdicts["contradicted"] == 0, wrong
