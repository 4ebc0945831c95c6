"""Retention (REQ 33): how long each kind of record is kept, and which records are due for deletion or anonymisation.

Pure rules: the services gather the facts about each record (the day its period began, the legal holds covering
it, anything else that keeps it), and this module says whether it is due, from what day, and why - in the words
that go on the audit log and in the `fairhearing retention` output. The same rules decide who may place and
release a legal hold and when an erasure request may be granted, so every refusal reads the same wherever it is
raised.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from fairhearing.formatting import long_date
from fairhearing.procedure.errors import Refusal
from fairhearing.procedure.roles import Role

# A period longer than this is almost certainly a typing slip (an extra zero keeps records for centuries).
MAX_DAYS = 36_525


class RecordKind(StrEnum):
    EVIDENCE = "evidence"
    CASE_RECORDS = "case_records"
    DISMISSED_CASES = "dismissed_cases"
    FORMER_MEMBERS = "former_members"
    SUBJECT_ACCESS_REQUESTS = "subject_access_requests"
    ERASURE_REQUESTS = "erasure_requests"
    EMAILS_WITHOUT_CASE = "emails_without_case"

    @property
    def rule(self) -> KindRule:
        return RULES[self]

    @property
    def label(self) -> str:
        return RULES[self].label

    @property
    def env_var(self) -> str:
        return f"FAIRHEARING_RETENTION_{self.name}_DAYS"


@dataclass(frozen=True)
class KindRule:
    label: str
    default_days: int
    runs_from: str  # what starts the period, as it reads after "days after"
    not_started: str  # why the period has not begun yet
    action: str  # what happens when the period ends: erased, anonymised or deleted
    what: str  # what is removed, for the documentation and the command's help


SIX_YEARS = 2190  # 6 x 365: the limitation period for a claim in contract (the membership contract), in days

RULES: dict[RecordKind, KindRule] = {
    RecordKind.EVIDENCE: KindRule(
        label="Evidence",
        default_days=SIX_YEARS,
        runs_from="the case closed",
        not_started="the case is still open",
        action="erased",
        what="the evidence's content and encrypted file (its row stays, marked erased, with kind, dates and ruling)",
    ),
    RecordKind.CASE_RECORDS: KindRule(
        label="Case records",
        default_days=SIX_YEARS,
        runs_from="the case closed",
        not_started="the case is still open",
        action="anonymised",
        what=(
            "the complainant's name and email, allegation particulars, reasons, responses and timeline details, "
            "and any evidence not yet erased (stage, dates, clauses, body and outcome stay, for the statistics)"
        ),
    ),
    RecordKind.DISMISSED_CASES: KindRule(
        label="Dismissed cases",
        default_days=365,
        runs_from="the case was dismissed",
        not_started="the case is still open",
        action="anonymised",
        what="the same as case records, for cases dismissed with no case to answer",
    ),
    RecordKind.FORMER_MEMBERS: KindRule(
        label="Former members",
        default_days=730,
        runs_from="the member left",
        not_started="they are still a member",
        action="anonymised",
        what=(
            "the name (replaced by 'Former member' and the membership number), the email address, and any "
            "special-category data held on them"
        ),
    ),
    RecordKind.SUBJECT_ACCESS_REQUESTS: KindRule(
        label="Subject access requests",
        default_days=730,
        runs_from="the request was fulfilled",
        not_started="the request has not been fulfilled",
        action="deleted",
        what="the request record (the audit log keeps the fact that it was made and answered)",
    ),
    RecordKind.ERASURE_REQUESTS: KindRule(
        label="Erasure requests",
        default_days=730,
        runs_from="the request was decided",
        not_started="the request has not been decided",
        action="deleted",
        what="the request record (the audit log keeps the fact that it was made and decided)",
    ),
    # An email about a case is correspondence of that case: it is blanked with the case's records (or with its
    # recipient's, whichever comes first). One about no case has nothing to follow, so it has a period of its own.
    RecordKind.EMAILS_WITHOUT_CASE: KindRule(
        label="Emails not about a case",
        default_days=730,
        runs_from="the email was sent or given up",
        not_started="the email is still waiting to be sent",
        action="deleted",
        what="the outbox row: address, subject and words (the audit log keeps the fact that it was sent)",
    ),
}


class RetentionSettingError(ValueError):
    """A retention period in the settings is not a usable number of days. The message names each one."""


def _check_days(name: str, value: object) -> tuple[int | None, str]:
    if isinstance(value, bool):
        return None, f"{name} must be a whole number of days, not {value!r}"
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return None, f"{name} must be a whole number of days, not {value!r}"
    if not isinstance(value, int):
        return None, f"{name} must be a whole number of days, not {value!r}"
    if value < 1:
        return None, f"{name} must be at least 1 day, not {value}"
    if value > MAX_DAYS:
        return None, f"{name} must be at most {MAX_DAYS} days (100 years), not {value}"
    return value, ""


def periods_from_environment(environ: Mapping[str, str]) -> dict[str, int]:
    """The period of every record kind: `FAIRHEARING_RETENTION_<KIND>_DAYS` where set, the default otherwise.

    Every bad value is named in one error, so a mistyped deployment fails at start-up with the whole list.
    """
    periods, problems = {}, []
    for kind in RecordKind:
        raw = environ.get(kind.env_var, "")
        if not raw.strip():
            periods[kind.value] = kind.rule.default_days
            continue
        days, problem = _check_days(kind.env_var, raw)
        if problem:
            problems.append(problem)
        else:
            periods[kind.value] = days
    if problems:
        raise RetentionSettingError("; ".join(problems))
    return periods


def check_periods(configured: Mapping[str, object]) -> dict[RecordKind, int]:
    """The periods as the services use them, from the `FAIRHEARING_RETENTION_DAYS` setting; missing kinds default."""
    problems = [f"there is no record kind {name!r}" for name in configured if name not in RecordKind]
    periods = {}
    for kind in RecordKind:
        if kind.value not in configured:
            periods[kind] = kind.rule.default_days
            continue
        days, problem = _check_days(f"the retention period for {kind.label.lower()}", configured[kind.value])
        if problem:
            problems.append(problem)
        else:
            periods[kind] = days
    if problems:
        raise RetentionSettingError("; ".join(problems))
    return periods


@dataclass(frozen=True)
class RecordFacts:
    """What decides whether one record is due: its kind, the day its period began, and what keeps it."""

    kind: RecordKind
    runs_from: date | None  # None while the period has not begun (the case is open, the member has not left)
    held_by: tuple[str, ...] = ()  # references of the cases whose legal hold covers it
    kept_while: str = ""  # anything else that keeps it for now, e.g. "case FH-2026-00001 is still kept"


@dataclass(frozen=True)
class Verdict:
    kind: RecordKind
    due_on: date | None
    due: bool  # its period is over (whether or not a hold keeps it)
    held: bool  # a legal hold keeps it although it is due
    reason: str

    @property
    def act(self) -> bool:
        """Whether to delete or anonymise it now."""
        return self.due and not self.held


def judge(facts: RecordFacts, periods: Mapping[RecordKind, int], today: date) -> Verdict:
    kind, rule = facts.kind, facts.kind.rule
    if facts.runs_from is None:
        return Verdict(kind, None, False, False, f"not due: {rule.not_started}")
    days = periods[kind]
    due_on = facts.runs_from + timedelta(days=days)
    period = f"kept {days} days after {rule.runs_from} on {long_date(facts.runs_from)}"
    if today < due_on:
        return Verdict(kind, due_on, False, False, f"not due until {long_date(due_on)} ({period})")
    if facts.kept_while:
        return Verdict(kind, due_on, False, False, f"kept while {facts.kept_while} ({period})")
    if facts.held_by:
        holds = ", ".join(facts.held_by)
        return Verdict(kind, due_on, True, True, f"due on {long_date(due_on)} but kept under legal hold on {holds}")
    return Verdict(kind, due_on, True, False, f"{period}: due on {long_date(due_on)}")


def case_kind(dismissed: bool) -> RecordKind:
    """A dismissed case is kept for the shorter period; every other closed case as case records."""
    return RecordKind.DISMISSED_CASES if dismissed else RecordKind.CASE_RECORDS


# Who may do what with holds and erasure: the data protection officer rules on personal data; an administrator
# may also place or release a hold, because a claim or an inquiry can reach the organisation through them first.
HOLD_ROLES = frozenset({Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR})
ERASURE_REQUEST_ROLES = frozenset({Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR})


def _needs_reason(reason: str, what: str) -> list[Refusal]:
    return [] if reason.strip() else [Refusal("reason", f"give the reason for {what}")]


def place_hold_refusals(
    roles: Collection[Role], *, reason: str, active_hold: bool, anonymised_on: date | None
) -> list[Refusal]:
    refusals = []
    if not roles & HOLD_ROLES:
        refusals.append(Refusal("role", "only the data protection officer or an administrator may place a legal hold"))
    refusals += _needs_reason(reason, "the legal hold")
    if active_hold:
        refusals.append(Refusal("already_held", "the case is already under a legal hold"))
    if anonymised_on is not None:
        refusals.append(
            Refusal(
                "anonymised",
                f"the case's personal details were anonymised on {long_date(anonymised_on)}: there is nothing to hold",
            )
        )
    return refusals


def release_hold_refusals(roles: Collection[Role], *, reason: str, released_on: date | None) -> list[Refusal]:
    refusals = []
    if not roles & HOLD_ROLES:
        refusals.append(
            Refusal("role", "only the data protection officer or an administrator may release a legal hold")
        )
    refusals += _needs_reason(reason, "releasing the legal hold")
    if released_on is not None:
        refusals.append(Refusal("released", f"the legal hold was already released on {long_date(released_on)}"))
    return refusals


def record_erasure_refusals(
    roles: Collection[Role], *, own_record: bool, anonymised_on: date | None, pending: bool
) -> list[Refusal]:
    refusals = []
    if not (roles & ERASURE_REQUEST_ROLES or own_record):
        refusals.append(
            Refusal(
                "role",
                "only the member themselves, the data protection officer or an administrator may record "
                "an erasure request",
            )
        )
    if anonymised_on is not None:
        refusals.append(
            Refusal("anonymised", f"the member's details were already anonymised on {long_date(anonymised_on)}")
        )
    if pending:
        refusals.append(Refusal("pending", "an erasure request from this member is already waiting for a decision"))
    return refusals


def decide_erasure_refusals(
    roles: Collection[Role],
    *,
    grant: bool,
    reason: str,
    decided_on: date | None,
    open_cases: Collection[str] = (),
    held_cases: Collection[str] = (),
) -> list[Refusal]:
    """UK GDPR Art. 17(3)(e): data needed for a live case or a legal claim is not erased. While the member is a
    party to an open case, or to a case under legal hold, the request cannot be granted: it stays waiting, and
    can be granted once the case is closed or the hold released."""
    refusals = []
    if Role.DATA_PROTECTION_OFFICER not in roles:
        refusals.append(Refusal("role", "only the data protection officer may decide an erasure request"))
    refusals += _needs_reason(reason, "the decision")
    if decided_on is not None:
        refusals.append(Refusal("decided", f"the request was already decided on {long_date(decided_on)}"))
    if grant and open_cases:
        refusals.append(
            Refusal(
                "open_case",
                f"the member is a party to open case {', '.join(sorted(open_cases))}: their data is needed until "
                "it closes",
            )
        )
    if grant and held_cases:
        refusals.append(
            Refusal(
                "legal_hold",
                f"case {', '.join(sorted(held_cases))} is under legal hold: the member's data is kept until the hold "
                "is released",
            )
        )
    return refusals
