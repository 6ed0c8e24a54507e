"""Building blocks the pages share: citations with the quoted span highlighted in its section,
verdict and reading-grade badges, a trial picker and an error guard.

Every piece of document text is HTML-escaped here before it reaches ``unsafe_allow_html``, and
markdown-escaped before plain ``st.markdown``: a document containing ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from summarizer.models import Answer, Chunk, Citation, FitDraft, LaySummary, Statement, Trial
from ui import state

CSS_PATH = Path(__file__).with_name("style.css")
WINDOW = 700  # characters of section text shown either side of a quote
GRADE_TARGET = 8.0

VERDICT_LABELS = {
    "supported": "Supported",
    "unsupported": "Not found in the source",
    "contradicted": "Contradicted by the source",
    "guidance": "General guidance",
    None: "Not checked",
}

FLAG_LABELS = {"unsupported": "⚑ not found in source", "contradicted": "✗ contradicts source"}
LINE_CSS = {
    "supported": "ts-supported-line",
    "unsupported": "ts-flagged-line",
    "contradicted": "ts-flagged-line",
    "guidance": "ts-guidance-line",
}
EDITOR_VIEW = "editor_view"  # session key of the sidebar's "Editor view" toggle
QUOTE_LEAD = 240  # characters shown before a quote, so it is in view when its source opens

_LINKS = re.compile(
    r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:)])"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    # A phone number is grouped the way people write one (two separators at least), and stands
    # alone: digits inside an id (NCT09000003), a date or a range (2019-2023) are never linked.
    r"|(?P<phone>(?<![\w/+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])"
    r"\d{3,4}[\s.-]?\d{3,8}(?![\w/]))"
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~$])")


# When a source opens, bring its highlighted quote into view: inside the source box, which
# scrolls on its own, and on the page (on a phone the quote can open below the screen's edge).
# Added once per browser page; it listens for any expander opening, so reruns add nothing.
QUOTE_SCROLL_JS = """
(() => {
  if (window.__tsQuoteScroll) return;
  window.__tsQuoteScroll = true;
  const reveal = (details) => {
    const mark = details.querySelector('.ts-source mark');
    if (!mark) return false;
    const r = mark.getBoundingClientRect();
    const box = mark.closest('.ts-source').getBoundingClientRect();
    const inBox = r.top >= box.top && r.bottom <= box.bottom + 1;
    const inView = r.top >= 0 && r.bottom <= window.innerHeight;
    if (!inBox || !inView) {
      const tall = r.height > window.innerHeight * 0.6;
      mark.scrollIntoView({block: tall ? 'start' : 'center', inline: 'nearest'});
    }
    return true;
  };
  document.addEventListener('toggle', (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    let tries = 0;
    const tick = () => { if (!reveal(details) && ++tries < 40) setTimeout(tick, 50); };
    setTimeout(tick, 60);  // after the expander has laid out its content
  }, true);
})();
"""


def inject_css() -> None:
    """The app's stylesheet, and the script that scrolls an opened source's quote into view."""
    st.html(
        f"<style>{CSS_PATH.read_text(encoding='utf-8')}</style><script>{QUOTE_SCROLL_JS}</script>",
        unsafe_allow_javascript=True,
    )


def md_escape(text: str) -> str:
    """Text shown through plain markdown, with markdown syntax neutralized."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def raw_html(fragment: str) -> None:
    """Render an HTML fragment built only from escaped text.

    Newlines become ``<br>`` so the fragment stays one HTML block: markdown never reinterprets it.
    """
    st.markdown(fragment.replace("\r", "").replace("\n", "<br>"), unsafe_allow_html=True)


@contextmanager
def guard(doing: str) -> Iterator[None]:
    """Show a friendly one-line error instead of a stack trace; the details go to the log."""
    try:
        yield
    except Exception as exc:
        st.error(state.report_error(exc, doing), icon=":material/error:")


