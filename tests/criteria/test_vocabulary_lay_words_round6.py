"""Lay words added for round 6 of issue 14 (each sourced in data/lay_terms.json): the asker's
words and the record's name one concept, and classes hold their kinds (MeSH's tree)."""

from __future__ import annotations

import pytest

from summarizer.criteria.vocabulary import load


def concept_of(text: str) -> str | None:
    found = load().find(text)
    return found[0].concept.id if found else None


@pytest.mark.parametrize(
    ("asker", "record"),
    [
        ("I have a hip replacement", "Patients with hip prostheses"),
        ("I already had seed implants", "prior prostate brachytherapy implant"),
        ("My partner is in jail", "is not incarcerated"),
        ("I've had thoughts of killing myself", "current suicidal ideation"),
        ("I'm dependent on alcohol", "alcohol dependence"),
        ("I injected drugs", "History of injection drug use"),
        ("I had a hysterectomy", "Have had a hysterectomy"),
        ("I've been on HIV medicines", "on anti-HIV treatment"),
    ],
)
def test_the_askers_words_and_the_records_name_one_concept(asker, record):
    said = concept_of(asker)
    assert said is not None
    voc = load()
    written = {m.concept.id for m in voc.find(record)}
    broader = {b.id for cid in written for b in voc.broader(cid)}
    assert said in written or said in broader


def test_classes_hold_their_kinds_and_not_their_siblings():
    voc = load()

    def under(kind: str, cls: str) -> bool:
        k, c = voc.lookup(kind), voc.lookup(cls)
        return k is not None and c is not None and c.id in {b.id for b in voc.broader(k.id)}

    assert under("alcohol dependence", "substance dependence")
    assert under("injection drug use", "substance dependence")
    assert under("brachytherapy", "radiotherapy")
    assert under("HIV-1 vaccines", "vaccines")
    assert not under("flu shot", "HIV vaccine")
    assert concept_of("HIV-1 vaccines") != concept_of("flu vaccine")
    assert concept_of("blood products") == concept_of("blood transfusion")
