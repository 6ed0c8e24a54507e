"""The checker's sentence splitter: pieces with exact source offsets, where a hard-wrapped line
goes on with its sentence and a blank line, list item, field or heading still ends one."""

from __future__ import annotations

import pytest

from summarizer.checker.text import sentences


def pieces(text: str) -> list[str]:
    out = sentences(text)
    assert all(text[s:e] == piece for piece, s, e in out)  # offsets are exact
    return [piece for piece, _, _ in out]


def test_a_hard_wrap_after_a_word_does_not_end_the_sentence() -> None:
    text = (
        "These individuals will contribute a blood sample for DNA analysis only. No\n"
        "imaging diagnostic testing will be performed on them.\n"
    )
    assert pieces(text) == [
        "These individuals will contribute a blood sample for DNA analysis only.",
        "No\nimaging diagnostic testing will be performed on them.",
    ]


def test_a_wrapped_list_item_is_one_piece_and_the_next_item_another() -> None:
    text = (
        "Exclusion:\n"
        "  -  Other condition which the attending physician considers a\n"
        "     contraindication to the procedure\n"
        "  -  Pregnancy\n"
    )
    assert pieces(text) == [
        "Exclusion:",
        "Other condition which the attending physician considers a\n"
        "     contraindication to the procedure",
        "Pregnancy",
    ]


def test_a_line_stopping_on_a_word_no_sentence_ends_with_goes_on_into_a_capitalised_line():
    text = "Patients previously treated with\nRituximab are eligible."
    assert pieces(text) == [text]
    # One field per line, as web-page records have them, stays one piece per line.
    assert pieces("Study type Interventional\nEnrollment 80 (estimated)") == [
        "Study type Interventional",
        "Enrollment 80 (estimated)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "First sentence here\n\nsecond paragraph here.",
            ["First sentence here", "second paragraph here."],
        ),
        (
            "Brief Summary\nThe study collects plasma.",
            ["Brief Summary", "The study collects plasma."],
        ),
        (
            "Start Date: March 1993 (Actual)\nCompletion Date: 2021",
            ["Start Date: March 1993 (Actual)", "Completion Date: 2021"],
        ),
        (
            "Conditions\n- Leukopheresis\n- Plasmapheresis",
            ["Conditions", "Leukopheresis", "Plasmapheresis"],
        ),
        ("Age 18 or older.\nSigned consent.", ["Age 18 or older.", "Signed consent."]),
        ("EXCLUSION CRITERIA:\nnone known", ["EXCLUSION CRITERIA:", "none known"]),
        ("| Phase | 2 |\n| Status | Recruiting |", ["2", "Recruiting"]),
    ],
)
def test_blank_lines_items_fields_and_headings_still_end_a_piece(text, expected) -> None:
    found = pieces(text)
    assert all(piece in found for piece in expected), found
    assert not any("\n" in piece for piece in found)