def editor_view() -> bool:
    """Whether this session shows editors' details (engines, store paths, reading grades)."""
    return bool(st.session_state.get(EDITOR_VIEW, False))


def linkify(text: str) -> str:
    """``text`` HTML-escaped, with web addresses, email addresses and phone numbers as links.

    Only ``http(s)``, ``mailto:`` and ``tel:`` links are made, from the matched characters alone,
    so a document cannot smuggle in a ``javascript:`` link.
    """
    out: list[str] = []
    last = 0
    for match in _LINKS.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        value = match.group(0)
        if match.group("url"):
            href = value
        elif match.group("email"):
            href = f"mailto:{value}"
        else:
            digits = re.sub(r"[^\d+]", "", value)
            if len(digits.lstrip("+")) < 7:
                out.append(html.escape(value))
                last = match.end()
                continue
            href = f"tel:{digits}"
        out.append(
            f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(value)}</a>"
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def engine_label(name: str, model: str | None = None) -> str:
    """The engine in plain words: people care whether it is offline or an LLM, not class names."""
    if name == "extractive":
        return "offline (extractive)"
    if name == "llm":
        return f"LLM ({model})" if model else "LLM"
    return name


# --- badges -------------------------------------------------------------------------------------


def verdict_badge(verdict: str | None) -> str:
    css = verdict or "unchecked"
    return f'<span class="ts-badge ts-{css}">{html.escape(VERDICT_LABELS.get(verdict, css))}</span>'


def grade_badge(grade: float | None) -> str:
    if grade is None:
        return ""
    css = "ts-grade-ok" if grade <= GRADE_TARGET else "ts-grade-high"
    return f'<span class="ts-badge {css}">Reading grade {grade:.1f}</span>'


# --- trials -------------------------------------------------------------------------------------


def trial_titles() -> dict[str, str]:
    """Every stored trial id with its title, memoized for the session (cleared on changes)."""

    def build() -> dict[str, str]:
        store = state.runtime().store
        titles: dict[str, str] = {}
        for trial_id in sorted(store.trial_ids()):
            trial = store.get_trial(trial_id)
            titles[trial_id] = trial.title if trial else trial_id
        return titles

    return state.memo("titles", build)


def get_trial(trial_id: str) -> Trial | None:
    return state.memo(f"trial:{trial_id}", lambda: state.runtime().store.get_trial(trial_id))


def get_chunks(trial_id: str) -> list[Chunk]:
    return state.memo(f"chunks:{trial_id}", lambda: state.runtime().store.chunks(trial_id))


def trial_label(trial_id: str, titles: dict[str, str]) -> str:
    title = titles.get(trial_id, trial_id)
    short = title if len(title) <= 70 else title[:67] + "…"
    return short if title == trial_id else f"{short} ({trial_id})"


def no_trials_note() -> None:
    st.info(
        "There are no trials in the library yet. Open **Library** in the menu to add some.",
        icon=":material/library_add:",
    )


def pick_trial(key: str, *, allow_all: bool = False) -> str | None:
    """A select box of stored trials; ``None`` means "all trials" (only when ``allow_all``)."""
    titles = trial_titles()
    options: list[str | None] = [None, *titles] if allow_all else list(titles)
    return st.selectbox(
        "Trial",
        options,
        key=key,
        format_func=lambda tid: "All trials" if tid is None else trial_label(tid, titles),
    )


# --- citations ----------------------------------------------------------------------------------


