"""The grounds of appeal (REQ 24: `workflow.APPEAL_GROUNDS`) in the words an appellant would use."""

from __future__ import annotations

GROUND_LABELS = {
    "procedure": "The procedure was not followed",
    "unreasonable": "The decision was unreasonable on the evidence",
    "new_evidence": "There is new evidence that was not available before",
    "disproportionate": "The sanction is disproportionate",
}


def ground_label(ground: str) -> str:
    return GROUND_LABELS.get(ground, ground.replace("_", " ").capitalize())
