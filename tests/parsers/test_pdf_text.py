"""PDFs: a text PDF is read like the same page saved as text; what has no text layer, needs a
password or is damaged is refused with one line, and never stops the documents around it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.loader import parse_document, parse_paths
from summarizer.parsers import parse_text
from summarizer.parsers.pdf_text import PAGE_SEPARATOR, PdfRefusedError, is_pdf, pdf_text
from summarizer.runtime import Runtime
from tests.pdf_files import broken_pdf, encrypted_pdf, image_pdf, text_pdf
from tests.word_hash import WordHashEmbedder

SEED = "002"  # a registry page saved as text
LINES_PER_PAGE = 50


def _seed_lines(seed_texts: dict[str, str]) -> list[str]:
    """The seed page's ASCII lines (what the test PDF's font writes as is), blank lines kept."""
    return [line for line in seed_texts[SEED].splitlines() if line.isascii()]


def _seed_pdf(seed_texts: dict[str, str]) -> bytes:
    lines = _seed_lines(seed_texts)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    return text_pdf(pages)


def test_a_text_pdf_gives_its_pages_text_in_order() -> None:
    data = text_pdf([["First page line one", "line two (with brackets)"], ["Second page"]])
    text = pdf_text(data)
    assert is_pdf(data) and not is_pdf(b"Brief Summary: %PDF- is not at the start\n" * 100)
    assert text.index("line two (with brackets)") < text.index("Second page")
    assert PAGE_SEPARATOR + "Second page" in text


def test_a_trial_page_as_pdf_parses_like_the_page_as_text(seed_texts: dict[str, str]) -> None:
    from_pdf = parse_document("seed.pdf", _seed_pdf(seed_texts))
    from_text = parse_text("seed.txt", "\n".join(_seed_lines(seed_texts)))
    assert from_pdf.ok, from_pdf.error
    [pdf_trial] = from_pdf.trials
    [text_trial] = from_text
    assert pdf_trial.trial_id == text_trial.trial_id and pdf_trial.trial_id.startswith("NCT")
    assert pdf_trial.title == text_trial.title
    assert len(pdf_trial.inclusion_criteria) == len(text_trial.inclusion_criteria) > 0
    # every span points into the PDF's text, as for any text page
    source = pdf_trial.source.text
    for item in pdf_trial.inclusion_criteria:
        assert source[item.spans[0].start : item.spans[0].end].strip()


def test_an_image_only_pdf_is_refused_with_one_line() -> None:
    outcome = parse_document("scan.pdf", image_pdf())
    assert not outcome.ok and not outcome.trials
    assert outcome.error is not None and "\n" not in outcome.error
    assert "no text in this PDF" in outcome.error and "scanned" in outcome.error
    with pytest.raises(PdfRefusedError, match="OCR"):
        pdf_text(image_pdf())


def test_an_encrypted_pdf_is_refused_unless_it_opens_without_a_password() -> None:
    plain = text_pdf([["Brief Summary", "A trial of something."]])
    locked = parse_document("locked.pdf", encrypted_pdf(plain))
    assert locked.error is not None and locked.error.startswith("encrypted PDF")
    assert "\n" not in locked.error
    # an owner password alone restricts printing, not reading: such a PDF is read
    assert "A trial of something." in pdf_text(encrypted_pdf(plain, user_password=""))


def test_a_broken_pdf_is_one_failure_and_the_batch_goes_on(
    seed_texts: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "a_broken.pdf").write_bytes(broken_pdf())
    (tmp_path / "b_cut.pdf").write_bytes(_seed_pdf(seed_texts)[:300])
    (tmp_path / "c_scan.pdf").write_bytes(image_pdf())
    (tmp_path / "d_good.pdf").write_bytes(_seed_pdf(seed_texts))
    outcomes = {Path(o.path).name: o for o in parse_paths([tmp_path])}
    assert set(outcomes) == {"a_broken.pdf", "b_cut.pdf", "c_scan.pdf", "d_good.pdf"}
    for name in ("a_broken.pdf", "b_cut.pdf"):
        error = outcomes[name].error
        assert error is not None and error.startswith("unreadable PDF") and "\n" not in error
    assert outcomes["c_scan.pdf"].error and "no text" in outcomes["c_scan.pdf"].error
    assert outcomes["d_good.pdf"].ok and len(outcomes["d_good.pdf"].trials) == 1


@pytest.fixture
def fast_embedder() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Runtime, "embedder", property(lambda self: WordHashEmbedder()))
        patch.setenv("ANONYMIZED_TELEMETRY", "False")
        yield


def test_trialsum_ingest_reads_a_pdf(
    seed_texts: dict[str, str], tmp_path: Path, fast_embedder: None
) -> None:
    pdf = tmp_path / "trial.pdf"
    pdf.write_bytes(_seed_pdf(seed_texts))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_pdf())
    store = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(pdf), str(scan), "--store", str(store), "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1  # one document failed: said, not fatal
    assert report["trials_new"] == 1
    [failure] = report["trials_failed"]
    assert failure["path"].endswith("scan.pdf") and "no text in this PDF" in failure["reason"]
    listed = runner.invoke(app, ["trials", "--store", str(store), "--json"])
    [row] = json.loads(listed.stdout)
    assert row["source"].endswith("trial.pdf") and row["trial_id"].startswith("NCT")
