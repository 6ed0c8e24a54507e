"""The five seed pages, five layouts, read by one general text parser."""

from __future__ import annotations

import pytest

from summarizer.models import Trial, content_trial_id
from summarizer.parsers import detect
from summarizer.parsers.text_page import PARSER

from .spans import span_problems


@pytest.fixture(scope="module")
def trials(seed_texts: dict[str, str]) -> dict[str, Trial]:
    return {key: PARSER.parse(f"{key}.txt", text)[0] for key, text in seed_texts.items()}


def values(facts: list) -> list[str]:
    return [f.value for f in facts]


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_every_value_quotes_its_own_words(trials: dict[str, Trial], key: str) -> None:
    assert span_problems(trials[key]) == []


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_is_detected_as_text_page_and_keeps_its_text(
    trials: dict[str, Trial], seed_texts: dict[str, str], key: str
) -> None:
    assert detect(f"{key}.txt", seed_texts[key]).name == "text_page"
    assert trials[key].source.text == seed_texts[key].replace("\r\n", "\n")
    assert trials[key].source.format == "text_page"


class TestEditorialLayPage000:
    def test_identity_and_design(self, trials: dict[str, Trial]) -> None:
        t = trials["000"]
        assert t.nct_id is not None and t.nct_id.value == "NCT06503094"
        assert t.trial_id == "NCT06503094"
        assert values(t.phases) == ["PHASE1", "PHASE2"]
        assert t.study_type is not None and t.study_type.value == "INTERVENTIONAL"
        assert {"open label", "single arm"} <= set(values(t.design))

    def test_people(self, trials: dict[str, Trial]) -> None:
        t = trials["000"]
        assert t.min_age is not None and t.min_age.years == 14
        assert t.max_age is not None and t.max_age.years == 75
        assert t.enrollment is not None
        assert (t.enrollment.count, t.enrollment.kind) == (80, "estimated")
        assert t.sex is not None and t.sex.value == "ALL"

    def test_sponsor_location_targets(self, trials: dict[str, Trial]) -> None:
        t = trials["000"]
        assert t.sponsor is not None and t.sponsor.value.startswith("Union Hospital")
        assert "(other)" not in t.sponsor.value
        assert [(loc.city, loc.region) for loc in t.locations] == [("Wuhan", "Hubei")]
        assert {"CD19", "CD20"} <= set(values(t.targets))

    def test_criteria_keep_sub_items_with_their_parent(self, trials: dict[str, Trial]) -> None:
        t = trials["000"]
        assert len(t.inclusion_criteria) == 7
        assert len(t.exclusion_criteria) == 12
        second = t.inclusion_criteria[1].text
        assert second.startswith("CD 19 + / CD 20 +")
        assert "Refractory / relapsed B lymphocytic leukemia" in second
        assert second.endswith("an anthracycline drug agent.")  # the flush-left 'i .' items
        assert "3 categories" in t.inclusion_criteria[2].text
        assert "(DLBCL, BL, and MCL)" in t.inclusion_criteria[2].text
        assert t.exclusion_criteria[-1].text.startswith("situations where the investigator")


class TestFieldExport001:
    def test_no_nct_id_gives_a_stable_content_id(
        self, trials: dict[str, Trial], seed_texts: dict[str, str]
    ) -> None:
        t = trials["001"]
        assert t.nct_id is None
        assert t.trial_id == content_trial_id(seed_texts["001"])
        again = PARSER.parse("elsewhere/renamed.txt", seed_texts["001"])[0]
        assert again.trial_id == t.trial_id
        assert any("NCT" in w for w in t.warnings)

    def test_titles_conditions_interventions(self, trials: dict[str, Trial]) -> None:
        t = trials["001"]
        assert "CD20/CD22" in t.title
        assert t.official_title is not None
        assert values(t.conditions) == [
            "Relapsed and Refractory",
            "Lymphoid Hematological Malignancies",
        ]
        assert [(i.type, i.name) for i in t.interventions] == [
            ("DRUG", "CD20/CD22 dual Targeted CAR T-cells")
        ]
        assert set(values(t.targets)) == {"CD20", "CD22"}

    def test_outcomes(self, trials: dict[str, Trial]) -> None:
        t = trials["001"]
        primary = [o for o in t.outcomes if o.kind == "primary"]
        assert [o.measure for o in primary] == [
            "Dose-limiting toxicity (DLT)",
            "Incidence of treatment-emergent adverse events (TEAEs)",
        ]
        assert primary[0].time_frame is not None and primary[0].time_frame.startswith("Baseline")
        assert primary[1].time_frame is not None and primary[1].time_frame.startswith("Up to 2")
        secondary = [o for o in t.outcomes if o.kind == "secondary"]
        assert len(secondary) == 6
        assert all(o.time_frame for o in secondary)

    def test_design_and_description(self, trials: dict[str, Trial]) -> None:
        t = trials["001"]
        assert {"single center", "single arm", "open label"} <= set(values(t.design))
        assert t.brief_summary is not None
        assert t.brief_summary.value.startswith("Relapsed/refractory hematological")
        assert not t.outcomes or all("Relapsed/refractory" not in o.measure for o in t.outcomes)


