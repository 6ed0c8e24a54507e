"""Store fixtures: a deterministic test embedder, hand-built trials, and both store modes.

The store suite runs once against a local ``PersistentClient`` folder and once against a real
``chroma run`` server started for the session.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from summarizer.models import Criterion, Fact, Location, Source, Span, Trial, sha256_text
from vectorstore.chroma_connection import LOCK_NAME, LocalFolder
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.server import ChromaServer
from vectorstore.store_lock import StoreLock


class HashEmbedder:
    """Hashed bag of lower-cased words: similar wording gives similar vectors, no model needed."""

    name = "test-hash-bow"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def _vec(self, text: str) -> list[float]:
        vec = np.zeros(self.dim)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vec[zlib.crc32(word.encode()) % self.dim] += 1.0
        norm = np.linalg.norm(vec)
        return list(vec / norm) if norm else [1.0] + [0.0] * (self.dim - 1)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts.extend(texts)
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start=start, end=start + len(part))


def make_trial(
    trial_id: str,
    title: str,
    summary: str,
    inclusion: Sequence[str],
    exclusion: Sequence[str],
    location: str = "Mayo Clinic, Rochester, Minnesota",
    path: str = "",
) -> Trial:
    """A small ClinicalTrials.gov-like page with every field's span pointing into it."""
    lines = [trial_id, f"Title: {title}", "Status: Recruiting", "", "Brief Summary", summary, ""]
    lines += ["Inclusion Criteria:", *[f"- {c}" for c in inclusion]]
    lines += ["Exclusion Criteria:", *[f"- {c}" for c in exclusion], "", "Locations", location]
    text = "\n".join(lines) + "\n"

    def fact(part: str) -> Fact:
        return Fact(value=part, spans=[_span(text, part)])

    def criteria(kind: str, items: Sequence[str]) -> list[Criterion]:
        return [
            Criterion(kind=kind, text=c, number=i + 1, spans=[_span(text, f"- {c}\n")])  # type: ignore[arg-type]
            for i, c in enumerate(items)
        ]

    return Trial(
        trial_id=trial_id,
        nct_id=fact(trial_id),
        brief_title=fact(title),
        status=Fact(value="RECRUITING", raw="Recruiting", spans=[_span(text, "Recruiting")]),
        brief_summary=fact(summary),
        inclusion_criteria=criteria("inclusion", inclusion),
        exclusion_criteria=criteria("exclusion", exclusion),
        locations=[Location(facility=location, spans=[_span(text, location)])],
        source=Source(
            path=path or f"/data/{trial_id}.txt", format="text", text=text, sha256=sha256_text(text)
        ),
    )


LUNG = dict(
    trial_id="NCT90000001",
    title="Pembrolizumab for Advanced Lung Cancer",
    summary="This study tests whether pembrolizumab shrinks tumors in adults with advanced "
    "non-small cell lung cancer.",
    inclusion=["Age 18 years or older", "Confirmed stage IV non-small cell lung cancer"],
    exclusion=["Pregnant or breastfeeding", "Known HIV infection", "Active hepatitis B"],
)
KIDNEY = dict(
    trial_id="NCT90000002",
    title="Diet and Exercise in Chronic Kidney Disease",
    summary="A program of walking and a low salt diet for people with chronic kidney disease "
    "on dialysis.",
    inclusion=["Chronic kidney disease stage 5 on dialysis", "Able to walk without help"],
    exclusion=["Heart attack within the last 6 months", "Pregnant women"],
    location="Hopital Necker, Paris, France",
)
ASTHMA = dict(
    trial_id="NCT90000003",
    title="Inhaled Budesonide for Children With Asthma",
    summary="Children with persistent asthma receive inhaled budesonide twice daily.",
    inclusion=["Age 6 to 11 years", "Persistent asthma for at least one year"],
    exclusion=["Smoking", "Known HIV infection"],
    location="Boston Children's Hospital, Boston, Massachusetts",
)


@pytest.fixture
def trials() -> list[Trial]:
    return [make_trial(**spec) for spec in (LUNG, KIDNEY, ASTHMA)]  # type: ignore[arg-type]


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One real ``chroma run`` for the whole session, on a free loopback port."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.skip(f"cannot start a chroma server: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["persistent", "server"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str | None, str]:
    """(store_dir, chroma_url, collection): a fresh store in each mode."""
    if request.param == "server":
        server: ChromaServer = request.getfixturevalue("chroma_server")
        return tmp_path / "store", server.url, f"t{uuid.uuid4().hex[:10]}"
    return tmp_path / "store", None, "trialsum"


@pytest.fixture
def store(store_location: tuple[Path, str | None, str], embedder: HashEmbedder) -> ChromaTrialStore:
    store_dir, url, collection = store_location
    return ChromaTrialStore.open(
        embedder=embedder, store_dir=store_dir, chroma_url=url, collection=collection
    )


@pytest.fixture
def settles(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders each ``_settle`` call read, in order."""
    calls: list[Path] = []
    real = LocalFolder._settle

    def spy(self: LocalFolder, client: object) -> bool:
        calls.append(self.path)
        return real(self, client)

    monkeypatch.setattr(LocalFolder, "_settle", spy)
    return calls


def open_local(chroma: Path, embedder: HashEmbedder) -> tuple[ChromaTrialStore, LocalFolder]:
    """What another process opening the folder gets: its own handle, lock and client."""
    folder = LocalFolder(chroma, StoreLock(chroma.with_name(LOCK_NAME)))
    return ChromaTrialStore(folder, embedder), folder
