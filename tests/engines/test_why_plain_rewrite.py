"""Plain rewriting that keeps support (session 26, issue 15): a long source sentence is said as
whole shorter sentences split at safe clause links, each citing its own clause, jargon swapped
for sourced plain words or explained; 'Why it matters' takes the clearest reasons the record
gives and says nothing the record does not. The checker backs every sentence it writes."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.engines.extractive import why
from summarizer.engines.extractive.grade_gate import section_grade
from summarizer.engines.extractive.lead import lede
from summarizer.engines.extractive.plain_words import (
    Piece,
    clause_pieces,
    explain,
    piece_text,
    simplify,
)
from summarizer.engines.extractive.summary import why_statements
from summarizer.models import Statement
from tests.engines.xml_record import xml_trial


def _said(text: str) -> list[str]:
    return [piece_text(text, p) for p in clause_pieces(text)]


def test_a_semicolon_between_two_clauses_makes_two_sentences_each_on_its_own_words():
    text = "The mother may have mild symptoms; the baby may have damage to the eyes."
    pieces = clause_pieces(text)
    assert _said(text) == [
        "The mother may have mild symptoms.",
        "The baby may have damage to the eyes.",
    ]
    assert text[pieces[0].start : pieces[0].end] == "The mother may have mild symptoms"
    assert text[pieces[1].start : pieces[1].end] == "the baby may have damage to the eyes"


def test_a_semicolon_before_a_fragment_is_no_clause_link():
    text = "Patients may need one of these drugs; aspirin or heparin."
    assert _said(text) == ["People may need one of these drugs; aspirin or heparin."]
    assert len(clause_pieces(text)) == 1


def test_and_splits_before_a_new_subject_but_never_inside_a_list():
    joined = "Toxoplasmosis is an infection caused by a parasite, and it may be passed to a baby."
    assert _said(joined) == [
        "Toxoplasmosis is an infection caused by a parasite.",
        "It may be passed to a baby.",
    ]
    listed = "The baby may have damage to the eyes, the skin, and the ears."
    assert _said(listed) == [listed]


def test_an_opening_although_becomes_a_sentence_and_a_but_so_the_contrast_stays():
    text = (
        "Although we have treated many people with these drugs, we do not yet know if they "
        "help the body respond to a vaccine."
    )
    assert _said(text) == [
        "We have treated many people with these drugs.",
        "But we do not yet know if they help the body respond to a vaccine.",
    ]


def test_which_with_a_verb_of_its_own_opens_a_new_sentence_and_a_bare_which_does_not():
    text = "Doctors will collect blood samples, which may help find new genes in the tumor."
    assert _said(text) == [
        "Doctors will collect blood samples.",
        "This may help find new genes in the tumor.",
    ]
    bare = "Nitisinone is a promising drug which blocks the making of an acid in the body."
    assert _said(bare) == [bare]


def test_so_before_a_pronoun_splits_a_result_and_so_that_does_not():
    text = "Drugs used in chemotherapy stop tumor cells from dividing so they stop growing or die."
    assert _said(text) == [
        "Drugs used in chemo stop tumor cells from dividing.",
        "So they stop growing or die.",
    ]
    purpose = "Doctors give the drug early so that the tumor cells stop growing in the body."
    assert len(clause_pieces(purpose)) == 1


def test_a_linking_word_inside_a_clause_is_said_first_and_an_adding_opener_is_dropped():
    text = "The fetus, however, may have damage to the eyes."
    assert (
        piece_text(text, Piece(0, len(text))) == "However, the fetus may have damage to the eyes."
    )
    added = "In addition, DNA samples may be used to find new genes."
    assert piece_text(added, Piece(0, len(added))) == "DNA samples may be used to find new genes."
    plain = "The fetus may have damage to the eyes."
    assert piece_text(plain, Piece(0, len(plain))) == plain


def test_a_plural_marker_is_said_as_the_plural_not_dropped():
    text = "The gene(s) involved in these tumors are not known."
    assert (
        piece_text(text, Piece(0, len(text))) == "The genes involved in these tumors are not known."
    )


def test_sourced_plain_swaps_are_made_and_numbers_are_untouched():
    assert simplify("a regimen of chemotherapy") == "a plan of chemo"
    assert simplify("for an additional 5-year period") == "for another 5-year period"
    assert simplify("Stage 2 of the regimen, in order to check") == "Stage 2 of the plan, to check"
    assert simplify("the chemotherapeutic agent") == "the chemotherapeutic agent"  # not a swap


def test_a_plain_swap_is_not_explained_again_but_the_term_it_replaced_still_is():
    assert explain("Drugs used in chemo", set(), skip_plain=True) == "Drugs used in chemo"
    assert explain("Drugs used in chemotherapy", set(), skip_plain=True) != (
        "Drugs used in chemotherapy"
    )


PDQ = (
    "RATIONALE: Drugs used in chemotherapy use different ways to stop tumor cells from dividing "
    "so they stop growing or die. It is not yet known which regimen of combination chemotherapy "
    "is more effective for metastatic colorectal cancer and radiotherapy-associated "
    "myelosuppression.\n\n"
    "PURPOSE: Randomized phase III trial to compare two drug combinations."
)


def test_why_it_matters_is_said_in_short_sentences_each_backed_by_its_own_clause():
    trial = xml_trial(summary=PDQ)
    said = why_statements(trial)
    assert [st.text for st in said] == [
        "Drugs used in chemo use different ways to stop tumor cells from dividing.",
        "So they stop growing or die.",
    ]
    assert (section_grade(said) or 99) <= 8.0
    for st in said:
        assert check_statement(st, trial).verdict == "supported", st.text
        cited = st.citations[0]
        assert trial.source.text[cited.start : cited.end] in trial.source.text
    # The split never cites the whole sentence for a piece: each piece cites its own clause.
    assert said[0].citations[0].end <= said[1].citations[0].start


def test_a_reason_that_reads_above_the_target_even_split_is_left_out_whole():
    trial = xml_trial(summary=PDQ)
    texts = " ".join(st.text for st in why_statements(trial))
    assert "myelosuppression" not in texts and "not yet known" not in texts
    assert "So they stop growing or die." in texts


def test_a_split_keeps_each_negation_in_its_own_piece_and_the_checker_agrees():
    summary = (
        "BACKGROUND: Steroids are used after eye surgery, but it is not known if the new drug "
        "works as well."
    )
    trial = xml_trial(summary=summary)
    said = why_statements(trial)
    assert [st.text for st in said] == [
        "Steroids (strong anti-swelling medicines) are used after eye surgery.",  # explained
        "But it is not known if the new drug works as well.",
    ]
    for st in said:
        assert check_statement(st, trial).verdict == "supported", st.text
    flipped = Statement(
        text="It is known if the new drug works as well.", citations=said[1].citations
    )
    assert check_statement(flipped, trial).verdict != "supported"


def test_no_reason_in_the_record_means_no_why_section():
    trial = xml_trial(summary="This study gives Drug X to adults with asthma for 12 weeks.")
    assert why_statements(trial) == []
    assert why.reasons(xml_trial(summary=PDQ))  # the same builder finds reasons where there are


def test_a_sentence_that_leans_on_the_one_before_is_no_reason_by_itself():
    summary = (
        "RATIONALE: Giving chemotherapy before a transplant helps stop the growth of cancer "
        "cells. It also helps stop the immune system from rejecting the donor's cells."
    )
    texts = [st.text for group in why.reasons(xml_trial(summary=summary)) for st in group]
    assert not any(t.startswith("It also") for t in texts)
    assert any(t.startswith("Giving chemo before a transplant") for t in texts)


def test_the_lede_names_a_shorter_listed_illness_when_the_main_name_is_too_long_to_read():
    long_name = "Endometrial Endometrioid Adenocarcinoma, Variant With Squamous Differentiation"
    trial = xml_trial(condition=long_name, intervention="Cisplatin")
    extra = trial.conditions[0].model_copy(update={"value": "Recurrent Uterine Corpus Cancer"})
    trial = trial.model_copy(update={"conditions": [*trial.conditions, extra]})
    said = lede(trial)
    assert said is not None and "Recurrent Uterine Corpus Cancer" in said.text
    assert (section_grade([said]) or 99) <= 8.0
    short = xml_trial(condition="Asthma", intervention="Cisplatin")
    said_short = lede(short)
    assert said_short is not None and "Asthma" in said_short.text  # the main name, when it reads


def test_a_second_verb_that_shares_its_subject_gets_the_subject_back_as_a_pronoun():
    many = (
        "Colony-stimulating factors such as filgrastim may increase the number of immune cells "
        "and may help the immune system recover from chemotherapy."
    )
    assert _said(many) == [
        "Colony-stimulating factors such as filgrastim may increase the number of immune cells.",
        "They may help the immune system recover from chemo.",
    ]
    one = "Cadonilimab may help the immune system attack the cancer, and may slow tumor growth."
    assert _said(one)[1] == "It may slow tumor growth."
    verbs = "Sorafenib may stop the growth of tumor cells and blood flow to the tumor."
    assert _said(verbs) == [verbs]  # 'and' joins two things it stops, not two verbs


def test_a_while_of_time_is_never_turned_into_a_but():
    text = "While people are in the hospital, they will have blood tests every day."
    assert _said(text) == [text]


def test_a_contact_with_a_long_email_is_said_in_the_plainer_wording_and_stays_backed():
    from summarizer.engines.extractive.summary import how_statements

    trial = xml_trial(
        contact=("Edward F. McClay, MD", "760-452-3340", "emcclay@pacificoncology.com"),
    )
    said = [st for st in how_statements(trial) if st.fields == ["contacts"]]
    assert said and said[0].text.startswith("You can get in touch with Edward F. McClay, MD.")
    assert "You can send an email to emcclay@pacificoncology.com." in said[0].text
    assert check_statement(said[0], trial).verdict == "supported"
    plain = xml_trial(contact=("Ann Lee", "555-0100", "al@x.org"))
    first = [st for st in how_statements(plain) if st.fields == ["contacts"]]
    assert first and first[0].text.startswith("You can contact Ann Lee.")  # the first wording
