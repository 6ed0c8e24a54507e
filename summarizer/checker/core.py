"""The checker: one generated sentence against its source, to a verdict with reasons and evidence.

Hard facts first (trial ids, numbers with units, antigens, drugs, phases, statuses must all be in
the evidence; a different value of the same kind there is a contradiction), then polarity against
the closest source sentence, then the support score for the rest (its thresholds come from
calibration.json, fitted by benchmarks/checker_calibrate.py on engine sentences and planted
errors, split by trial). Offline and deterministic. The
LLM-judge mode (claims checked by the configured LLM) is in ``judge.py`` and keeps these hard-fact
and polarity checks as its floor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from summarizer.checker import dates, entities, numbers, polarity
from summarizer.checker.evidence import Unit, as_citation, best_units, units
from summarizer.checker.support import calibration, score
from summarizer.checker.text import content_terms, restates, sentences, strip_additions
from summarizer.models import Check, Citation, Statement, Trial
from summarizer.models.answer import FactKind, Finding

Verdict = Literal["supported", "unsupported", "contradicted"]
_ORDER = {"supported": 0, "unsupported": 1, "contradicted": 2}


class _Findings(BaseModel):
    contradictions: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    verified: list[str] = Field(default_factory=list)
    flipped_limits: int = 0
    typed: list[Finding] = Field(default_factory=list)
    # Number findings by the claim's words they are about (start, end, reason).
    numbers: list[tuple[int, int, str]] = Field(default_factory=list)

    def contradict(self, kind: FactKind, reason: str) -> None:
        self.contradictions.append(reason)
        self.typed.append(Finding(kind=kind, verdict="contradicted", reason=reason))

    def miss(self, kind: FactKind, reason: str) -> None:
        self.missing.append(reason)
        self.typed.append(Finding(kind=kind, verdict="unsupported", reason=reason))

    def vouch(self, spans: Sequence[tuple[int, int]]) -> None:
        """Withdraw the number findings about words a criterion vouches for (an age one apart
        from the limit, the rest of a scale), keeping every other finding."""
        gone = {r for s, e, r in self.numbers if any(a < e and s < b for a, b in spans)}
        if not gone:
            return
        self.contradictions = [r for r in self.contradictions if r not in gone]
        self.missing = [r for r in self.missing if r not in gone]
        self.typed = [t for t in self.typed if t.kind != "number" or t.reason not in gone]
        self.numbers = [x for x in self.numbers if x[2] not in gone]


def _trial_ids(trial: Trial) -> set[str]:
    """Trial-level facts (ids, phases, status) hold whatever span a sentence cites. Ids are
    read once per trial (one regex pass); phases and statuses, whose whole-text scans cost
    seconds on a record with 100,000 sites, only when a claim names one."""
    ids = set(_text_facts(trial.source.text, entities.nct_ids))
    if trial.nct_id:
        ids.add(trial.nct_id.value.upper())
    if trial.trial_id.upper().startswith("NCT"):
        ids.add(trial.trial_id.upper())
    return ids


def _trial_phases(trial: Trial) -> set[str]:
    return {p.value for p in trial.phases} or set(_text_facts(trial.source.text, entities.phases))


def _trial_statuses(trial: Trial) -> set[str]:
    if trial.status:
        return {trial.status.value}
    return set(_text_facts(trial.source.text, entities.statuses))


@functools.lru_cache(maxsize=8)
def _text_facts(text: str, extract: Callable[[str], list[str]]) -> tuple[str, ...]:
    """``extract`` over a whole source text once, not once per sentence checked against it: a
    record with 100,000 sites is 7 MB of text and a summary checks ~50 sentences."""
    return tuple(extract(text))


def _hard_facts(
    claim: str,
    scope: str,
    trial: Trial,
    f: _Findings,
    near: Sequence[str] | None = None,
    cited_sites: int = 0,
) -> None:
    """Ids, numbers, targets, drugs, phases and statuses of ``claim`` against ``scope``.

    ``near``: for a claim without citations, the source sentences that share its content words,
    best first (None: numbers are read against the whole scope). A number is read against them
    before the whole record, and only there can its limit read the other way round or another
    value contradict it: a '30' in an unrelated sentence says nothing about 'Hct less than 30'."""
    ids = _trial_ids(trial)
    for nct in entities.nct_ids(claim):
        if nct in ids:
            f.verified.append(nct)
        else:
            f.contradict(
                "trial_id",
                f"trial id {nct} is not this trial's ({', '.join(sorted(ids)) or 'none'})",
            )

    _dates(claim, scope, f, near)
    pool = numbers.quantities(scope)
    near_pool = [q for text in near or () for q in numbers.quantities(text)]
    n_sites = len(trial.locations)
    for q in numbers.quantities(claim):
        if q.unit == "sites" and q.value in {n for n in (n_sites, cited_sites) if n}:
            # a count of the trial's listed locations, or of the locations the sentence cites
            # ('it runs at 2 sites in Toronto: A and B')
            f.verified.append(q.text)
            continue
        hit = numbers.find(q, pool if near is None else near_pool)
        if hit is not None:
            f.verified.append(q.text)
            if numbers.opposite(q, hit):
                f.flipped_limits += 1
            continue
        if near is not None and numbers.find(q, pool) is not None:
            f.verified.append(q.text)  # stated elsewhere, about something else: no limit to flip
            continue
        if _year_of_a_date(q, scope):
            f.verified.append(q.text)  # 'in 2021' for a source date '2021-05-27'
            continue
        other = numbers.rival(q, pool if near is None else near_pool)
        if other is not None:
            why = f"number '{q.text}' differs from the source's '{other.text}'"
            f.contradict("number", why)
        else:
            why = f"number '{q.text}' is not in the source"
            f.miss("number", why)
        f.numbers.append((q.start, q.end, why))

    scope_targets = set(entities.targets(scope))
    for t in entities.targets(claim):
        if t in scope_targets:
            f.verified.append(t)
        elif scope_targets:
            f.contradict(
                "target",
                f"target {t} is not in the source (it names {', '.join(sorted(scope_targets))})",
            )
        else:
            f.miss("target", f"target {t} is not in the source")

    for d in entities.drugs(claim):
        if entities.drug_present(d, scope):
            f.verified.append(d)
        else:
            f.miss("drug", f"drug '{d}' is not in the source")

    claim_phases = entities.phases(claim)
    trial_phases = _trial_phases(trial) if claim_phases else set()
    scope_phases = set(entities.phases(scope)) or trial_phases
    for p in claim_phases:
        if p in scope_phases or p in trial_phases:
            f.verified.append(p)
        elif scope_phases:
            f.contradict("phase", f"{p} but the trial is {', '.join(sorted(scope_phases))}")
        else:
            f.miss("phase", f"{p} is not in the source")

    claim_statuses = entities.statuses(claim)
    trial_statuses = _trial_statuses(trial) if claim_statuses else set()
    for s in claim_statuses:
        if s in trial_statuses or s in set(entities.statuses(scope)):
            f.verified.append(s)
        elif trial_statuses:
            f.contradict(
                "status", f"status {s} but the trial is {', '.join(sorted(trial_statuses))}"
            )
        else:
            f.miss("status", f"status {s} is not in the source")

    # 'it is taking anyone' on a withdrawn trial, 'it is not recruiting' on a recruiting one:
    # whether the sentence says the trial takes people now, against its status.
    open_now = entities.says_open(claim)
    if open_now is not None:
        held = _trial_statuses(trial)
        wrong = entities.CLOSED_STATUSES if open_now else entities.OPEN_STATUSES
        if held and held <= wrong:
            said = "takes people now" if open_now else "does not take people now"
            f.contradict("status", f"says the trial {said}, but it is {', '.join(sorted(held))}")


def _dates(claim: str, scope: str, f: _Findings, near: Sequence[str] | None) -> None:
    """Calendar dates of ``claim`` against ``scope``, compared as dates whatever their written
    form ('May 27, 2021' is '2021-05-27'; 'May 2021' holds on any day of it). A date the source
    does not give is contradicted by another date there (in the sentences an uncited claim
    restates, when it has them), else missing."""
    pool = dates.dates(scope)
    near_pool = [d for text in near or () for d in dates.dates(text)]
    for d in dates.dates(claim):
        if dates.find(d, pool) is not None:
            f.verified.append(d.text)
            continue
        other = next(iter(near_pool if near is not None else pool), None)
        if other is not None:
            f.contradict("number", f"date '{d.text}' differs from the source's '{other.text}'")
        else:
            f.miss("number", f"date '{d.text}' is not in the source")


def _year_of_a_date(q: numbers.Quantity, scope: str) -> bool:
    """A bare year ('in 2021') that is the year of a date in the source."""
    if q.unit is not None or q.direction is not None or not 1900 <= q.value <= 2099:
        return False
    return any(d.year == int(q.value) for d in dates.dates(scope))


def check_statement(statement: Statement, trial: Trial, *, role: polarity.Role = None) -> Check:
    """Supported, unsupported or contradicted, with the source sentences it was judged on."""
    cal = calibration()
    claim = _without_own_id(strip_additions(statement.text.strip()), trial)
    pool = units(trial, statement.citations)
    cited = any(c.trial_id == trial.trial_id for c in statement.citations)
    scope = " ".join(u.text for u in pool) if cited else trial.source.text
    f = _Findings()
    ranked = best_units(claim, pool, k=max(2, _NEAR_K))
    sites = {
        (c.start, c.end)
        for c in statement.citations
        if c.trial_id == trial.trial_id and c.section == "locations"
    }
    near = None if cited else _near_sentences(claim, ranked)
    _hard_facts(claim, scope, trial, f, near, cited_sites=len(sites))
    fit, on_criterion = _criteria_step(claim, trial, role, f, statement.citations)
    n_numbers = sum(1 for v in f.verified if any(c.isdigit() for c in v))

    best = ranked[:2]
    top: Unit | None = best[0][1] if best else None
    top_cov = best[0][0] if best else 0.0
    reasons: list[str] = []

    # Polarity against the closest sentence, when the match is close enough to mean the same thing.
    polar_unit = _polarity_unit(claim, best, cal.polarity_min_overlap, n_numbers)
    if (
        polar_unit is not None
        and role in ("good_fit", "not_fit")
        and polar_unit.kind is None
        and best[0][0] < FIT_OUTSIDE_MIN_OVERLAP
    ):
        # A fit bullet says who may join; a sentence outside the criteria that shares only a
        # few of its words ('the donated stem cells ...' for 'A brother or sister ... can donate
        # stem cells') is not what it paraphrases, so its negations say nothing about the bullet.
        polar_unit = None
    if polar_unit is not None and on_criterion is not None:
        # A bullet the criteria step aligned is read for polarity against that criterion only:
        # a closest sentence elsewhere (a title, another criterion) is not what it paraphrases.
        lo, hi = on_criterion
        if not (polar_unit.start < hi and lo < polar_unit.end):
            polar_unit = None
    permission = None
    if polar_unit is not None and polarity.permits(claim):
        # A claim that lets people in with something the source permits by name reads against
        # that permission, wherever in the criterion it stands (its rule may be the opposite).
        permission = polarity.permission_about(
            claim, scope if cited else " ".join(u.text for _, u in ranked)
        )
    if permission is not None:
        pc = polarity.compare(
            claim, permission, role=role, kind=None, flipped_limits=f.flipped_limits
        )
        if pc.conflict:
            f.contradict("polarity", f"polarity: {pc.reason} ({permission[:80]!r})")
    elif polar_unit is not None:
        # A short citation ('Accepts Healthy Volunteers: | No') is read whole: its answer cell
        # carries the polarity.
        short = cited and len(scope.split()) <= 40
        pc = polarity.compare(
            claim,
            _restated(claim, pool, polar_unit) if short else polar_unit.text,
            role=role,
            kind=polar_unit.kind,
            flipped_limits=f.flipped_limits,
            context=scope if cited else " ".join(u.text for _, u in ranked),
        )
        if pc.conflict:
            f.contradict("polarity", f"polarity: {pc.reason} ({polar_unit.text[:80]!r})")

    evidence_text = scope if cited else " ".join(u.text for _, u in best)
    value, parts = score(claim, evidence_text, best_sentence=top.text if top else None)
    has_terms = bool(content_terms(claim))
    # A sentence built from trial fields, or one whose only content is facts, stands on its facts.
    template = bool(f.verified) and (bool(statement.fields) or not has_terms)
    template = template or (on_criterion is not None and not f.contradictions and not f.missing)
    reasons.extend(f.contradictions)
    reasons.extend(f.missing)
    verdict: Verdict
    if f.contradictions:
        verdict = "contradicted"
    elif f.missing:
        verdict = "unsupported"
    elif value >= cal.support_threshold or template:
        verdict = "supported"
        if value < cal.support_threshold:
            reasons.append("stands on its facts: each was found in the source")
    else:
        verdict = "unsupported"
        reasons.append(
            f"support {value:.2f} below threshold {cal.support_threshold:.2f} ({_fmt(parts)})"
        )
    if verdict == "supported" and f.verified:
        reasons.append("found in source: " + ", ".join(dict.fromkeys(f.verified)))
    evid = [as_citation(trial, u) for _, u in best if _ in (top_cov,) or _ > 0]
    evid = [*fit, *(e for e in evid if e not in fit)]
    return Check(
        verdict=verdict,
        score=round(min(1.0, max(0.0, value)), 4),
        reasons=reasons,
        evidence=evid,
        findings=f.typed,
    )


_CRITERIA_STEP = {"on": True}
# The share of a fit bullet's content words a sentence outside the eligibility criteria must hold
# for its polarity to be read against the bullet.
FIT_OUTSIDE_MIN_OVERLAP = 0.5


def use_criteria_step(enabled: bool) -> None:
    """Switch the criteria step of fit bullets on (default) or off; off is the baseline that
    benchmarks/fit_check_eval.py measures beside it."""
    _CRITERIA_STEP["on"] = enabled


def _criteria_step(
    claim: str, trial: Trial, role: polarity.Role, f: _Findings, cites: Sequence[Citation]
) -> tuple[list[Citation], tuple[int, int] | None]:
    """Fit bullets only: typed facts against the criterion the bullet paraphrases
    (``criteria_check``). Returns the criterion quoted (to lead the evidence) and whether the
    bullet was aligned with confidence: then its side was read against that criterion and, with
    no finding, it stands on it: the aligned span when confident, else None."""
    if role not in ("good_fit", "not_fit") or not _CRITERIA_STEP["on"]:
        return [], None
    from summarizer.checker.criteria_check import check_bullet

    step = check_bullet(claim, trial, role, cites)
    f.vouch(step.vouched)
    for finding in step.findings:
        if finding.verdict == "contradicted":
            f.contradict(finding.kind, finding.reason)
        else:
            f.miss(finding.kind, finding.reason)
    if step.confident and not step.findings and step.evidence:
        f.verified.append("criterion: " + step.evidence[0].quote[:60])
    if not step.confident:
        return step.evidence, None
    if step.polarity_judged:  # side and negation read there: no sentence-wide reading on top
        return step.evidence, (0, 0)
    return step.evidence, step.span or (0, 0)


_NEAR_K = 3


def _near_sentences(claim: str, ranked: Sequence[tuple[float, Unit]]) -> list[str] | None:
    """The source sentences an uncited claim most likely restates: of the units ranked by
    ``best_units``, the first few sharing its content words (None when it has none to match)."""
    if not content_terms(claim):
        return None
    return [u.text for cov, u in ranked[:_NEAR_K] if cov > 0]


def _without_own_id(claim: str, trial: Trial) -> str:
    """The store's own id for a trial without an NCT number ('doc-11ec14eb1d91') names the
    trial; its digits are not quantities to find in the source."""
    if trial.trial_id.upper().startswith("NCT"):
        return claim
    return claim.replace(trial.trial_id, " ")


def _polarity_unit(
    claim: str, best: Sequence[tuple[float, Unit]], min_overlap: float, n_numbers: int
) -> Unit | None:
    """The closest source sentence when it is close enough (words and found numbers both count)
    for its polarity to be the claim's."""
    if not best:
        return None
    cov, unit = best[0]
    n_terms = len(set(content_terms(claim)))
    if (n_terms == 0 and n_numbers) or (cov >= min_overlap and cov * n_terms + n_numbers >= 2):
        return unit
    return None


