"""The stages a case passes through."""

from enum import StrEnum


class Stage(StrEnum):
    RECEIVED = "received"
    TRIAGE = "triage"
    DISMISSED = "dismissed"
    INVESTIGATION = "investigation"
    NOTICE_ISSUED = "notice_issued"
    RESPONSE_RECEIVED = "response_received"
    RESPONSE_TIME_ELAPSED = "response_time_elapsed"
    HEARING = "hearing"
    DECIDED = "decided"
    APPEAL_WINDOW = "appeal_window"
    APPEAL_LODGED = "appeal_lodged"
    APPEAL_DECIDED = "appeal_decided"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STAGES


STAGE_LABELS: dict[Stage, str] = {
    Stage.RECEIVED: "Received",
    Stage.TRIAGE: "Triage",
    Stage.DISMISSED: "Dismissed (no case to answer)",
    Stage.INVESTIGATION: "Investigation",
    Stage.NOTICE_ISSUED: "Notice issued",
    Stage.RESPONSE_RECEIVED: "Response received",
    Stage.RESPONSE_TIME_ELAPSED: "Response time elapsed",
    Stage.HEARING: "Hearing",
    Stage.DECIDED: "Decided",
    Stage.APPEAL_WINDOW: "Appeal window open",
    Stage.APPEAL_LODGED: "Appeal lodged",
    Stage.APPEAL_DECIDED: "Appeal decided",
    Stage.CLOSED: "Closed",
}

CLOSED_STAGES = frozenset({Stage.DISMISSED, Stage.CLOSED})
