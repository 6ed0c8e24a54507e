"""Polarity: does the sentence say the same thing the source says, or its opposite?

A sentence's truth polarity is its negation parity, flipped for not-a-fit bullets. The source's is
its own negation parity, flipped for exclusion criteria (an exclusion criterion says who may *not*
join). A limit read the other way round ('under 18' for '≥ 18') flips once more. Different
parities on a close match mean the sentence turned the source around: a dropped 'not', a good-fit
bullet resting on an exclusion criterion, an inclusion requirement presented as a reason to stay
out.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel

from summarizer.checker.text import (
    content_terms,
    negations,
    quoted_runs,
    sentences,
    without_shared_negations,
)

Role = Literal["good_fit", "not_fit"] | None
Kind = Literal["inclusion", "exclusion"] | None

# Words that frame a sentence as "who may not join" even without a plain negation.
_EXCLUSION_FRAME = re.compile(
    r"\b(?:not a (?:good )?fit|rules? (?:you|them|people) out|"
    r"can(?:no|')t (?:join|take part|enroll)|may not (?:join|take part)|"
    r"(?:is|are) excluded|will be excluded|keeps? out|rules? out|not (?:be )?eligible|"
    r"does(?: not|n't) (?:take|accept|include|enroll)|won't be able|"
    r"exclusion criteri(?:on|a)(?:\s+(?:says?|reads?|states?|lists?)\b|\s*:))",
    re.IGNORECASE,
)
# A claim that lets people in with something ('allows people with X', 'X is permitted', 'you may
# join'), or says the same words turned round ('does not allow', 'may not join'): a negated one is
# read against the source's rule as before, unless the source permits what it names
# (``permission_about``).
_PERMITS = re.compile(
    r"\b(?:allows?|permits?|(?:is|are|still)\s+(?:allowed|permitted|accepted|acceptable|eligible)|"
    r"(?:can|may)(?:\s*not)? (?:still )?(?:join|take part)|(?:is|are) no longer excluded)\b",
    re.IGNORECASE,
)
# A permission inside a source sentence: '(history of preeclampsia ... is permitted)',
# '(although IV AZT is allowed during labor)', and an amendment lifting an exclusion ('The following
# medications are no longer excluded: thymopentin, hydroxyurea, ...', the wording CT.gov records
# use for a changed protocol): its 'no' and 'excluded' cancel out, so it reads as a permission.
_PERMISSION = re.compile(
    r"[^()]*\b(?:(?:is|are|will be|may be)\s+(?:permitted|allowed|acceptable|eligible)|"
    r"(?:is|are|will)\s+no\s+longer\s+(?:be\s+)?excluded)\b[^()]*",
    re.IGNORECASE,
)
# An exception that ends a sentence ('... such as smoking, unless the risk factor is present only
# to a mild extent'): it narrows the rule, it does not turn it round.
_EXCEPTION_TAIL = re.compile(r"(?<=\w)[\s,;]+(?:unless|except)\b.*$", re.IGNORECASE | re.DOTALL)
_EXCEPTION_CUE = re.compile(r"\b(?:unless|except|excepting)\b", re.IGNORECASE)
# Negation cues that are about lab results or wording, not about the claim ('negative test').
_NEUTRAL = re.compile(
    r"\b(?:no\.|non-?hodgkin|not applicable|n/a|with or without|whether or not|or not)\b",
    re.IGNORECASE,
)


def permits(claim: str) -> bool:
    """Whether the claim, outside its quotes, lets people in ('allows', 'you may join')."""
    return bool(_PERMITS.search(_QUOTED.sub(" ", claim)))


def permission_about(claim: str, source: str) -> str | None:
    """The permission in ``source`` that is about what a claim names in its own words (outside
    its quotes): 'allows people who take hydroxyurea' and 'The following medications are no
    longer excluded: ..., hydroxyurea, ...' in a criterion whose first sentence excludes immune
    drugs. That permission, not the criterion's rule, is what such a claim restates."""
    own = set(content_terms(_QUOTED.sub(" ", claim))) - _permission_terms()
    if not own:
        return None
    for sent, _, _ in sentences(source):
        for m in _PERMISSION.finditer(sent):
            if own & set(content_terms(m.group(0))):
                return m.group(0).strip()
    return None


@functools.cache
def _permission_terms() -> frozenset[str]:
    """The permission's own words: sharing them says nothing about what is permitted."""
    return frozenset(
        content_terms(
            "allows permits permitted allowed accepted acceptable eligible join "
            "take part no longer excluded people"
        )
    )


class PolarityCheck(BaseModel):
    claim_negated: bool
    source_negated: bool
    source_kind: Kind
    flipped_limits: int
    conflict: bool
    reason: str | None = None


def _parity(text: str) -> bool:
    cleaned = _NEUTRAL.sub(" ", text)
    cues = negations(cleaned)
    return len(cues) % 2 == 1


# An answer word opening a sentence ('No, this trial does not take ...') repeats the negation
# that follows; it is not a second one.
_ANSWER_WORD = re.compile(r"^\s*(?:no|yes)\s*[,.:;-]\s*", re.IGNORECASE)