class TestMedPath002:
    def test_status_phase_sponsor(self, trials: dict[str, Trial]) -> None:
        t = trials["002"]
        assert t.nct_id is not None and t.nct_id.value == "NCT04094766"
        assert t.status is not None and t.status.value == "WITHDRAWN"
        assert values(t.phases) == ["PHASE1"]
        assert t.sponsor is not None
        assert t.sponsor.value == "Second Affiliated Hospital of Xi'an Jiaotong University"
        assert t.enrollment is None  # 'Not specified'

    def test_criteria_and_doses(self, trials: dict[str, Trial]) -> None:
        t = trials["002"]
        assert len(t.inclusion_criteria) == 10
        assert len(t.exclusion_criteria) == 10
        arm_text = " ".join((i.description or "") + i.name for i in t.interventions)
        for dose in ("0.5×10\\^6", "1.5×10\\^6", "2.0×10\\^6"):
            assert dose in arm_text

    def test_location_and_outcomes(self, trials: dict[str, Trial]) -> None:
        t = trials["002"]
        [loc] = t.locations
        assert loc.facility == "Second Affiliated Hospital of Xi'an Jiaotong University"
        assert (loc.city, loc.region, loc.country) == ("Xi'an", "Shaanxi", "China")
        primary = [o for o in t.outcomes if o.kind == "primary"]
        assert primary and primary[0].time_frame == "Day 1-100 days after injection"


class TestClassicRecord003:
    def test_identity_status_phases(self, trials: dict[str, Trial]) -> None:
        t = trials["003"]
        assert t.nct_id is not None and t.nct_id.value == "NCT04430530"
        assert t.status is not None and t.status.value == "RECRUITING"
        assert t.trial_id == "NCT04430530"
        assert values(t.phases) == ["PHASE1", "PHASE2"]
        assert t.official_title is not None
        assert t.official_title.value.startswith("4SCAR-T Therapy After Anti-CD19")

    def test_people(self, trials: dict[str, Trial]) -> None:
        t = trials["003"]
        assert t.min_age is not None and t.min_age.raw == "6 Months" and t.min_age.years == 0.5
        assert t.max_age is not None and t.max_age.years == 75
        assert t.enrollment is not None
        assert (t.enrollment.count, t.enrollment.kind) == (100, "estimated")
        assert t.healthy_volunteers is not None and t.healthy_volunteers.value == "no"
        assert len(t.inclusion_criteria) == 6
        assert len(t.exclusion_criteria) == 7

    def test_sites_with_status_and_contacts(self, trials: dict[str, Trial]) -> None:
        t = trials["003"]
        assert [loc.facility for loc in t.locations] == [
            "Shenzhen Children's Hospital",
            "The Seventh Affilliated Hospital, Sun Yat-Sen University",
            "Shijiazhuang Zhongxi Children Hospital",
        ]
        assert all(loc.status == "RECRUITING" for loc in t.locations)
        assert [len(loc.contacts) for loc in t.locations] == [2, 1, 1]
        assert t.locations[0].contacts[0].email == "tiger647@126.com"
        assert t.locations[2].city == "Shijiazhuang"
        assert [c.name for c in t.contacts] == ["Lung-Ji Chang, phD"]

    def test_targets_and_dates(self, trials: dict[str, Trial]) -> None:
        t = trials["003"]
        assert {"CD22", "CD123", "CD38", "CD10", "CD20"} <= set(values(t.targets))
        start = next(d for d in t.dates if d.kind == "start")
        assert start.raw == "June 1, 2020" and start.estimated is True
        assert start.value is not None and start.value.isoformat() == "2020-06-01"
        assert {d.kind for d in t.dates} >= {"primary_completion", "completion", "first_posted"}


class TestClinConnect004:
    def test_identity_status_sponsor(self, trials: dict[str, Trial]) -> None:
        t = trials["004"]
        assert t.nct_id is not None and t.nct_id.value == "NCT06941129"
        assert t.status is not None and t.status.value == "RECRUITING"
        assert t.sponsor is not None
        assert t.sponsor.value.lower() == "institute of hematology & blood diseases hospital, china"
        assert [(loc.city, loc.country) for loc in t.locations] == [("Tianjin", "China")]
        assert set(values(t.targets)) >= {"CD19", "BCMA"}

    def test_age_from_the_age_criterion(self, trials: dict[str, Trial]) -> None:
        t = trials["004"]
        assert t.min_age is not None and t.min_age.years == 18
        assert t.max_age is None

    def test_conditions_from_disease_groups(self, trials: dict[str, Trial]) -> None:
        # 004 has no conditions field: the disease-specific criteria groups name them.
        conditions = [c.lower() for c in values(trials["004"].conditions)]
        assert conditions == [
            "sle",
            "systemic sclerosis",
            "inflammatory myopathy",
            "anca-associated vasculitis",
        ]

    def test_grouped_inclusion_criteria(self, trials: dict[str, Trial]) -> None:
        t = trials["004"]
        groups = [c.group for c in t.inclusion_criteria]
        assert groups[:6] == ["Common Inclusion Criteria"] * 6
        assert groups.count("Refractory/Relapsed SLE") == 4
        assert groups.count("Refractory/Relapsed/Progressive Systemic Sclerosis") == 5
        assert groups.count("Refractory/Relapsed ANCA-Associated Vasculitis") == 4
        assert [c.number for c in t.inclusion_criteria] == list(range(1, 24))
        assert not any(c.text.startswith("Note:") for c in t.inclusion_criteria)
        assert len(t.exclusion_criteria) == 13
        assert t.exclusion_criteria[-1].text.startswith("Subjects whom the investigator")