def section_bounds(citation: Citation, chunks: Sequence[Chunk], text: str = "") -> tuple[int, int]:
    """The character range of the section holding the quote, to show the quote in its context.

    That is the run of same-section chunks around the quote. Engines may name the section by
    meaning ("eligibility") while the quote sits in a block the parser named otherwise ("quick
    facts"): then the chunks covering the quote decide, and failing those, its paragraph.
    """
    start, end = citation.start, citation.end

    def overlaps(chunk: Chunk) -> bool:
        return chunk.start < end and chunk.end > start

    sections = {citation.section}
    if not any(c.section == citation.section and overlaps(c) for c in chunks):
        sections = {c.section for c in chunks if overlaps(c)}
    same = sorted((c for c in chunks if c.section in sections), key=lambda c: (c.start, c.end))
    for chunk in same:
        if overlaps(chunk):
            start, end = min(start, chunk.start), max(end, chunk.end)
    # Extend over neighbouring chunks of the same section that touch the run.
    changed = True
    while changed:
        changed = False
        for chunk in same:
            touches = chunk.start <= end + 2 and chunk.end >= start - 2
            if touches and (chunk.start < start or chunk.end > end):
                start, end = min(start, chunk.start), max(end, chunk.end)
                changed = True
    if (start, end) == (citation.start, citation.end) and text:
        return _paragraph(text, start, end)
    return start, end


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The blank-line-separated paragraph(s) around ``text[start:end]``."""
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (before + 2 if before != -1 else 0), (after if after != -1 else len(text))


def highlighted_source(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """Escaped HTML of ``text[lo:hi]`` with ``text[start:end]`` wrapped in ``<mark>``."""
    lo, hi = max(0, min(lo, start)), min(len(text), max(hi, end))
    section_lo, section_hi = lo, hi
    if start - lo > QUOTE_LEAD:  # little before the quote: it must be in view when it opens
        cut = text.find("\n", start - QUOTE_LEAD, start)
        if cut == -1:
            cut = text.find(" ", start - QUOTE_LEAD, start)
        lo = cut + 1 if cut != -1 else start - QUOTE_LEAD
    if hi - end > WINDOW:
        cut = text.find("\n", end + WINDOW, hi)
        hi = cut if cut != -1 else end + WINDOW
    before = ("… " if lo > section_lo else "") + html.escape(text[lo:start])
    after = html.escape(text[end:hi]) + (" …" if hi < section_hi else "")
    return f"{before}<mark>{html.escape(text[start:end])}</mark>{after}"


def section_name(section: str) -> str:
    return section.replace("_", " ").capitalize()


def citation_expander(citation: Citation, number: int) -> None:
    """One source in an expander: the quoted words highlighted inside their source section."""
    quote = citation.quote if len(citation.quote) <= 60 else citation.quote[:57] + "…"
    label = f"Source {number}: {section_name(citation.section)} · “{quote}”"
    with st.expander(label.replace("\n", " ")):
        trial = get_trial(citation.trial_id)
        text = trial.source.text if trial else ""
        if trial and text[citation.start : citation.end] == citation.quote:
            lo, hi = section_bounds(citation, get_chunks(citation.trial_id), text)
            body = highlighted_source(text, citation.start, citation.end, lo, hi)
            where = Path(trial.source.path).name
        else:
            body = f"<mark>{html.escape(citation.quote)}</mark>"
            where = "source text unavailable"
        raw_html(f'<div class="ts-source">{body}</div>')
        title = trial.title if trial else citation.trial_id
        meta = f"{title} · {citation.trial_id}"
        if editor_view():
            meta += f" · {where} · characters {citation.start}–{citation.end}"
        raw_html(f'<div class="ts-meta">{html.escape(meta)}</div>')


def citations_block(citations: Sequence[Citation]) -> None:
    seen: set[tuple[str, int, int]] = set()
    number = 0
    for citation in citations:
        key = (citation.trial_id, citation.start, citation.end)
        if key in seen:
            continue
        seen.add(key)
        number += 1
        citation_expander(citation, number)


def answer_notes(answer: Answer) -> None:
    """The plain-words notes around an answer, each said once: the answer's own words already
    say when the documents don't say, so the note only points to who can answer."""
    if answer.declined:
        st.info(
            "This tool can explain what the trial documents say, but it cannot give medical "
            "advice. Please talk to your doctor or the study team.",
            icon=":material/medical_services:",
        )
    elif answer.abstained:
        st.info(
            "The study contacts or the ClinicalTrials.gov record are the best place to ask.",
            icon=":material/help:",
        )
    if answer.flagged:
        st.warning(
            "Some sentences could not be matched to the source and were flagged: "
            + "; ".join(md_escape(s) for s in answer.flagged),
            icon=":material/flag:",
        )
    if editor_view():
        st.caption(f"Answered by the {md_escape(engine_label(answer.engine))} engine")


