"""Vocabulary and short forms added in session 25 (helper P2) of issue 14, each sourced in
data/lay_terms.json: 'detox' names detoxification as records write it; 'coronary artery restenosis'
is the record heading Coronary Restenosis; penicillins and cephalosporins are beta-lactams (MeSH's
tree), so an allergy to penicillin meets 'allergy to beta-lactam antibiotics'; the hyphenated
'oral anti-diabetic drugs' is Hypoglycemic Agents; and a record that defines a short form the
other way round, 'OAD (oral anti-diabetic drugs)' (a real record's brief summary, whose criterion
reads 'Current treatment with OAD on monotheray or OAD on combination therapy'), has its
criteria read with it."""

from __future__ import annotations

from summarizer.criteria import parse_trial
from summarizer.criteria.abbreviations import defined
from summarizer.criteria.vocabulary import load

from .build import trial_with


def concept_of(text: str) -> str | None:
    found = load().find(text)
    return found[0].concept.id if found else None


def broader_ids(cid: str) -> set[str]:
    voc = load()
    out: set[str] = set()
    todo = [cid]
    while todo:
        for b in voc.broader(todo.pop()):
            if b.id not in out:
                out.add(b.id)
                todo.append(b.id)
    return out


def test_detox_in_the_askers_words_is_the_records_detoxification():
    said = concept_of("I haven't done detox yet")
    assert said is not None
    assert said == concept_of("Successful completion of medical detoxification")
    assert said != concept_of("I still drink every day")


def test_coronary_artery_restenosis_is_the_heading_coronary_restenosis():
    assert concept_of("I had coronary artery restenosis") == "mesh:Coronary Restenosis"
    assert concept_of("coronary stenosis") != "mesh:Coronary Restenosis"


def test_penicillins_and_cephalosporins_are_beta_lactams_and_other_antibiotics_are_not():
    lactams = concept_of("beta-lactam antibiotics")
    assert lactams is not None
    assert lactams in broader_ids(concept_of("penicillin") or "")
    assert lactams in broader_ids(concept_of("amoxicillin") or "")
    assert lactams in broader_ids(concept_of("ceftriaxone") or "")
    assert lactams not in broader_ids(concept_of("vancomycin") or "")
    assert lactams not in broader_ids(concept_of("lidocaine") or "")


def test_the_hyphenated_anti_diabetic_drugs_are_hypoglycemic_agents():
    assert concept_of("oral anti-diabetic drugs") == "mesh:Hypoglycemic Agents"
    assert concept_of("oral antidiabetic drugs") == "mesh:Hypoglycemic Agents"
    assert concept_of("anti-inflammatory drugs") != "mesh:Hypoglycemic Agents"


def test_a_short_form_defined_before_its_bracketed_long_form():
    vocab = load()
    got = defined("inadequately controlled with OAD (oral anti-diabetic drugs).", vocab)
    assert {k: v.id for k, v in got.items()} == {"OAD": "mesh:Hypoglycemic Agents"}
    assert defined("treated with OAD (see the protocol)", vocab) == {}  # no term in brackets
    assert defined("XYZ (oral anti-diabetic drugs)", vocab) == {}  # letters not in the term
    # the long form first still works, and a bracket of two terms defines nothing
    assert set(defined("Type 1 diabetes mellitus (T1DM)", vocab)) == {"T1DM"}
    assert defined("OAD (oral anti-diabetic drugs or insulin)", vocab) == {}


def test_the_short_form_is_read_in_the_criteria_that_use_it():
    trial = trial_with(
        ["OAD (oral anti-diabetic drugs) for at least 3 months",
         "Current treatment with OAD on monotheray or OAD on combination therapy"],
    )  # fmt: skip
    parsed = parse_trial(trial)
    named = [
        c.text for c in parsed.criteria[1].constraints if c.concept == "mesh:Hypoglycemic Agents"
    ]
    assert named == ["OAD", "OAD"]
    plain = parse_trial(trial_with(["Current treatment with OAD on monotheray"]))
    assert not [c for c in plain.criteria[0].constraints if c.text == "OAD"]
