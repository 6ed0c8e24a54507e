"""Reading grade works with no network (textstat's dictionary comes from a package)."""

from summarizer.readability import grade


def test_plain_text_scores_lower_than_jargon(no_network, tmp_home):
    plain = grade("You can join if you are 18 or older. The study gives one shot.")
    dense = grade(
        "Participants with relapsed or refractory hematological malignancies following "
        "autologous hematopoietic stem cell transplantation are eligible for enrollment."
    )
    assert plain is not None and dense is not None
    assert plain < 8 < dense


def test_no_words_has_no_grade():
    assert grade("12 / 34") is None
