"""Shared check: every value of a parsed trial quotes its own words from ``source.text``."""

from __future__ import annotations

from summarizer.models import Trial


def span_problems(trial: Trial) -> list[str]:
    """Every span in bounds, non-empty, and quoting the value it carries (empty list = fine)."""
    text = trial.source.text
    problems: list[str] = []

    def quote(where: str, obj: object) -> list[str]:
        spans = getattr(obj, "spans", [])
        if not spans:
            problems.append(f"{where}: no span")
            return []
        out = []
        for s in spans:
            if not 0 <= s.start < s.end <= len(text):
                problems.append(f"{where}: span {s} out of bounds")
                continue
            q = text[s.start : s.end]
            if q != q.strip():
                problems.append(f"{where}: span {q!r} has untrimmed whitespace")
            out.append(q)
        return out

    def exact(where: str, obj: object, value: str | None) -> None:
        qs = quote(where, obj)
        if qs and value is not None and qs[0] != value:
            problems.append(f"{where}: span quotes {qs[0]!r}, value is {value!r}")

    def inside(where: str, obj: object, *values: str | None) -> None:
        joined = "\n".join(quote(where, obj))
        for v in values:
            if v and v not in joined:
                problems.append(f"{where}: {v!r} not within its span")

    for name in (
        "nct_id",
        "brief_title",
        "official_title",
        "acronym",
        "status",
        "study_type",
        "sex",
        "healthy_volunteers",
        "sponsor",
        "brief_summary",
        "detailed_description",
    ):
        f = getattr(trial, name)
        if f is not None:
            exact(name, f, f.raw or f.value)
    for name in ("phases", "design", "conditions", "keywords", "targets", "collaborators"):
        for i, f in enumerate(getattr(trial, name)):
            for s in f.spans:
                q = text[s.start : s.end]
                if q != (f.raw or f.value):
                    problems.append(
                        f"{name}[{i}]: span quotes {q!r}, value is {f.raw or f.value!r}"
                    )
            quote(f"{name}[{i}]", f)
    for name in ("min_age", "max_age"):
        a = getattr(trial, name)
        if a is not None:
            exact(name, a, a.raw)
    if trial.enrollment is not None:
        exact("enrollment", trial.enrollment, trial.enrollment.raw)
    for c in trial.criteria:
        exact(f"{c.kind}[{c.number}]", c, c.text)
    for i, o in enumerate(trial.outcomes):
        inside(f"outcomes[{i}]", o, o.measure, o.time_frame)
    for i, iv in enumerate(trial.interventions):
        inside(f"interventions[{i}]", iv, iv.name, iv.description)
    for i, d in enumerate(trial.dates):
        exact(f"dates[{i}]", d, d.raw)
    for i, loc in enumerate(trial.locations):
        inside(f"locations[{i}]", loc, loc.facility, loc.city, loc.region, loc.country)
        for j, c in enumerate(loc.contacts):
            inside(f"locations[{i}].contacts[{j}]", c, c.name, c.phone, c.email)
    for i, c in enumerate(trial.contacts):
        inside(f"contacts[{i}]", c, c.name, c.phone, c.email)
    return problems
