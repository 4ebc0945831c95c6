"""The use cases of the procedure: one function each, each one transaction that also writes the timeline.

Views, the API, the CLI and the scheduled job call these; nothing else changes a case.
"""

from fairhearing.cases.services.appeals import close_case, form_appeal_panel, lodge_appeal, record_appeal_decision
from fairhearing.cases.services.hearing import (
    declare_conflict,
    form_panel,
    notify_decision,
    record_decision,
    schedule_hearing,
)
from fairhearing.cases.services.intake import (
    AllegationInput,
    begin_triage,
    dismiss,
    open_case,
    record_triage,
    transfer_case,
    withdraw_case,
)
from fairhearing.cases.services.investigation import issue_notice, open_investigation, record_response
from fairhearing.cases.services.suspensions import (
    impose_interim_suspension,
    lift_interim_suspension,
    review_interim_suspension,
)
from fairhearing.cases.services.time_limits import apply_time_limits, apply_time_limits_to

__all__ = [
    "AllegationInput",
    "apply_time_limits",
    "apply_time_limits_to",
    "begin_triage",
    "close_case",
    "declare_conflict",
    "dismiss",
    "form_appeal_panel",
    "form_panel",
    "impose_interim_suspension",
    "issue_notice",
    "lift_interim_suspension",
    "lodge_appeal",
    "notify_decision",
    "open_case",
    "open_investigation",
    "record_appeal_decision",
    "record_decision",
    "record_response",
    "record_triage",
    "review_interim_suspension",
    "schedule_hearing",
    "transfer_case",
    "withdraw_case",
]