def _restated(claim: str, pool: Sequence[Unit], closest: Unit) -> str:
    """A short citation read whole for its polarity, without the sentences the claim does not
    restate: a posted result quoted with its group and value is not read against the population
    note cited beside it ('Population: Four participants did not experience skeletal events.').
    The closest sentence and the short answer cells ('No') are always read."""
    return " ".join(u.text for u in pool if u is closest or restates(claim, u.text))


def _fmt(parts: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in parts.items())


def check_text(
    text: str,
    trial: Trial,
    *,
    citations: Sequence[Citation] | None = None,
    role: polarity.Role = None,
) -> Check:
    """Every sentence of ``text`` checked; the verdict is the worst one, the score the lowest."""
    checks = [
        check_statement(Statement(text=s, citations=list(citations or [])), trial, role=role)
        for s, _, _ in sentences(text)
    ]
    if not checks:
        return Check(verdict="unsupported", score=0.0, reasons=["no text to check"])
    worst = max(checks, key=lambda c: _ORDER[c.verdict])
    reasons = [r for c in checks for r in c.reasons if c.verdict != "supported"]
    evidence: list[Citation] = []
    for c in checks:
        evidence.extend(e for e in c.evidence if e not in evidence)
    return Check(
        verdict=worst.verdict,
        score=min(c.score for c in checks),
        reasons=reasons or worst.reasons,
        evidence=evidence,
        findings=[x for c in checks for x in c.findings],
    )
