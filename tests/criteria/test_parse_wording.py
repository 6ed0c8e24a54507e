"""Wordings the parser once misread: an age written 'N years of age or over', the list phrase
'including but not limited to', 'nursing' for breastfeeding, 'malignancy' for cancer."""

from __future__ import annotations

import pytest

from summarizer.criteria import parse_trial
from summarizer.criteria.model import Constraint

from .build import trial_with


def _constraints(text: str, kind: str = "inclusion") -> list[Constraint]:
    trial = trial_with([text]) if kind == "inclusion" else trial_with([], [text])
    node = parse_trial(trial).criteria[0]
    return [c for n in node.walk() for c in n.constraints]


@pytest.mark.parametrize(
    ("text", "comparator", "value", "upper", "quoted"),
    [
        ("18 years of age or over", "ge", 18, None, "18 years of age or over"),
        ("Men and women 18 years of age or older", "ge", 18, None, "18 years of age or older"),
        ("Must be at least 18 years of age", "ge", 18, None, "at least 18 years of age"),
        ("Under 18 years of age", "lt", 18, None, "Under 18 years of age"),
        ("Children 2 to 12 years of age", "range", 2, 12, "2 to 12 years of age"),
        ("65 years old or younger", "le", 65, None, "65 years old or younger"),
    ],
)
def test_years_of_age_is_an_age_not_a_time_window(text, comparator, value, upper, quoted):
    found = _constraints(text)
    ages = [c for c in found if c.kind == "age"]
    assert len(ages) == 1 and ages[0].quantity is not None
    q = ages[0].quantity
    assert (q.comparator, q.value, q.upper) == (comparator, value, upper)
    assert ages[0].text == quoted
    assert not [c for c in found if c.kind == "time_window"]


def test_a_time_before_an_event_is_still_a_time_window():
    found = _constraints("At least 4 weeks of washout before randomization; aged 18 years or older")
    assert [c.window.relation for c in found if c.window] == ["since_at_least"]
    assert [c.quantity.value for c in found if c.kind == "age" and c.quantity] == [18]


@pytest.mark.parametrize(
    "text",
    [
        "Any prior therapy, including but not limited to chemotherapy or radiation",
        "Autoimmune disease, including, but not limited to, lupus or chemotherapy",
    ],
)
def test_including_but_not_limited_to_is_a_list_not_an_exception(text):
    trial = trial_with([], [text])
    node = parse_trial(trial).criteria[0]
    assert node.exception_spans == [] and node.exceptions == []
    named = [c for c in node.constraints if c.kind in ("treatment", "condition")]
    assert any(c.text == "chemotherapy" for c in named)
    assert not any(c.negated for c in named)  # 'not limited to' negates nothing


def test_but_not_still_carves_out_an_exception():
    trial = trial_with([], ["Any cancer but not basal cell carcinoma of the skin"])
    node = parse_trial(trial).criteria[0]
    assert [c.label for c in node.exceptions] == ["Carcinoma, Basal Cell"]
    assert trial.quote(node.exception_spans[0]).startswith("but not basal cell")


def test_nursing_is_breastfeeding_and_a_nursing_home_is_not():
    found = _constraints("Females who are pregnant, nursing or not using birth control", "x")
    assert [c.kind for c in found if c.kind in ("pregnancy", "breastfeeding")] == [
        "pregnancy",
        "breastfeeding",
    ]
    assert not [c for c in _constraints("Lives in a nursing home") if c.kind == "breastfeeding"]


@pytest.mark.parametrize("word", ["malignancy", "malignancies", "malignant neoplasm"])
def test_malignancy_names_the_neoplasms_concept(word):
    found = _constraints(f"History of another {word} within 5 years", "exclusion")
    conditions = [c for c in found if c.kind == "condition"]
    assert [c.concept for c in conditions] == ["mesh:Neoplasms"]
    assert [c.window.amount for c in found if c.window] == [5]


def test_time_since_an_event_with_a_comparator_is_a_time_window():
    found = _constraints("Time since diagnosis of diabetes ≥ 5 years")
    assert [(c.window.relation, c.window.amount) for c in found if c.window] == [
        ("since_at_least", 5)
    ]
    recent = _constraints("Time since last dose less than 4 weeks")
    assert [(c.window.relation, c.window.amount) for c in recent if c.window] == [("within", 4)]