def answer_html(answer: Answer) -> str:
    """The answer's sentences, each marked with its check, links clickable."""
    return " ".join(statement_html(s) for s in answer.parts)


def statement_html(statement: Statement) -> str:
    """A sentence marked with its real check: a mark after it (the exports' marks), the source
    words on hover, and on tap (the sentence takes focus and shows them below: no hover on a
    phone)."""
    from summarizer.render import check_mark

    check = statement.check
    verdict = check.verdict if check is not None else None
    css = LINE_CSS.get(verdict or "", "ts-plain-line")
    quotes = [c.quote for c in statement.citations] or (
        [c.quote for c in check.evidence] if check else []
    )
    tip = "Source: " + " | ".join(quotes) if quotes else "No source quote"
    if verdict in FLAG_LABELS:
        tip = f"{VERDICT_LABELS.get(verdict)}. {tip}"
    elif verdict == "guidance" and check is not None and check.reasons:
        tip = f"General guidance: {check.reasons[0]}"
    tip = " ".join(tip.split())
    mark = ""
    if verdict in FLAG_LABELS:
        mark = f' <span class="ts-flag">{html.escape(FLAG_LABELS[verdict])}</span>'
    elif (found := check_mark(statement)) is not None:
        mark = (
            f'<span class="ts-mark ts-mark-{verdict}" title="{html.escape(found[1], quote=True)}"'
            f">{html.escape(found[0])}</span>"
        )
    escaped_tip = html.escape(tip, quote=True)
    return (
        f'<span class="ts-sentence {css}" tabindex="0" title="{escaped_tip}" '
        f'data-tip="{escaped_tip}">{linkify(statement.text)}</span>{mark}'
    )


def check_legend(statements: Sequence[Statement]) -> None:
    """What the marks on this page mean: the same marks and words as the exports."""
    from summarizer.render import CHECK_MARKS

    used = {s.check.verdict for s in statements if s.check is not None}
    if not used:
        return
    items = []
    for verdict, (mark, meaning) in CHECK_MARKS.items():
        if verdict in used:
            items.append(
                f'<span class="ts-legend-item"><span class="ts-mark ts-mark-{verdict}">'
                f"{html.escape(mark)}</span> {html.escape(meaning)}</span>"
            )
    tip = "Tap or hover over a sentence to see the source words it came from."
    raw_html(f'<div class="ts-legend">{" ".join(items)}<br>{html.escape(tip)}</div>')


# --- exports ------------------------------------------------------------------------------------

ExportFile = tuple[str, str, str, str]  # label, data, extension, mime type


def summary_files(summary: LaySummary) -> list[ExportFile]:
    """The lay summary as Markdown, HTML (rendered by ``summarizer.render``) and JSON."""
    from summarizer import render

    return [
        ("Markdown", render.summary_markdown(summary), "md", "text/markdown"),
        ("HTML", render.summary_html(summary), "html", "text/html"),
        ("JSON", summary.model_dump_json(indent=2), "json", "application/json"),
    ]


def fit_files(draft: FitDraft, trial: Trial) -> list[ExportFile]:
    """The edited "Who should consider this trial" section as Markdown, HTML and JSON."""
    from summarizer import render

    return [
        ("Markdown", render.fit_markdown(draft), "md", "text/markdown"),
        ("HTML", render.fit_html(draft), "html", "text/html"),
        ("JSON", draft.model_dump_json(indent=2), "json", "application/json"),
    ]
