"""The loader streams documents from files, folders and archives; one bad file never stops it."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from summarizer.loader import ParseOutcome, count_inputs, decode, parse_paths


def _xml(nct: str, title: str = "A study") -> str:
    return (
        f"<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>"
        f"<brief_title>{title}</brief_title><overall_status>Recruiting</overall_status>"
        "</clinical_study>"
    )


def _by_path(outcomes: list[ParseOutcome]) -> dict[str, ParseOutcome]:
    return {o.path: o for o in outcomes}


@pytest.fixture
def mixed_dir(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "b.xml").write_text(_xml("NCT00000002"), encoding="utf-8")
    (root / "sub" / "a.xml").write_text(_xml("NCT00000001"), encoding="utf-8")
    (root / "empty.xml").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "other.json").write_text('{"name": "not a trial"}', encoding="utf-8")
    (root / ".hidden.xml").write_text(_xml("NCT00000009"), encoding="utf-8")
    return root


def test_a_directory_is_walked_recursively_in_sorted_order_and_bad_files_do_not_stop_it(
    mixed_dir: Path,
) -> None:
    outcomes = list(parse_paths([mixed_dir]))
    names = [Path(o.path).relative_to(mixed_dir).as_posix() for o in outcomes]
    assert names == ["b.xml", "empty.xml", "image.png", "other.json", "sub/a.xml"]
    by_name = dict(zip(names, outcomes, strict=True))
    assert by_name["b.xml"].trials[0].trial_id == "NCT00000002"
    assert by_name["sub/a.xml"].trials[0].trial_id == "NCT00000001"
    assert by_name["empty.xml"].error == "empty file"
    assert by_name["image.png"].error == "binary file"
    assert by_name["other.json"].error is not None and not by_name["other.json"].trials


def test_tar_gz_members_are_named_archive_colon_member(tmp_path: Path) -> None:
    archive = tmp_path / "batch.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, text in (
            ("ctgov_xml/NCT1.xml", _xml("NCT00000001")),
            ("ctgov_xml/bad.xml", "<clinical_study>"),
        ):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    before = sorted(p.name for p in tmp_path.iterdir())
    outcomes = _by_path(list(parse_paths([archive])))
    assert outcomes[f"{archive}:ctgov_xml/NCT1.xml"].trials[0].trial_id == "NCT00000001"
    assert "malformed XML" in (outcomes[f"{archive}:ctgov_xml/bad.xml"].error or "")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing extracted to disk


def test_zip_members_are_read_one_by_one(tmp_path: Path) -> None:
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("b/NCT2.xml", _xml("NCT00000002"))
        zf.writestr("a/NCT1.xml", _xml("NCT00000001"))
        zf.writestr("__MACOSX/._a.xml", b"\x00\x05")
    outcomes = list(parse_paths([archive]))
    assert [o.path for o in outcomes] == [f"{archive}:a/NCT1.xml", f"{archive}:b/NCT2.xml"]
    assert all(o.ok for o in outcomes)
    assert count_inputs([archive]) == 2


def test_documents_are_streamed_lazily(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"NCT{i}.xml").write_text(_xml(f"NCT0000000{i}"), encoding="utf-8")
    stream = parse_paths([tmp_path])
    first = next(stream)
    (tmp_path / "NCT4.xml").unlink()  # not yet read: the loader has not looked at it
    rest = list(stream)
    assert first.trials[0].trial_id == "NCT00000000"
    assert [o.trials[0].trial_id for o in rest] == ["NCT00000001", "NCT00000002", "NCT00000003"]


def test_utf8_bom_is_accepted_and_cp1252_falls_back_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "bom.xml").write_bytes(b"\xef\xbb\xbf" + _xml("NCT00000001").encode())
    (tmp_path / "legacy.xml").write_bytes(_xml("NCT00000002", "Café “study”").encode("cp1252"))
    outcomes = _by_path(list(parse_paths([tmp_path])))
    bom = outcomes[str(tmp_path / "bom.xml")]
    assert bom.ok and bom.trials[0].warnings == []
    legacy = outcomes[str(tmp_path / "legacy.xml")].trials[0]
    assert legacy.title == "Café “study”"
    assert any("not valid UTF-8; decoded as cp1252" in w for w in legacy.warnings)


def test_decode_rejects_binary() -> None:
    with pytest.raises(ValueError, match="binary file"):
        decode(b"abc\x00def")
    assert decode("ü".encode("utf-16"))[0] == "ü"


def test_documents_over_the_size_limit_are_refused_by_size(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_text(_xml("NCT00000001", "x" * 3000), encoding="utf-8")
    (outcome,) = parse_paths([big], max_bytes=1024)
    assert outcome.error is not None and outcome.error.startswith("file too large")
    archive = tmp_path / "big.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(big, arcname="big.xml")
    (member,) = parse_paths([archive], max_bytes=1024)
    assert member.path == f"{archive}:big.xml" and "too large" in (member.error or "")


def test_size_error_names_the_size_in_megabytes(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * (3 * 1024 * 1024))
    (outcome,) = parse_paths([big], max_bytes=2 * 1024 * 1024)
    assert outcome.error == "file too large (3.0 MB; limit 2.0 MB)"


def test_missing_paths_and_corrupt_archives_are_reported(tmp_path: Path) -> None:
    corrupt = tmp_path / "broken.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    good = tmp_path / "good.xml"
    good.write_text(_xml("NCT00000001"), encoding="utf-8")
    outcomes = list(parse_paths([tmp_path / "nope.xml", corrupt, good]))
    assert outcomes[0].error == "no such file or directory"
    assert outcomes[1].path == str(corrupt) and outcomes[1].error is not None
    assert outcomes[2].ok


def test_count_inputs_counts_documents(mixed_dir: Path) -> None:
    assert count_inputs([mixed_dir]) == 5


def test_real_v2_file_through_the_format_registry(shared_data: Path) -> None:
    (outcome,) = parse_paths([shared_data / "ctgov_v2_nsclc_100.json"])
    assert outcome.ok and len(outcome.trials) == 100
    assert {t.source.format for t in outcome.trials} == {"ctgov_json"}
