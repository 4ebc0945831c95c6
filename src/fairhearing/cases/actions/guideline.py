"""The sanction guideline for a culpability and harm, in words, and whether a chosen sanction is within it.

Shown beside the decision form (live through htmx, and after every submit without it), so the panel sees the
starting point and range before it decides, and knows when a departure needs written reasons."""

from __future__ import annotations

from dataclasses import dataclass

from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.sanctions import guideline, within_range


@dataclass(frozen=True)
class GuidelineView:
    culpability: str
    harm: str
    starting_point: str
    lowest: str
    highest: str
    sanction: str = ""  # the chosen sanction's name, when one is chosen
    within: bool | None = None  # None: no sanction chosen yet


def guideline_view(rb: Rulebook, culpability: str, harm: str, sanction: str = "") -> GuidelineView | None:
    try:
        result = guideline(rb, culpability, harm)
    except KeyError:
        return None  # not both assessed yet, or not levels of this rulebook
    culpabilities = {c.id: c.name for c in rb.guidelines.culpability}
    harms = {h.id: h.name for h in rb.guidelines.harm}
    chosen = sanction in {s.id for s in rb.sanctions}
    return GuidelineView(
        culpability=f"{culpability} ({culpabilities[culpability].lower()})",
        harm=f"{harm} ({harms[harm].lower()})",
        starting_point=rb.sanction(result.starting_point).name,
        lowest=rb.sanction(result.lowest).name,
        highest=rb.sanction(result.highest).name,
        sanction=rb.sanction(sanction).name if chosen else "",
        within=within_range(rb, result, sanction) if chosen else None,
    )
