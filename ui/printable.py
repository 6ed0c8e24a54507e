"""A printable one-page summary of a trial: the lay summary with its check marks, a print
stylesheet (two columns, no source list, one A4 page for a typical trial) and questions to ask
the study team, drawn from the fit sections a person should confirm.

A module of its own so the Trial page and the tests build the same page.
"""

from __future__ import annotations

import html

from summarizer import render
from summarizer.finder import plain_status
from summarizer.models import LaySummary, Trial
from summarizer.normalize import phase_words

MAX_QUESTIONS = 8
QUESTION_FORMS = {
    "good_fit": "Do I meet this: {text}",
    "not_fit": "Does this rule me out: {text}",
}
PRINT_CSS = (
    "@page{size:A4;margin:12mm}.questions li{margin-bottom:.3rem}"
    ".facts{color:#4a5561}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.35}"
    "h1{font-size:14pt;margin:0 0 .3rem}h2{font-size:10.5pt;margin:.5rem 0 .2rem;"
    "break-after:avoid}ul{margin:.1rem 0 .3rem;padding-left:1.1rem}"
    ".columns{columns:2;column-gap:8mm}h2 + ul{break-before:avoid}"
    "ol.refs,h2.refs-title,.noprint{display:none}.questions{break-inside:avoid}}"
)


def questions(summary: LaySummary, limit: int = MAX_QUESTIONS) -> list[str]:
    """Questions for the study team, one per fit bullet the checker supports, good fit first."""
    out: list[str] = []
    for key, form in QUESTION_FORMS.items():
        section = summary.section(key)
        for statement in section.statements if section else []:
            if statement.check is None or statement.check.verdict != "supported":
                continue
            text = statement.text.rstrip(" .")
            out.append(form.format(text=text[:1].lower() + text[1:]) + "?")
    return out[:limit]


def facts_line(trial: Trial) -> str:
    """Phase, status and sponsor in plain words, for under the title."""
    parts = [
        phase_words(p.value for p in trial.phases),
        plain_status(trial.status.value if trial.status else None),
        trial.sponsor.value if trial.sponsor else None,
        trial.nct_id.value if trial.nct_id else None,
    ]
    return " · ".join(p for p in parts if p)


def printable_page(summary: LaySummary, trial: Trial) -> str:
    """The standalone HTML page to print or save as PDF from the browser."""
    page = render.summary_html(summary)
    head, _, rest = page.partition("<body>")
    body, _, tail = rest.partition("</body>")
    title_end = body.index("</p>") + len("</p>")  # the title and trial line come first
    asked = "".join(f"<li>{html.escape(q)}</li>" for q in questions(summary))
    ask = (
        '<h2>Questions to ask the study team</h2><ul class="questions">' + asked + "</ul>"
        if asked
        else ""
    )
    facts = f'<p class="facts">{html.escape(facts_line(trial))}</p>'
    body = (
        body[:title_end]
        + facts
        + '<div class="columns">'
        + body[title_end:].replace("<h2>Sources</h2>", '<h2 class="refs-title">Sources</h2>')
        + ask
        + "</div>"
        + '<p class="noprint">Use your browser\'s Print command to print this page.</p>'
    )
    head = head.replace("</style>", PRINT_CSS + "</style>")
    return f"{head}<body>{body}</body>{tail}"
