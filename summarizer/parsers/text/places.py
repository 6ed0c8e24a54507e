"""Locations and contacts: location sections, 'Facility | Recruiting |' rows, 'Contact:' lines."""

from __future__ import annotations

import re

from summarizer import normalize
from summarizer.models import Contact, Location
from summarizer.parsers.text.facts import span
from summarizer.parsers.text.layout import Layout
from summarizer.parsers.text.lines import Line, Piece, cells, content, trim
from summarizer.parsers.text.vocab import vocab

_EMAIL_RE = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}")
_PHONE_RE = re.compile(r"\+?\d[\d \t\-().]{6,24}\d")
_ZIP_RE = re.compile(r"[A-Z0-9][A-Z0-9 -]{2,9}")
_CONTACT_RE = re.compile(r"contact\s*:\s*", re.IGNORECASE)


def contact_from(doc: str, piece: Piece) -> Contact | None:
    """'Contact: Sixi Liu, MD 86-189 3869 0206 tiger647@126.com' -> name, phone, email."""
    text = piece.text
    m = _CONTACT_RE.match(text)
    body = text[m.end() :] if m else text
    email = _EMAIL_RE.search(body)
    phone = _PHONE_RE.search(body)
    cut = min([x.start() for x in (email, phone) if x is not None], default=len(body))
    name = body[:cut].strip(" \t,;|:-") or None
    if not (name or email or phone):
        return None
    role = "contact" if m else None
    return Contact(
        name=name,
        role=role,
        phone=phone.group(0).strip() if phone else None,
        email=email.group(0) if email else None,
        spans=[span(piece)],
    )


def address_parts(text: str) -> tuple[str | None, str | None, str | None] | None:
    """'Xi'an, Shaanxi, China' -> (city, region, country); None when it is not an address."""
    if len(text) > 120 or text.endswith(".") or "," not in text:
        return None
    parts = [p.strip() for p in text.strip(" |").split(",")]
    while len(parts) > 1 and (
        not parts[-1] or (_ZIP_RE.fullmatch(parts[-1]) and any(c.isdigit() for c in parts[-1]))
    ):
        parts.pop()
    if not 2 <= len(parts) <= 5:
        return None
    for p in parts:
        if len(p) > 40 or len(p.split()) > 5 or any(c.isdigit() for c in p):
            return None
    named = [p for p in parts if p]
    if not named:
        return None
    country = None
    if parts[-1].lower() in vocab().countries or len(parts) >= 3:
        country = parts[-1] or None
        parts = parts[:-1]
    rest = [p for p in parts if p]
    city = rest[0] if rest else None
    region = rest[1] if len(rest) > 1 else None
    return city, region, country


class _Builder:
    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.loc: Location | None = None
        self.start = 0
        self.end = 0
        self.pending: list[Piece] = []
        self.out: list[Location] = []

    def close(self) -> None:
        if self.loc is not None:
            whole = trim(self.doc, self.start, self.end, "|")
            if whole is not None:
                self.loc.spans = [span(whole)]
                self.out.append(self.loc)
        self.loc = None
        self.pending = []

    def open(self, start: int, facility: str | None = None, status: str | None = None) -> None:
        self.close()
        self.loc = Location(facility=facility, status=status)
        self.start = start
        self.end = start


def _status(text: str) -> str | None:
    return normalize.status(text) if len(text) <= 40 else None


def section_locations(doc: str, lines: list[Line]) -> list[Location]:
    """A location section: facility lines, then an address line; status and contacts attach."""
    b = _Builder(doc)
    for ln in lines:
        words = content(doc, ln)
        if words is None or not any(ch.isalpha() for ch in words.text):
            continue
        if _CONTACT_RE.match(words.text):
            contact = contact_from(doc, words)
            if b.loc is not None and contact is not None:
                b.loc.contacts.append(contact)
                b.end = words.end
            continue
        status = _status(words.text)
        if status is not None:
            if b.loc is not None:
                b.loc.status = status
                b.end = words.end
            continue
        addr = address_parts(words.text)
        if addr is None:
            b.close()
            b.pending.append(words)
            continue
        start = b.pending[-1].start if b.pending else words.start
        facility = b.pending[-1].text if b.pending else None
        b.open(start, facility)
        assert b.loc is not None
        b.loc.city, b.loc.region, b.loc.country = addr
        b.end = words.end
    b.close()
    return b.out


def row_locations(doc: str, layout: Layout, skip: set[int]) -> tuple[list[Location], set[int]]:
    """'Facility | Recruiting |' rows anywhere, with the address and contact lines after them."""
    b = _Builder(doc)
    used: set[int] = set()
    for ln in layout.lines:
        if ln.index in skip or "|" not in ln.text:
            if b.loc is not None and not ln.blank:
                b.close()
            continue
        row = cells(doc, ln)
        if len(row) == 2 and _status(row[1].text) is not None:
            b.open(row[0].start, row[0].text, _status(row[1].text))
            b.end = ln.end
            used.add(ln.index)
            continue
        if b.loc is None or not row:
            continue
        first = row[0]
        if _CONTACT_RE.match(first.text):
            contact = contact_from(doc, trim(doc, first.start, ln.end, "|") or first)
            if contact is not None:
                b.loc.contacts.append(contact)
            b.end = ln.end
            used.add(ln.index)
            continue
        addr = address_parts(first.text) if len(row) == 1 else None
        if addr is not None and b.loc.city is None and b.loc.country is None:
            b.loc.city, b.loc.region, b.loc.country = addr
            b.end = ln.end
            used.add(ln.index)
            continue
        b.close()
    b.close()
    return b.out, used


def loose_contacts(doc: str, layout: Layout, skip: set[int]) -> list[Contact]:
    """'Contact:' lines that belong to no location: the study's central contacts."""
    out: list[Contact] = []
    for ln in layout.lines:
        if ln.index in skip:
            continue
        words = content(doc, ln)
        if words is None or not _CONTACT_RE.match(words.text):
            continue
        contact = contact_from(doc, words)
        if contact is not None:
            out.append(contact)
    return out