# Quoted or bracketed source words inside a claim: their negations are the source's, and a
# '(LN is excluded)' there is content, not the claim's framing.
_QUOTED = re.compile(r"\([^()]*\)|\"[^\"]*\"|“[^”]*”")


def claim_polarity(text: str, role: Role) -> bool:
    """True when the sentence, read with its role, says "this does not hold / keeps you out".

    Every negation cue counts once, the framing's own ('does not take') included. A framing
    without a cue of its own ('Rules you out:') adds one; a not-a-fit bullet adds one unless it
    is framed already, so 'Rules you out: infection that cannot be controlled' under not-a-fit
    reads like the exclusion criterion it quotes.
    """
    body = _ANSWER_WORD.sub("", text)
    negated = _parity(body)
    frame = _EXCLUSION_FRAME.search(_QUOTED.sub(" ", body))
    if frame is not None:
        if not negations(frame.group(0)):
            negated = not negated
    elif role == "not_fit":
        negated = not negated
    return negated


# An exclusion item said as a prohibition ('Participant cannot have any other ... disorder',
# 'Patients must not have distant metastases'): its 'not' is the exclusion's own frame. An item
# that opens with a bare 'Cannot' (no subject) says who is unable: 'Cannot take medications by
# mouth', 'Cannot have an MRI scan' (the record pattern across the shared archive's exclusion
# lists), so its 'not' is read.
_PROHIBITION = re.compile(
    r"^\W*(?:(?:[A-Za-z]+\s+){1,3}?(?:can\s*not|cannot)|(?:[A-Za-z]+\s+){0,3}?(?:must\s+not|"
    r"may\s+not|should\s+not|will\s+not))(?=\s+(?:have|be|take|receive|use|undergo|show|had)\b)",
    re.IGNORECASE,
)


def prohibition(text: str) -> re.Match[str] | None:
    """The prohibitive frame an exclusion item opens with ('Participant cannot'), if any."""
    return _PROHIBITION.match(text)


def source_polarity(text: str, kind: Kind) -> bool:
    frame = prohibition(text) if kind == "exclusion" else None
    # An exclusion said as a prohibition says it once: its 'cannot' is not read on top.
    negated = _parity(text[frame.end() :] if frame is not None else text)
    if kind == "exclusion":
        negated = not negated
    return negated


def _quoted_unit(claim: str, source: str) -> str:
    """A claim that quotes several source sentences, read against one of them: the quote cut to
    that sentence, so the other sentences' negations are not counted on the claim's side only."""
    norm = " ".join(source.split()).rstrip(". ")
    if len(norm.split()) < 4:
        return claim
    for m in _QUOTED.finditer(claim):
        inner = " ".join(m.group(0)[1:-1].split())
        if norm in inner and norm != inner.rstrip(". "):
            return claim[: m.start()] + '"' + norm + '"' + claim[m.end() :]
    return claim


def compare(
    claim: str,
    source: str,
    *,
    role: Role,
    kind: Kind,
    flipped_limits: int,
    context: str | None = None,
) -> PolarityCheck:
    """``context``: the text the claim cites (or the source sentences nearest it), of which
    ``source`` is the closest sentence. A negation cue inside words the claim repeats verbatim
    from ``context`` is the source's own, and one inside words ``source`` shares verbatim with the
    claim is the claim's own quote: neither counts on either side (``without_shared_negations``).
    An answer joining several posted lines ('...; Non-Pregnant Women: 96 participants; ...') is
    then not read as negating the one line it is compared with."""
    claim = _quoted_unit(claim, source)
    if not _EXCEPTION_CUE.search(claim):
        source = _EXCEPTION_TAIL.sub("", source)  # a claim without the exception: its rule
    if context is not None:
        quotes = quoted_runs(claim)
        claim, source = (
            without_shared_negations(claim, f"{context} {source}", quotes),
            without_shared_negations(source, claim, quotes),
        )
    c = claim_polarity(claim, role)
    s = source_polarity(source, kind)
    permit = _PERMISSION.search(source) if _PERMITS.search(_QUOTED.sub(" ", claim)) else None
    if permit is not None and not c:
        s = _parity(permit.group(0))  # a claim that lets people in, read against the permission
    if flipped_limits % 2:
        c = not c
    conflict = c != s
    reason = None
    if conflict:
        if role == "good_fit" and kind == "exclusion":
            reason = "good-fit bullet rests on an exclusion criterion"
        elif role == "not_fit" and kind == "inclusion":
            reason = "not-a-fit bullet rests on an inclusion requirement, read the same way round"
        elif _parity(claim) != _parity(source):
            reason = "negation differs from the source ('not'/'no' added or dropped)"
        else:
            reason = "says the opposite of the source"
    return PolarityCheck(
        claim_negated=c,
        source_negated=s,
        source_kind=kind,
        flipped_limits=flipped_limits,
        conflict=conflict,
        reason=reason,
    )
