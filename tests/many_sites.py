"""A CT.gov XML record with as many sites as a test needs (the scale tests' input)."""

from __future__ import annotations

from summarizer.loader import parse_document
from summarizer.models import Trial

_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT01234567</nct_id></id_info>
  <brief_title>A Study of Drug X in Adults With Asthma</brief_title>
  <overall_status>Recruiting</overall_status>
  <study_type>Interventional</study_type>
  <brief_summary><textblock>This study tests whether Drug X reduces asthma attacks.</textblock>
  </brief_summary>
  <condition>Asthma</condition>
  {sites}
</clinical_study>
"""


def site(i: int) -> str:
    return (
        f"<location><facility><name>Site {i} Hospital</name><address><city>City {i % 977}</city>"
        f"<state>State {i % 50}</state><zip>{10000 + i}</zip><country>Country {i % 30}</country>"
        "</address></facility><status>Recruiting</status></location>"
    )


def record_with_sites(count: int) -> bytes:
    return _RECORD.format(sites="".join(site(i) for i in range(count))).encode("utf-8")


def trial_with_sites(count: int) -> Trial:
    outcome = parse_document("many_sites.xml", record_with_sites(count))
    assert outcome.error is None, outcome.error
    (trial,) = outcome.trials
    return trial
