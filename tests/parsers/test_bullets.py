"""The shared list grammar: which line starts are markers, under each reader's dialect, and how
lines group into nested items."""

from __future__ import annotations

import pytest

from summarizer.parsers.bullets import BLOCK, ITEM, PAGE, Dialect, ItemSpan, items, read_line


def _read(line: str, dialect: Dialect) -> tuple[str | None, str | None, str]:
    """(glyph, enumerator, words) of one line."""
    ln = read_line(line, 0, len(line), dialect)
    marker = ln.marker
    return (
        marker.glyph if marker else None,
        marker.enum if marker else None,
        line[ln.content : ln.end],
    )


@pytest.mark.parametrize("dialect", [BLOCK, ITEM], ids=lambda d: d.name)
@pytest.mark.parametrize(
    ("line", "glyph", "enum"),
    [
        ("- Age 18 or older", "-", None),
        ("-- Age 18 or older", "--", None),
        ("* Age 18 or older", "*", None),
        ("• Age 18 or older", "•", None),
        ("o Age 18 or older", "o", None),
        ("1. Age 18 or older", None, "1."),
        ("12) Age 18 or older", None, "12)"),
        ("(3) Age 18 or older", None, "(3)"),
        ("b. Age 18 or older", None, "b."),
        ("B) Age 18 or older", None, "B)"),
        ("(c) Age 18 or older", None, "(c)"),
        ("iv. Age 18 or older", None, "iv."),
        ("viii) Age 18 or older", None, "viii)"),
    ],
)
def test_each_marker_form_is_read_with_its_words(
    dialect: Dialect, line: str, glyph: str | None, enum: str | None
) -> None:
    assert _read("   " + line, dialect) == (glyph, enum, "Age 18 or older")


@pytest.mark.parametrize("dialect", [BLOCK, ITEM, PAGE], ids=lambda d: d.name)
@pytest.mark.parametrize(
    "line",
    [
        "1.5 mg/kg of drug Q",  # a decimal number
        "Grade 2. or higher neuropathy",  # a number inside a sentence
        "e.g. prior surgery",  # an abbreviation
        "18 years or older",  # a number without a closer
        "ECOG 0-1",
    ],
)
def test_a_number_or_word_inside_a_sentence_is_not_a_marker(dialect: Dialect, line: str) -> None:
    glyph, enum, words = _read(line, dialect)
    assert (glyph, enum) == (None, None)
    assert words == line


def test_in_a_block_a_lone_number_ends_a_sentence_but_a_lone_glyph_is_an_empty_bullet() -> None:
    # 'Grade\n2.' wraps a sentence; a lone '-' is an empty bullet that closes the criterion above.
    assert read_line("2.", 0, 2, BLOCK).marker is None
    assert read_line("-", 0, 1, BLOCK).marker is not None
    assert read_line("(2)", 0, 3, BLOCK).marker is not None


def test_item_markers_need_a_space_and_words_after_them() -> None:
    assert _read("1.Age", ITEM) == (None, None, "1.Age")
    assert _read("-", ITEM) == (None, None, "-")
    assert _read("1. Age", ITEM) == (None, "1.", "Age")
    # A block reads '1.Age' and '--Age' as bullets (plain-text protocols glue them).
    assert _read("1.Age", BLOCK) == (None, "1.", "Age")
    assert _read("--Age", BLOCK) == ("--", None, "Age")
    assert _read("-Age", BLOCK) == (None, None, "-Age")


def test_which_glyphs_count_is_the_dialects_choice() -> None:
    assert _read("○ sub-item", ITEM) == ("○", None, "sub-item")
    assert _read("○ sub-item", BLOCK) == (None, None, "○ sub-item")
    assert _read("● item", PAGE) == ("●", None, "item")
    assert _read("● item", ITEM) == (None, None, "● item")


def test_a_page_stacks_a_glyph_and_an_enumerator_and_names_their_series() -> None:
    ln = read_line("\t• 1 . Age 18", 0, 13, PAGE)
    assert ln.marker is not None
    assert (ln.marker.glyph, ln.marker.enum, ln.marker.series) == ("•", "1 .", "num")
    assert ln.indent == 4  # a tab is four columns on a page
    series = {
        line: m.series
        for line in ("ii. x", "IV. x", "a) x", "C. x", "- x")
        if (m := read_line(line, 0, len(line), PAGE).marker) is not None
    }
    assert series == {
        "ii. x": "roman",
        "IV. x": "ROMAN",
        "a) x": "alpha",
        "C. x": "ALPHA",
        "- x": "bullet:-",
    }
    # A block reads only the first marker; the number stays in the words.
    assert _read("• 1. Age 18", BLOCK) == ("•", None, "1. Age 18")


def _texts(text: str, found: list[ItemSpan]) -> list[object]:
    return [
        text[i.start : i.end]
        if not i.children
        else (text[i.start : i.end], _texts(text, i.children))
        for i in found
    ]


NESTED = """Any of the following:
  - heart failure, NYHA class III
    or IV
  - within 6 months of:
      a. myocardial infarction
      b. stroke
  - uncontrolled hypertension"""


def test_items_nest_by_indentation() -> None:
    found = items(NESTED, 0, len(NESTED), depth=2)
    assert _texts(NESTED, found) == [
        "heart failure, NYHA class III\n    or IV",
        (
            "within 6 months of:\n      a. myocardial infarction\n      b. stroke",
            ["myocardial infarction", "stroke"],
        ),
        "uncontrolled hypertension",
    ]


def test_items_read_one_level_unless_asked_for_more() -> None:
    assert [i.children for i in items(NESTED, 0, len(NESTED))] == [[], [], []]
    assert items(NESTED, 0, len(NESTED), depth=0) == []


def test_the_first_line_is_the_head_and_prose_has_no_items() -> None:
    text = "1. Adequate organ function\nas defined by the protocol"
    assert items(text, 0, len(text)) == []
    listed = "Adequate organ function:\n- hemoglobin >= 9 g/dL\n- platelets >= 100,000/uL"
    assert [listed[i.start : i.end] for i in items(listed, 0, len(listed))] == [
        "hemoglobin >= 9 g/dL",
        "platelets >= 100,000/uL",
    ]


def test_items_keep_offsets_into_the_whole_text() -> None:
    text = "Eligibility\n\nHead:\n  * one\n  * two\nAfter"
    start = text.index("Head")
    end = text.index("\nAfter")
    found = items(text, start, end)
    assert [text[i.start : i.end] for i in found] == ["one", "two"]
    assert found[0].start == text.index("one")
