"""The unseen eval's cases: raw fields read without trialsum's parsers, trials picked and split by
hash before any answer is seen, phrasings varied by template and typo, and a committed case file
whose halves never share a trial and which leaves out trials the hand-written evals use."""

from __future__ import annotations

import json

from evals.unseen import generate, records
from evals.unseen.cases import CASES, MANIFEST, load_cases, vocab
from evals.unseen.records import RawRecord

XML = """<clinical_study>
  <id_info><nct_id>NCT01234567</nct_id></id_info>
  <brief_summary><textblock>Participants receive a travel stipend.</textblock></brief_summary>
  <overall_status>Active, not recruiting</overall_status>
  <phase>Phase 1/Phase 2</phase>
  <study_type>Interventional</study_type>
  <primary_outcome><measure>Overall survival</measure><time_frame>Up to 2 years</time_frame>
  </primary_outcome>
  <enrollment type="Anticipated">1200</enrollment>
  <arm_group><arm_group_label>Drug X</arm_group_label><arm_group_type>Experimental</arm_group_type>
  </arm_group>
  <arm_group><arm_group_label>Placebo</arm_group_label></arm_group>
  <intervention><intervention_type>Drug</intervention_type>
    <intervention_name>Azithromycin</intervention_name><description>500 mg daily</description>
  </intervention>
  <eligibility><criteria><textblock>Adults</textblock></criteria><gender>Female</gender>
    <minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age></eligibility>
  <location><facility><address><city>Zürich</city><country>Switzerland</country></address>
  </facility></location>
</clinical_study>"""


def test_xml_fields_are_read_raw_into_the_shared_record() -> None:
    r = records.from_xml(XML)
    assert (r.nct, r.status, r.phases, r.study_type) == (
        "NCT01234567", "ACTIVE_NOT_RECRUITING", ["1", "2"], "INTERVENTIONAL",
    )  # fmt: skip
    assert r.enrollment == 1200 and r.sex == "FEMALE"
    assert r.min_age is not None and r.min_age.number == 18 and r.min_age.unit == "year"
    assert r.max_age is None  # 'N/A' is no bound, not a zero
    assert r.cities == ["Zürich"] and [a.label for a in r.arms] == ["Drug X", "Placebo"]
    assert r.why_stopped is None


def test_v2_fields_are_read_into_the_same_record() -> None:
    rec = {"protocolSection": {
        "identificationModule": {"nctId": "NCT07654321"},
        "statusModule": {"overallStatus": "TERMINATED", "whyStopped": "Slow accrual"},
        "designModule": {"phases": ["PHASE2", "PHASE3"], "studyType": "INTERVENTIONAL",
                         "enrollmentInfo": {"count": 40}},
        "eligibilityModule": {"sex": "ALL", "minimumAge": "6 Months"},
    }}  # fmt: skip
    r = records.from_v2(rec)
    assert (r.status, r.why_stopped, r.phases, r.enrollment) == (
        "TERMINATED", "Slow accrual", ["2", "3"], 40,
    )  # fmt: skip
    assert r.min_age is not None and (r.min_age.number, r.min_age.unit) == (6, "month")
    assert r.cities == []


def test_cases_hold_the_records_facts_and_abstain_where_it_is_silent() -> None:
    r = records.from_xml(XML)
    cases = {c.kind: c for c in generate.cases_for(r, "report", in_slice=False)}
    assert cases["enrollment"].facts[0].forms == ["1200"]
    assert "phase 1 2" in cases["phase"].facts[0].forms
    assert "only for women" in cases["sex"].facts[0].forms
    assert cases["doses"].facts[0].forms == ["500 mg"]
    assert cases["placebo"].answerable
    assert [f.forms[0] for f in cases["age"].facts] == ["18"]
    assert not cases["why_stopped"].answerable  # no reason on record: a right answer abstains
    assert "cost" not in cases  # the record mentions a stipend, so 'paid?' is not unanswerable
    assert "sites" in cases and cases["sites"].answerable


def test_a_record_without_sites_asks_where_and_expects_an_abstention() -> None:
    r = RawRecord(nct="NCT00000002", source="xml", status="COMPLETED")
    kinds = {c.kind: c.answerable for c in generate.cases_for(r, "tune", in_slice=False)}
    assert kinds["sites"] is False and kinds["cost"] is False
    assert kinds["status"] is True
    assert "enrollment" not in kinds  # neither answerable nor known to be missing: not asked


def test_a_typo_changes_one_word_by_one_letter() -> None:
    q = "What treatment does this trial test?"
    for key in range(40):
        t = generate.typo(q, key)
        changed = [(a, b) for a, b in zip(q.split(), t.split(), strict=True) if a != b]
        assert len(changed) == 1
        a, b = changed[0]
        dropped = {a[:j] + a[j + 1 :] for j in range(len(a))}
        swapped = {a[:j] + a[j + 1] + a[j] + a[j + 2 :] for j in range(len(a) - 1)}
        assert b in dropped | swapped and b != a


def test_picking_is_round_robin_across_strata_in_hash_order() -> None:
    recs = [RawRecord(nct=f"NCT{n:08d}", source="xml", status="COMPLETED") for n in range(20)]
    recs += [RawRecord(nct=f"NCT{n:08d}", source="xml", status="TERMINATED") for n in range(20, 23)]
    got = generate.pick(recs, 6)
    assert sum(r.status == "TERMINATED" for r in got) == 3  # the rare stratum is not crowded out
    assert generate.pick(list(reversed(recs)), 6) == got  # order of the input does not matter


def test_the_committed_cases_split_by_trial_and_skip_hand_written_eval_trials() -> None:
    cases = load_cases(CASES)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    tune, report = set(manifest["halves"]["tune"]), set(manifest["halves"]["report"])
    assert len(tune | report) >= 200 and not tune & report
    for c in cases:
        assert c.half == generate.half_of(c.trial)
        assert c.trial in (tune if c.half == "tune" else report)
        assert c.kind in vocab()["kinds"]
        assert c.answerable == bool(c.facts)
    assert set(manifest["slice"]) <= report and {c.trial for c in cases if c.slice} == set(
        manifest["slice"]
    )
    assert not {c.trial for c in cases} & generate.used_elsewhere()
    assert any(c.typo for c in cases) and any(not c.answerable for c in cases)
