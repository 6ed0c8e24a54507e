"""A small CT.gov XML record built from keyword arguments, parsed as trialsum parses a file: the
summary tests' input when a seed does not have the case (a long illness name, a shared country)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from summarizer.loader import parse_document
from summarizer.models import Trial


def _site(facility: str, city: str, state: str, country: str) -> str:
    return (
        f"<location><facility><name>{escape(facility)}</name><address><city>{escape(city)}</city>"
        f"<state>{escape(state)}</state><country>{escape(country)}</country></address>"
        "</facility></location>"
    )


def xml_trial(
    *,
    summary: str = "This study tests whether Drug X helps adults with asthma breathe.",
    condition: str = "Asthma",
    study_type: str = "Interventional",
    phase: str | None = "Phase 2",
    status: str = "Recruiting",
    sponsor: str = "Acme Health",
    intervention: str | None = "Drug X",
    sites: list[tuple[str, str, str, str]] | None = None,
    contact: tuple[str, str, str] | None = None,
) -> Trial:
    """``sites``: (facility, city, state, country); ``contact``: (name, phone, email)."""
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?><clinical_study>",
        "<id_info><nct_id>NCT01234567</nct_id></id_info>",
        "<brief_title>A Study for Readers</brief_title>",
        f"<sponsors><lead_sponsor><agency>{escape(sponsor)}</agency></lead_sponsor></sponsors>",
        f"<brief_summary><textblock>{escape(summary)}</textblock></brief_summary>",
        f"<overall_status>{status}</overall_status>",
        f"<phase>{phase}</phase>" if phase else "",
        f"<study_type>{study_type}</study_type>",
        "<enrollment type='Actual'>112</enrollment>",
        f"<condition>{escape(condition)}</condition>",
        (
            "<intervention><intervention_type>Drug</intervention_type>"
            f"<intervention_name>{escape(intervention)}</intervention_name></intervention>"
            if intervention
            else ""
        ),
        "<eligibility><gender>All</gender><minimum_age>18 Years</minimum_age>"
        "<maximum_age>N/A</maximum_age></eligibility>",
    ]
    if contact:
        name, phone, email = contact
        parts.append(
            f"<overall_contact><last_name>{escape(name)}</last_name><phone>{phone}</phone>"
            f"<email>{email}</email></overall_contact>"
        )
    parts += [_site(*s) for s in sites or []]
    parts.append("</clinical_study>")
    outcome = parse_document("record.xml", "".join(parts).encode("utf-8"))
    assert outcome.error is None, outcome.error
    (trial,) = outcome.trials
    return trial
