"""Scoring the editor-bullet set: a planted bullet is caught when the checker's verdict is not
``supported``; a right bullet is a false alarm when it is not ``supported``. Per half (tune /
report), per round of the set (``round_no``; None is every round) and per kind of mistake.
Shared by benchmarks/fit_check_eval.py and the CI gate."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from evals.criteria.make_fit_bullets import (
    DEFAULT_DATA,
    MISTAKES,
    Bullet,
    load_bullets,
    load_picks,
    load_trials,
)
from summarizer.models import Check, Statement, Trial

CheckFn = Callable[..., Check]


class Outcome(BaseModel):
    bullet: Bullet
    verdict: str
    reasons: list[str] = Field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.verdict != "supported"


class HalfFigures(BaseModel):
    right: int
    false_alarms: int
    false_alarm_rate: float
    catch: dict[str, float] = Field(description="share caught per kind of planted mistake")
    planted: dict[str, int]
    catch_all: float


def trials(data: Path = DEFAULT_DATA) -> dict[str, Trial]:
    return load_trials(data, load_picks())


def run(check: CheckFn, bullets: Iterable[Bullet], by_id: dict[str, Trial]) -> list[Outcome]:
    out = []
    for b in bullets:
        trial = by_id[b.nct]
        c = check(Statement(text=b.text, trial_id=trial.trial_id), trial, role=b.role)
        out.append(Outcome(bullet=b, verdict=c.verdict, reasons=c.reasons))
    return out


def figures(outcomes: list[Outcome], half: str, round_no: int | None = None) -> HalfFigures:
    part = [
        o
        for o in outcomes
        if o.bullet.half == half and (round_no is None or o.bullet.round_no == round_no)
    ]
    right = [o for o in part if o.bullet.mistake == "right"]
    alarms = sum(o.flagged for o in right)
    catch: dict[str, float] = {}
    planted: dict[str, int] = {}
    for kind in MISTAKES:
        group = [o for o in part if o.bullet.mistake == kind]
        planted[kind] = len(group)
        if group:
            catch[kind] = sum(o.flagged for o in group) / len(group)
    wrong = [o for o in part if o.bullet.mistake != "right"]
    return HalfFigures(
        right=len(right),
        false_alarms=alarms,
        false_alarm_rate=alarms / len(right) if right else 0.0,
        catch=catch,
        planted=planted,
        catch_all=sum(o.flagged for o in wrong) / len(wrong) if wrong else 0.0,
    )


__all__ = ["HalfFigures", "Outcome", "figures", "load_bullets", "run", "trials"]
