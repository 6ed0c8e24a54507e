"""Fixtures shared by every test module: sample documents, shared data, an isolated home."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def shared_data_dir() -> Path:
    return Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed documents by their three-digit prefix: {'000': text, ...}."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("0*.txt"))}


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$TRIALSUM_DATA_DIR``); the test is skipped where it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set TRIALSUM_DATA_DIR)")
    return path


@pytest.fixture
def tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh TRIALSUM_HOME so no test touches the user's store."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TRIALSUM_HOME", str(home))
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    return home


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a non-loopback connection fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")):
            return real_connect(self, address)  # type: ignore[arg-type]
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)  # type: ignore[arg-type]
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    real_getaddrinfo = socket.getaddrinfo

    def guarded_lookup(host: object, *args: object, **kwargs: object) -> object:
        if host is None or (
            isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1"))
        ):
            return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]
        raise AssertionError(f"DNS lookup attempted: {host!r}")

    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    """The five seed trials, indexed once per test session with the real ingest pipeline (copy
    the folder before changing it)."""
    from summarizer.config import Settings
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    home = tmp_path_factory.mktemp("seeded_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        report = ingest_paths([samples_dir], Runtime(Settings(home=home)))
    assert not report.trials_failed, report.trials_failed
    return home
