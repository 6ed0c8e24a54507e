"""The concept vocabulary: lay words and record words reach one concept, broader and narrower
links hold, and the build script reads its named sources."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from summarizer.criteria.vocabulary import from_dict, load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab():
    return load()


@pytest.mark.parametrize(
    ("said", "record"),
    [
        ("heart attack", "Myocardial Infarction"),
        ("MI", "Myocardial Infarction"),
        ("blood thinners", "Anticoagulants"),
        ("sugar pill", "Placebos"),
        ("bipolar 2", "Bipolar II Disorder"),
        ("water pill", "Diuretics"),
        ("chemo", "Chemotherapy"),
        ("HIV", "HIV Infections"),
        ("hep B", "Hepatitis B"),
        ("high blood pressure", "Hypertension"),
    ],
)
def test_how_people_speak_maps_to_how_records_are_written(vocab, said, record):
    concept = vocab.lookup(said)
    assert concept is not None and concept.label == record


def test_unknown_words_map_to_nothing(vocab):
    assert vocab.lookup("purple elephant syndrome of tuesdays") is None


def test_broader_and_narrower(vocab):
    thinners = vocab.lookup("blood thinners")
    names = {c.label for c in vocab.expand(thinners.id)}
    assert {"Warfarin", "Heparin"} <= names
    assert "Anticoagulants" in {c.label for c in vocab.broader(vocab.lookup("warfarin").id)}
    assert "Myocardial Infarction" not in names


def test_find_takes_the_longest_term_and_respects_capital_abbreviations(vocab):
    text = "No acute myocardial infarction (MI); mi amigo; non-small cell lung cancer"
    found = [(text[m.start : m.end], m.concept.label) for m in vocab.find(text)]
    assert ("MI", "Myocardial Infarction") in found
    assert not any(t == "mi" for t, _ in found)
    assert not any(label == "Small Cell Lung Carcinoma" for _, label in found)
    assert any("myocardial infarction" in t for t, _ in found)


def test_every_concept_names_its_sources(vocab):
    sources = Counter(s for c in vocab.concepts.values() for s in c.sources)
    assert set(sources) <= {"ctgov-mesh", "hpo", "drug-ner", "curated"}
    assert sources["ctgov-mesh"] > 2000 and sources["hpo"] > 1000 and sources["curated"] >= 10
    assert all(c.sources for c in vocab.concepts.values())


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_vocabulary", ROOT / "scripts/build_vocabulary.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_merges_record_headings_hpo_lay_words_and_curated_entries():
    b = _builder()
    obo = """format-version: 1.2

[Term]
id: HP:0000118
name: Phenotypic abnormality

[Term]
id: HP:0033678
name: Acute coronary syndrome
is_a: HP:0000118 ! Phenotypic abnormality

[Term]
id: HP:0001658
name: Myocardial infarction
synonym: "Heart attack" EXACT layperson []
synonym: "MI" EXACT abbreviation []
synonym: "Cardiac event" RELATED []
is_a: HP:0033678 ! Acute coronary syndrome

[Term]
id: HP:0012828
name: Severe
synonym: "Serious" EXACT layperson []
""".splitlines()
    terms = b.read_obo(obo)
    xml = Counter(
        {
            ("Myocardial Infarction", "condition"): 3,
            ("Acute Coronary Syndrome", "condition"): 1,
            ("Warfarin", "intervention"): 2,
        }
    )
    curated = [
        {
            "label": "Anticoagulants",
            "kind": "intervention",
            "lay": ["blood thinner"],
            "narrower": ["Warfarin"],
        }
    ]
    data = b.build(xml, Counter(), {}, terms, curated)
    vocab = from_dict(data)
    mi = vocab.lookup("heart attack")
    assert (
        mi is not None
        and mi.label == "Myocardial Infarction"
        and set(mi.sources) == {"ctgov-mesh", "hpo"}
    )
    assert vocab.lookup("cardiac event") is None  # RELATED synonyms are not kept
    assert vocab.lookup("serious") is None  # outside Phenotypic abnormality: a modifier
    assert [c.label for c in vocab.broader(mi.id)] == ["Acute Coronary Syndrome"]
    assert [c.label for c in vocab.broader(vocab.lookup("warfarin").id)] == ["Anticoagulants"]


def test_heading_variants_are_mechanical():
    b = _builder()
    assert "Non-Small-Cell Lung Carcinoma" in b.variants("Carcinoma, Non-Small-Cell Lung")
    assert "HIV Infection" in b.variants("HIV Infections")
    assert b.variants("Diabetes Mellitus") == []


@pytest.mark.parametrize(
    ("said", "record"),
    [
        ("diabetes", "Diabetes Mellitus"),
        ("lupus", "Lupus Erythematosus, Systemic"),
        ("statins", "Hydroxymethylglutaryl-CoA Reductase Inhibitors"),
        ("Coumadin", "Warfarin"),  # a brand name, from the drug dictionary wheel
        ("flu shot", "Influenza Vaccines"),
        ("blood pressure medicine", "Antihypertensive Agents"),
    ],
)
def test_everyday_words_for_conditions_and_medicines_map_to_record_headings(vocab, said, record):
    concept = vocab.lookup(said)
    assert concept is not None and concept.label == record


def test_kinds_hang_under_the_word_people_use(vocab):
    diabetes = vocab.lookup("diabetes")
    kinds = {c.label for c in vocab.expand(diabetes.id, depth=1)}
    assert "Diabetes Mellitus, Type 1" in kinds
    assert "Lupus Erythematosus, Systemic" not in kinds
    flu = vocab.lookup("flu shot")
    assert "Vaccines" in {c.label for c in vocab.broader(flu.id)}


def test_every_hand_curated_lay_word_names_its_source():
    import json

    entries = json.loads((ROOT / "summarizer/criteria/data/lay_terms.json").read_text())["entries"]
    assert entries and all(e.get("source", "").strip() for e in entries)
    data = json.loads((ROOT / "summarizer/criteria/data/vocabulary.json").read_text())
    assert {"ctgov-mesh", "hpo", "drug-ner", "curated"} <= set(data["sources"])
    lupus = next(c for c in data["concepts"] if c["label"] == "Lupus Erythematosus, Systemic")
    assert any("MedlinePlus" in s for s in lupus.get("curated_from", []))
