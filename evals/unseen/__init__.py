"""The unseen eval (issue 15): questions generated from raw registry fields of >= 200 trials the
engine was not tuned on, split by trial into a ``tune`` half and a ``report`` half.

``generate.py`` writes ``cases.jsonl`` and ``manifest.json`` from the shared data; ``run.py``
ingests the trials through the Assistant, asks, scores (``scoring.py``) and writes a report;
``thresholds.toml`` holds the regression floor of the CI slice (tests/evals/test_unseen_slice.py);
``benchmarks/unseen_eval.py`` runs the whole set.
"""
