"""Library page: upload, paste and folder ingest with progress; bad files reported, the rest
indexed; trials listed with status, source and chunk counts; removal."""

from __future__ import annotations

import re

import pytest

SCRIPT = "<script>alert('owned')</script>"


@pytest.fixture
def fresh_home(tmp_path, use_home):
    home = tmp_path / "lib-home"
    home.mkdir()
    return use_home(home)


def test_upload_indexes_good_files_and_names_the_bad_one(fresh_home, page, samples_dir):
    good = sorted(samples_dir.glob("003_*.txt"))[0]
    at = page("library")
    at.file_uploader[0].set_value(
        [
            (good.name, good.read_bytes(), "text/plain"),
            ("broken.xml", b"<clinical_study><oops", "text/xml"),
        ]
    )
    at.button[0].click().run()
    assert not at.exception
    assert "Added 1 new" in at.success[0].value
    errors = [e.value for e in at.error]
    assert any(e.startswith("broken.xml") for e in errors), errors
    assert not any("Traceback" in e for e in errors)
    table = at.dataframe[0].value
    assert len(table) == 1
    assert table["Chunks"][0] > 0
    assert good.name in table["Source"][0]


def test_pasted_text_with_markup_is_indexed_and_shown_as_text(fresh_home, page, seed_texts):
    cited = "This clinical trial evaluates the safety"
    text = seed_texts["000"].replace(cited, f"This clinical trial {SCRIPT} evaluates the safety")
    at = page("library")
    at.text_area[0].input(text)
    at.button[1].click().run()
    assert not at.exception
    assert "Added 1 new" in at.success[0].value

    ask = page("ask")
    ask.selectbox(key="ask_trial").set_value("NCT06503094").run()
    ask.chat_input[0].set_value("What does this trial study?").run()
    assert not ask.exception
    rendered = [m.value for m in ask.markdown] + [c.value for c in ask.caption]
    # Plain markdown shows the tag as text only when it is backslash-escaped; HTML blocks escape it.
    unescaped = re.compile(r"(?<!\\)<script")
    assert not any(unescaped.search(value) for value in rendered), rendered
    assert any("&lt;script&gt;alert" in value for value in rendered), "the cited text is shown"


def test_folder_path_ingest_and_missing_folder(fresh_home, page, samples_dir):
    at = page("library")
    at.text_input[0].input("/no/such/folder")
    at.button[2].click().run()
    assert "no such file or folder" in at.error[0].value
    at.text_input[0].input(str(samples_dir))
    at.button[2].click().run()
    assert not at.exception
    assert "Added 5 new" in at.success[0].value
    assert len(at.dataframe[0].value) == 5


def test_remove_a_trial(fresh_home, page, samples_dir):
    good = sorted(samples_dir.glob("002_*.txt"))[0]
    at = page("library")
    at.file_uploader[0].set_value((good.name, good.read_bytes(), "text/plain"))
    at.button[0].click().run()
    assert len(at.dataframe[0].value) == 1
    removed = at.selectbox[0].value
    at.button[-1].click().run()  # not confirmed: nothing removed
    assert "Tick" in at.warning[0].value
    assert len(at.dataframe[0].value) == 1
    at.checkbox[0].check()
    at.button[-1].click().run()
    assert not at.exception
    assert f"Removed {removed}" in at.success[0].value.replace("\\", "")
    assert not at.dataframe


def test_the_same_file_uploaded_again_is_unchanged(fresh_home, page, samples_dir):
    good = sorted(samples_dir.glob("003_*.txt"))[0]
    at = page("library")
    for _ in range(2):
        at.file_uploader[0].set_value((good.name, good.read_bytes(), "text/plain"))
        at.button[0].click().run()
    assert not at.exception
    assert any("already in the library, unchanged" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert len(table) == 1
    assert table["Title"][0] == "4SCAR-T Therapy Post CD19-targeted Immunotherapy"  # in full
    assert table["Status"][0] == "Recruiting" and table["Phase"][0] == "Phase 1 and Phase 2"


def test_a_zip_with_pdfs_shows_counted_progress_and_refuses_the_scan(
    fresh_home, page, samples_dir, seed_texts
):
    import io
    import zipfile

    from tests.pdf_files import image_pdf, text_pdf

    lines = [line for line in seed_texts["002"].splitlines() if line.isascii()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(samples_dir.glob("00[0134]_*.txt")):
            archive.write(path, f"trials/{path.name}")
        archive.writestr(
            "trials/page.pdf", text_pdf([lines[i : i + 50] for i in range(0, 200, 50)])
        )
        archive.writestr("trials/scan.pdf", image_pdf())
    at = page("library")
    at.file_uploader[0].set_value(("trials.zip", buffer.getvalue(), "application/zip"))
    at.button[0].click().run()
    assert not at.exception
    bar = at.progress[0]
    assert bar.value == 100
    assert re.fullmatch(r"Done: read 6 of 6 documents, \d+ passages indexed", bar.proto.text)
    assert "Added 5 new" in at.success[0].value
    [scan] = [e.value for e in at.error]
    assert scan.startswith("scan.pdf") and "no text in this PDF" in scan
    table = at.dataframe[0].value
    assert len(table) == 5 and any(source.startswith("page.pdf") for source in table["Source"])
