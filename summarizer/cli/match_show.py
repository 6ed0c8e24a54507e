"""How ``trialsum match`` prints a pre-screen, from plain JSON-shaped data (a ``MatchResult``'s
``model_dump(mode="json")`` in-process, the server's JSON when served), so both print the same.

Every document-derived string (titles, ids, criteria) and every word of the description goes
through ``summarizer.cli.output.plain``: shown literally, one line, no control sequences.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_HEADINGS = (
    ("met", "Met"),
    ("not_met", "Not met"),
    ("unknown", "Open (your description does not say)"),
)
_SHOWN_OPEN = 5  # open criteria listed per trial; the rest are counted
_QUOTE_CHARS = 220
_FIELDS = {"min_age": "Minimum age", "max_age": "Maximum age", "sex": "Sex"}


def _short(text: str, most: int = _QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1].rsplit(" ", 1)[0] + "…"


def _ref(v: dict[str, Any]) -> str:
    about = v.get("about", "criterion")
    if about != "criterion":
        return _FIELDS.get(about, about)
    return f"{v['kind'].capitalize()} {v['number']}"


def _tag(v: dict[str, Any]) -> str:
    """A verdict the language model proposed (and verification upheld) says so."""
    if v.get("source") != "model" or v["verdict"] == "unknown" or not v.get("checked"):
        return ""
    from summarizer.match.llm_verdicts import rules

    return f" ({rules().label})"


def match_lines(result: dict[str, Any]) -> list[str]:
    """The pre-screen as lines of plain text."""
    from summarizer.cli.output import plain

    lines = [plain(result["notice"]), ""]
    lines.extend(plain(m) for m in result.get("messages", []))
    trials = result.get("trials", [])
    if not trials:
        lines.append("No trials to show.")
    for i, m in enumerate(trials, 1):
        blocked = any(
            (v["kind"] == "inclusion" and v["verdict"] == "not_met")
            or (v["kind"] == "exclusion" and v["verdict"] == "met")
            for v in m["verdicts"]
        )
        head = f"{i}. {plain(m['title'])}"
        lines.append(head)
        facts = [plain(m["trial_id"]), plain(m.get("status") or "status not stated")]
        if m.get("url"):
            facts.append(plain(m["url"]))
        lines.append("   " + " · ".join(facts))
        if blocked:
            lines.append("   Something you said does not fit a criterion below: ask the team.")
        for verdict, heading in _HEADINGS:
            group = [v for v in m["verdicts"] if v["verdict"] == verdict]
            if not group:
                continue
            lines.append(f"   {heading}:")
            shown = group if verdict != "unknown" else group[:_SHOWN_OPEN]
            for v in shown:
                quote = plain(_short(v["criterion"]))
                lines.append(f"   - {_ref(v)}: “{quote}”{_tag(v)}")
                if verdict != "unknown" or (v.get("reason") and "does not say" not in v["reason"]):
                    lines.append(f"     {plain(v.get('reason', ''))}")
            if len(group) > len(shown):
                lines.append(f"   … and {len(group) - len(shown)} more open criteria")
        if m.get("open_questions"):
            lines.append("   Questions for the study team:")
            lines.extend(f"   ? {plain(q)}" for q in m["open_questions"])
        lines.append("")
    return lines


def match_text(result: dict[str, Any]) -> None:
    import sys

    sys.stdout.write("\n".join(match_lines(result)).rstrip("\n") + "\n")
