"""The local store's inter-process lock: readers share, a writer waits and says so, then gives
up with a clear "store busy" error; every write leaves a new epoch for other processes to see."""

from __future__ import annotations

from pathlib import Path

import pytest

from vectorstore.store_lock import StoreBusy, StoreLock


def test_readers_share_the_lock(tmp_path: Path) -> None:
    a, b = StoreLock(tmp_path / "x.lock"), StoreLock(tmp_path / "x.lock", timeout=0.2)
    with a.hold(exclusive=False), b.hold(exclusive=False):
        pass


def test_a_writer_waits_for_a_reader_says_so_and_gives_up_clearly(tmp_path: Path) -> None:
    said: list[str] = []
    reader = StoreLock(tmp_path / "x.lock")
    writer = StoreLock(tmp_path / "x.lock", timeout=0.3, notify=said.append)
    with (
        reader.hold(exclusive=False),
        pytest.raises(StoreBusy, match="store busy"),
        writer.hold(exclusive=True),
    ):
        pass
    assert len(said) == 1 and said[0].startswith("store busy")
    with writer.hold(exclusive=True):  # free again once the reader let go
        assert writer.exclusive


def test_holds_nest_and_upgrade_within_a_process(tmp_path: Path) -> None:
    lock = StoreLock(tmp_path / "x.lock")
    other = StoreLock(tmp_path / "x.lock", timeout=0.1)
    with lock.hold(exclusive=False):
        with lock.hold(exclusive=True):
            assert lock.exclusive
            with pytest.raises(StoreBusy):
                other.hold(exclusive=False).__enter__()
        assert lock.exclusive  # kept until the outermost hold ends
    with other.hold(exclusive=True):
        pass


def test_each_write_leaves_a_new_epoch(tmp_path: Path) -> None:
    a, b = StoreLock(tmp_path / "x.lock"), StoreLock(tmp_path / "x.lock")
    with a.hold(exclusive=True):
        first = a.new_epoch()
    with b.hold(exclusive=False):
        assert b.epoch() == first
        with pytest.raises(RuntimeError):
            b.new_epoch()
    with b.hold(exclusive=True):
        assert b.new_epoch() != first
