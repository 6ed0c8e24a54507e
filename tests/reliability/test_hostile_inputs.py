"""Hostile inputs around the documents: links, ids, names, archives, special files, encodings.

Every case runs the real ``trialsum`` command in a child process on real files built here, with a
timeout: a walk that never ends or a read that blocks fails the test instead of hanging CI. What
must hold: each input is read once, a bad one is one line on stderr (never a traceback, never
wrapped, never a raw escape sequence), and the good ones next to it are still read.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.reliability.harness import ROOT, child_env

NCT = "NCT09100001"


def _xml(nct: str, title: str = "Metformin in adults with type 2 diabetes") -> str:
    from xml.sax.saxutils import escape

    return (
        f"<clinical_study><id_info><nct_id>{escape(nct)}</nct_id></id_info>"
        f"<brief_title>{escape(title)}</brief_title>"
        "<overall_status>Recruiting</overall_status>"
        "<brief_summary><textblock>This study tests metformin in adults with type 2 diabetes."
        "</textblock></brief_summary><eligibility><criteria><textblock>Inclusion Criteria:\n"
        "  -  Adults with type 2 diabetes\nExclusion Criteria:\n  -  Pregnancy"
        "</textblock></criteria><minimum_age>18 Years</minimum_age></eligibility>"
        "</clinical_study>"
    )


def _run(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        cwd=ROOT,
        env=child_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _trials(home: Path, *paths: Path) -> tuple[list[dict[str, object]], list[str], int]:
    """``parse --json``: the trials, the stderr lines and the exit code."""
    done = _run(home, "parse", "--json", *map(str, paths))
    assert "Traceback" not in done.stderr, done.stderr
    trials = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return trials, done.stderr.splitlines(), done.returncode


# ---------------------------------------------------------------- links


def test_a_folder_with_self_links_is_walked_once_and_each_loop_is_one_line(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "trial.xml").write_text(_xml(NCT), encoding="utf-8")
    (docs / "loop").symlink_to(".")
    (docs / "loop2").symlink_to(".")
    (docs / "sub" / "up").symlink_to("..")
    (docs / "again.xml").symlink_to(docs / "sub" / "trial.xml")  # a link to a file read already
    trials, lines, code = _trials(tmp_path, docs)
    assert [t["trial_id"] for t in trials] == [NCT]
    loops = [line for line in lines if "symbolic link loop" in line]
    assert len(loops) == 3 and all("not followed" in line for line in loops)
    assert code == 1


# ---------------------------------------------------------------- trial ids


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  NCT09100002  ", "NCT09100002"),
        ("NCT\uff10\uff19\uff11\uff10\uff10\uff10\uff10\uff13", "NCT09100003"),  # full-width
        ("NCT0910\u200b0004", "NCT09100004"),  # zero-width space inside
        ("nct09100005", "NCT09100005"),
        ("ISRCTN12345678", "ISRCTN12345678"),
    ],
)
def test_registry_ids_are_normalized_to_one_written_form(
    tmp_path: Path, raw: str, expected: str
) -> None:
    path = tmp_path / "trial.xml"
    path.write_text(_xml(raw), encoding="utf-8")
    (trial,), _, code = _trials(tmp_path, path)
    assert trial["trial_id"] == expected and code == 0


@pytest.mark.parametrize(
    "raw",
    ["../../tmp/x", "NCT1<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "NCT123"],
)
def test_anything_else_gets_a_derived_id_and_a_warning(tmp_path: Path, raw: str) -> None:
    path = tmp_path / "trial.xml"
    path.write_text(_xml(raw), encoding="utf-8")
    (trial,), _, code = _trials(tmp_path, path)
    assert str(trial["trial_id"]).startswith("doc-") and raw not in str(trial["trial_id"])
    assert any("is not a registry id" in w for w in trial["warnings"])  # type: ignore[attr-defined]
    assert trial["nct_id"] is None and code == 0


def test_a_second_document_for_a_stored_trial_is_a_conflict_not_an_overwrite(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "real.xml").write_text(_xml(NCT, "The real title"), encoding="utf-8")
    (second / "spoof.xml").write_text(_xml(f"  {NCT}  ", "A spoofed title"), encoding="utf-8")
    home = tmp_path / "home"
    done = _run(home, "ingest", str(first), str(second), timeout=300)
    assert "1 new, 0 updated" in done.stdout, done.stdout + done.stderr
    (line,) = [x for x in done.stderr.splitlines() if "conflict" in x]
    assert "spoof.xml" in line and f"{NCT} is already indexed from" in line
    listing = _run(home, "trials", "--json")
    (row,) = json.loads(listing.stdout)
    assert row["title"] == "The real title"
    again = _run(home, "ingest", str(first), timeout=300)  # the same file again: no conflict
    assert again.returncode == 0 and "1 unchanged" in again.stdout


# ---------------------------------------------------------------- markup and names


def test_titles_with_console_markup_are_shown_as_text(tmp_path: Path) -> None:
    title = "Closing [/] tag and [link=https://evil.example]a link[/link] [bold]x"
    path = tmp_path / "markup.xml"
    path.write_text(_xml(NCT, title), encoding="utf-8")
    done = _run(tmp_path, "parse", str(path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    flat = " ".join(done.stdout.replace("│", " ").split())
    assert "[/]" in flat and "[link=https://evil.example]" in flat
    assert "\x1b]8;" not in done.stdout  # no terminal hyperlink


def test_escape_sequences_in_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[2J\x1b]0;owned\x07name.xml"
    path.write_text("not a trial at all", encoding="utf-8")
    for command in ("parse", "ingest"):
        done = _run(tmp_path / "home", command, str(path))
        assert "\x1b" not in done.stderr and "\x07" not in done.stderr, command
        assert "name.xml" in done.stderr and done.returncode == 1, command


def test_failure_lines_are_not_wrapped_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / ("a-very-long-file-name-" * 6 + ".json")
    path.write_text('{"protocolSection": {"identificationModule": "unterminated', "utf-8")
    done = _run(tmp_path, "parse", str(path))
    (line,) = [x for x in done.stderr.splitlines() if "malformed JSON" in x]
    assert line.startswith(str(path)) and len(line) > 160
    assert "at at" not in line and "Unterminated string starting at line 1" in line


# ---------------------------------------------------------------- archives and special files


def _tar(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_truncated_archive_given_directly_is_read_up_to_the_cut(tmp_path: Path) -> None:
    full = tmp_path / "full.tar.gz"
    members = {f"docs/{i:02d}b.xml": _xml(f"NCT0920{i:04d}").encode() for i in range(40)}
    members |= {f"docs/{i:02d}a.bin": os.urandom(4096) for i in range(40)}  # incompressible
    _tar(full, dict(sorted(members.items())))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    trials, lines, code = _trials(tmp_path, cut)
    assert trials and len(trials) < 40
    assert [x for x in lines if "archive ends early or is corrupt" in x] and code == 1
    home = tmp_path / "home"
    done = _run(home, "ingest", str(cut), timeout=300)
    assert "Aborted" not in done.stdout + done.stderr
    assert f"{len(trials)} new" in done.stdout, done.stdout + done.stderr
    assert "archive ends early or is corrupt" in done.stderr and done.returncode == 1


def test_archive_members_that_leave_the_archive_are_named_and_skipped(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    _tar(
        archive,
        {
            "../../escape.xml": _xml("NCT09300001").encode(),
            "/etc/abs.xml": _xml("NCT09300002").encode(),
            "ok/fine.xml": _xml("NCT09300003").encode(),
        },
    )
    trials, lines, code = _trials(tmp_path, archive)
    assert [t["trial_id"] for t in trials] == ["NCT09300003"]
    unsafe = [x for x in lines if "leaves the archive" in x]
    assert len(unsafe) == 2 and any("../../escape.xml" in x for x in unsafe) and code == 1


def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "trial.xml"
    os.mkfifo(fifo)
    good = tmp_path / "good.xml"
    good.write_text(_xml(NCT), encoding="utf-8")
    trials, lines, code = _trials(tmp_path, fifo, good)  # would block forever if opened
    assert [t["trial_id"] for t in trials] == [NCT]
    assert any("not a regular file (a named pipe)" in x for x in lines) and code == 1


# ---------------------------------------------------------------- encodings and XML


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-16-le", "utf-16-be"])
def test_wide_encodings_with_or_without_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.xml"
    path.write_bytes(_xml(NCT).encode(encoding))
    trials, lines, code = _trials(tmp_path, path)
    assert [t["trial_id"] for t in trials] == [NCT] and code == 0, lines


def test_an_internal_dtd_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    body = _xml(NCT).replace("<brief_title>", "<brief_title>&x;")
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE clinical_study [\n<!ENTITY x "y">\n]>\n{body}'
    )
    trials, lines, code = _trials(tmp_path, path)
    assert trials == [] and code == 1
    (line,) = lines[:-1]
    assert "DTDs and entities are refused" in line and "not a trial document" not in line
