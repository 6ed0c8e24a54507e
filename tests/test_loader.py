"""The loader streams documents from files, folders and archives; one bad file never stops it."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.loader import ParseOutcome, count_inputs, decode, parse_document, parse_paths


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


def test_a_50_mb_file_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing to read
    (outcome,) = parse_paths([huge])
    assert outcome.error == "file too large (50.0 MB; limit 20.0 MB)"


def test_a_directory_of_thousands_of_files_gives_one_outcome_each(tmp_path: Path) -> None:
    for i in range(2000):
        text = "<clinical_study>" if i % 100 == 7 else _xml(f"NCT{i:08d}")
        (tmp_path / f"doc{i:04d}.xml").write_text(text, encoding="utf-8")
    outcomes = list(parse_paths([tmp_path]))
    assert len(outcomes) == 2000 == count_inputs([tmp_path])
    failed = [o for o in outcomes if not o.ok]
    assert len(failed) == 20 and all("malformed XML" in (o.error or "") for o in failed)
    assert outcomes[-1].trials[0].trial_id == "NCT00001999"


def test_stray_control_characters_are_replaced_one_for_one_with_a_warning(tmp_path: Path) -> None:
    page = "Inclusion Criteria:\n- Adults\x00 with\x1b[2J asthma\x9b\r\n- Lone\rreturn\n"
    (tmp_path / "page.txt").write_bytes(page.encode("utf-8"))
    (outcome,) = parse_paths([tmp_path / "page.txt"])
    (trial,) = outcome.trials
    assert trial.source.text == page.translate({0: "�", 0x1B: "�", 0x9B: "�"}).replace("\r\n", "\n")
    criteria = [c.text for c in trial.inclusion_criteria]
    assert criteria == ["Adults� with�[2J asthma�", "Lone\rreturn"]
    assert "3 control characters replaced with U+FFFD" in trial.warnings


def test_text_with_many_nuls_is_binary() -> None:
    with pytest.raises(ValueError, match="binary file"):
        decode(b"Inclusion Criteria: adults" + b"\x00" * 10)
    assert decode(b"x" * 200 + b"\x00")[0] == "x" * 200 + "\ufffd"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("truncated.json", b'{"protocolSection": {"identificationModule": {"nctId": "NC', "JSON"),
        ("no_id.json", b'{"protocolSection": {"hello": 1}}', "study has no NCT ID"),
        ("not_a_study.json", b'{"protocolSection": 1, "x": 2}', "not a ClinicalTrials.gov study"),
        ("list.json", b"[1, 2, 3]", "not a trial document"),
        ("truncated.xml", b"<clinical_study><id_info><nct_id>NCT1", "malformed XML: "),
        ("no_sections.txt", b"Dear diary, today it rained and I stayed in.", "no recognizable"),
        ("latin1.txt", "Caf\xe9 r\xe9sum\xe9 only".encode("latin-1"), "no recognizable"),
    ],
)
def test_bad_documents_give_one_clear_line(name: str, data: bytes, reason: str) -> None:
    outcome = parse_document(name, data)
    assert outcome.error is not None and reason in outcome.error and not outcome.trials
    assert "\n" not in outcome.error


def test_a_parser_error_message_is_made_one_printable_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import summarizer.loader as loader

    def broken(name: str, text: str) -> list[object]:
        raise ValueError("line one\nline \x1b[31mtwo")

    monkeypatch.setattr(loader, "parse_text", broken)
    outcome = parse_document("doc.txt", b"Inclusion Criteria: adults")
    assert outcome.error == "internal parser error (ValueError: line one line [31mtwo)"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8")))
def test_no_bytes_make_the_loader_raise(data: bytes) -> None:
    outcome = parse_document("any.txt", data)
    if outcome.error is not None:
        assert outcome.error and "\n" not in outcome.error and outcome.error.isprintable()
    for trial in outcome.trials:
        assert not any(0 <= ord(c) < 32 and c not in "\t\n\f\r" for c in trial.source.text)


# --- scale: the cycle collector and a record with very many sites ---------------------------


def test_the_cycle_collector_is_paused_while_a_document_parses(monkeypatch) -> None:
    import gc

    import summarizer.loader as loader
    from tests.many_sites import record_with_sites

    seen: list[bool] = []
    real = loader.parse_text

    def spy(name: str, text: str):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(name, text)

    monkeypatch.setattr(loader, "parse_text", spy)
    assert gc.isenabled()
    outcome = loader.parse_document("x.xml", record_with_sites(3))
    assert outcome.error is None and len(outcome.trials[0].locations) == 3
    assert seen == [False]
    assert gc.isenabled()  # resumed afterwards


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    import gc

    from summarizer.loader import parse_document
    from tests.many_sites import record_with_sites

    gc.disable()
    try:
        assert parse_document("x.xml", record_with_sites(2)).error is None
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_after_a_document_fails() -> None:
    import gc

    from summarizer.loader import parse_document

    assert parse_document("x.xml", b"<clinical_study><oops></clinical_study>").error
    assert gc.isenabled()


def test_a_record_with_5000_sites_keeps_every_site_quoted_by_its_span() -> None:
    from summarizer.parsers.record_text import span_problems
    from tests.many_sites import trial_with_sites

    trial = trial_with_sites(5_000)
    assert len(trial.locations) == 5_000
    assert trial.locations[4_999].facility == "Site 4999 Hospital"
    assert span_problems(trial) == []
