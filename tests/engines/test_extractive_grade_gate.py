"""Choosing among wordings by reading grade: the first at or under the target, else the plainest;
a whole wording is chosen, so no fact is dropped."""

from __future__ import annotations

from summarizer.engines.extractive.grade_gate import plainest, section_grade, within_grade
from summarizer.models import Statement


def _says(*texts: str) -> list[Statement]:
    return [Statement(text=t) for t in texts]


HARD = _says("Institutional cardiovascular rehabilitation investigations.")
EASY = _says("It runs in Denver, Colorado.")
EASIER = _says("It is in a town. The town is Denver.")


def test_the_first_wording_at_or_under_the_target_wins_even_if_a_later_one_is_plainer():
    assert section_grade(EASIER) < section_grade(EASY) <= 8.0 < section_grade(HARD)
    assert plainest([HARD, EASY, EASIER]) == EASY


def test_when_none_reaches_the_target_the_plainest_is_taken():
    harder = _says("Interdisciplinary cardiovascular rehabilitation investigations.")
    assert plainest([harder, HARD], target=0.0) == min(
        [harder, HARD], key=lambda o: section_grade(o) or 0.0
    )
    assert plainest([HARD], target=0.0) == HARD


def test_retry_keeps_a_hard_sentence_once_a_plainer_one_makes_room_and_keeps_the_order():
    hard = Statement(text="Drugs used in chemotherapy use different ways to stop tumor cells.")
    easy = Statement(text="More than one drug may kill more of them.")
    assert section_grade([hard]) > 8.0 >= section_grade([hard, easy])
    assert within_grade([], [hard, easy]) == [easy]  # without retry the hard one is lost
    assert within_grade([], [hard, easy], retry=True) == [hard, easy]


def test_retry_never_takes_what_the_whole_section_cannot_carry():
    hard = _says("Interdisciplinary cardiovascular rehabilitation investigations.")[0]
    easy = _says("It is in a town.")[0]
    assert within_grade([], [hard, easy], retry=True) == [easy]
    assert within_grade([], [easy, easy, hard], retry=True, limit=2) == [easy, easy]
