"""Two real CT.gov records (legacy XML, from the shared 6,786-trial set) and a way to write a
PersonProfile by hand, so the matcher is specified independently of how descriptions are read.

NCT00001451: ages 18-60; excludes hepatitis, a positive HIV test, hypertension, pregnancy.
NCT00006190: ages 18-70; excludes 'Subjects with diabetes mellitus'.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.loader import parse_paths
from summarizer.models import Trial
from summarizer.models.match import PersonProfile, ProfileTerm

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def match_trials() -> dict[str, Trial]:
    return {t.trial_id: t for o in parse_paths([DATA]) for t in o.trials}


def profile(
    text: str,
    *,
    age: float | None = None,
    age_words: str | None = None,
    sex: str | None = None,
    sex_words: str | None = None,
    terms: list[tuple[str, str, bool]] = (),  # type: ignore[assignment]
    pregnant: bool | None = None,
) -> PersonProfile:
    """A profile of ``text``; each term is (its words in the text, concept id, negated)."""
    made = []
    for words, concept, negated in terms:
        start = text.index(words)
        made.append(
            ProfileTerm(
                words=words,
                start=start,
                end=start + len(words),
                concept=concept,
                kind="condition",
                negated=negated,
            )
        )
    return PersonProfile(
        text=text,
        age_years=age,
        age_words=age_words,
        sex=sex,  # type: ignore[arg-type]
        sex_words=sex_words,
        terms=made,
        pregnant=pregnant,
        query=" ".join(w for w, _, n in terms if not n),
    )


@pytest.fixture(scope="session")
def match_home(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    """The five samples and the two records above, indexed with the real ingest."""
    from summarizer.config import Settings
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    home = tmp_path_factory.mktemp("match_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        report = ingest_paths([samples_dir, DATA], Runtime(Settings(home=home)))
    assert not report.trials_failed, report.trials_failed
    return home
