"""Subject access (UK GDPR Art. 15): record a member's request, and produce everything held about them as a zip.

The zip holds `data.json` (everything, machine-readable), `report.html` (the same, readable, self-contained),
`files/` (the evidence files the rule below allows) and `manifest.json` (every other file with its SHA-256).

The rule for other people's data, written out for the data protection officer in docs/subject-access.md:

- Names. Every other person's name is replaced by a label for the part they play: "[the complainant]",
  "[the respondent]", "[investigator]", "[panel member]", "[staff]", "[another member]", "[another person]".
  Free text (particulars, reasons, timeline and audit summaries...) is searched for the names of every member,
  every user and every complainant on record; fields that record who acted are replaced by the actor's label.
  Every email address but the member's own is replaced by "[email address]".
- As respondent, a member gets their whole case: allegations, triage, notice, evidence metadata, interim
  suspensions, decisions with reasons and findings, the appeal, and the timeline.
- As complainant, a member gets their complaint (the allegations as made), the stage, the stage moves of the
  timeline, the outcome and the evidence they supplied - not the respondent's data: no reasons, findings,
  suspensions, triage, or the evidence of others.
- Evidence content (the file, its text, where it was found) is included only for items served on the member as
  respondent in the notice, or supplied by the member themselves; other items appear as metadata only, marked
  "file withheld". Included files are as served, unaltered: they were already disclosed to the member.
- Emails: every email in the outbox addressed to the member (sent, waiting or given up), with its words - their
  own correspondence - redacted like everything else; the addresses they were sent to count as the member's own.
  Emails to anyone else, the other party included, are not listed.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from fairhearing import __version__
from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.audit import log as audit
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import (
    Case,
    DecisionKind,
    EventKind,
    EvidenceItem,
    NoticeEvidence,
    Provenance,
    TimelineEvent,
)
from fairhearing.evidence.vault import Vault, VaultError, default_vault
from fairhearing.organisation.models import Member, PanelMember
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.outbox.models import OutgoingEmail
from fairhearing.privacy.models import ErasureRequest, SpecialCategoryRecord, SubjectAccessRequest
from fairhearing.privacy.special_category import value_binding as special_category_binding
from fairhearing.procedure import subject_access as rule
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.special_category import Condition
from fairhearing.procedure.stages import Stage

FORMAT = "fairhearing subject access export"
FORMAT_VERSION = 1
WITHHELD = "file withheld: may contain other people's data; ask the data protection officer"
NOT_HELD = "no file held"
UNREADABLE = "file could not be read: ask the data protection officer"
RULE_SUMMARY = (
    "Other people's names are replaced by labels for the part they play ([the complainant], [panel member], "
    "[staff], [another member] ...), in free text too; other people's email addresses by [email address]. "
    "As complainant you receive your complaint, its progress and its outcome, not the respondent's data. "
    "Evidence files and their text are included only where they were served on you in a notice or supplied by "
    "you; other evidence is listed without its content. Ask the data protection officer for anything withheld."
)
# Roles that make a user "staff" for the labels; members and panel members are labelled as members.
_STAFF_ROLES = [r.value for r in Role if r not in (Role.MEMBER, Role.PANEL_MEMBER)]
_MAY_ACT_FOR_ANY_MEMBER = {Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR}
# What a complainant sees of the timeline besides the stage moves: that the case began and ended.
_COMPLAINANT_EVENTS = frozenset({EventKind.OPENED, EventKind.CLOSED, EventKind.WITHDRAWN, EventKind.DISMISSED})


def may_handle(user: User | None, member: Member) -> bool:
    """The member themselves, or the data protection officer (or an administrator); `None` is the command line,
    run by whoever operates the server."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return user.member_id == member.pk or bool(user.roles() & _MAY_ACT_FOR_ANY_MEMBER)


def _refuse_unless_allowed(user: User | None, member: Member) -> None:
    if not may_handle(user, member):
        raise ActionRefused("only the member themselves or the data protection officer may ask for a member's data")


def request_subject_access(
    member: Member, user: User | None, *, now: datetime | None = None, label: str | None = None
) -> SubjectAccessRequest:
    """Record a request, due one calendar month after the day it was received (REQ 32). `label` names an actor who
    is not a user on the audit log (the command line)."""
    _refuse_unless_allowed(user, member)
    now = now or timezone.now()
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            member=member,
            received_at=now,
            due_on=rule.due_date(timezone.localdate(now)),
            requested_by=user,
        )
        audit.record(
            user,
            "subject_access.requested",
            "subject_access_request",
            request.pk,
            summary=f"Subject access request {request.pk} received; due {request.due_on.isoformat()}.",
            subjects=[member.pk],
            data={"due_on": request.due_on.isoformat()},
            at=now,
            label=label,
        )
    return request


def extend_subject_access(
    request: SubjectAccessRequest, user: User, *, extend_to: date, reason: str, now: datetime | None = None
) -> SubjectAccessRequest:
    """The DPO extends the deadline, with reasons, before the first month is out (Art. 12(3), REQ 32)."""
    if not user.is_authenticated or not user.roles() & _MAY_ACT_FOR_ANY_MEMBER:
        raise ActionRefused("only the data protection officer may extend a subject access request")
    now = now or timezone.now()
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        refusals = rule.extension_refusals(
            received=timezone.localdate(request.received_at),
            due=request.due_on,
            today=timezone.localdate(now),
            extend_to=extend_to,
            reason=reason,
        )
        if request.extended_to is not None:
            refusals.append(f"the request was already extended to {request.extended_to.isoformat()}")
        if refusals:
            raise ActionRefused([Refusal("extension", r) for r in refusals])
        request.extended_to, request.extension_reason = extend_to, reason.strip()
        request.save(update_fields=["extended_to", "extension_reason"])
        audit.record(
            user,
            "subject_access.extended",
            "subject_access_request",
            request.pk,
            summary=f"Subject access request {request.pk} extended to {extend_to.isoformat()}, with reasons.",
            subjects=[request.member_id],
            data={"extended_to": extend_to.isoformat()},
            at=now,
        )
    return request


def export_subject_access(
    request: SubjectAccessRequest,
    user: User | None,
    *,
    now: datetime | None = None,
    vault: Vault | None = None,
    label: str | None = None,
) -> bytes:
    """The zip for `request`; records when it was handed over and the zip's SHA-256, and logs the export."""
    _refuse_unless_allowed(user, request.member)
    now = now or timezone.now()
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
        export = _Export(request.member, request, now, vault).build()
        archive = export.zip(now)
        digest = hashlib.sha256(archive).hexdigest()
        request.fulfilled_at, request.export_sha256 = now, digest
        request.save(update_fields=["fulfilled_at", "export_sha256"])
        audit.record(
            user,
            "subject_access.exported",
            "subject_access_request",
            request.pk,
            summary=f"Subject access export for request {request.pk} produced ({len(export.files)} evidence files).",
            subjects=[request.member_id],
            data={
                "sha256": digest,
                "cases": [
                    c["reference"] for c in export.data["cases_as_respondent"] + export.data["cases_as_complainant"]
                ],
                "evidence_files": sorted(export.files),
                "files_withheld": export.withheld,
                # Special-category values were opened for this export: the log says which kinds, never the values.
                "special_categories": export.special_categories,
            },
            at=now,
            label=label,
        )
    return archive


# --- building the export ----------------------------------------------------------------------------------------


def _name_of(lookup, default: str) -> str:
    try:
        return lookup().name
    except (KeyError, IndexError):
        return default


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _redact_all(value: Any, redactor: rule.Redactor) -> Any:
    """Every string in the export passes the general redactor once more: a safety net behind the per-field rules."""
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict):
        return {k: _redact_all(v, redactor) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_all(v, redactor) for v in value]
    return value


@dataclass
class _People:
    """Who is who, for the labels: every user's member link and whether they are staff."""

    member_of_user: dict[int, int | None]
    staff_users: set[int]
    user_names_by_member: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _People:
        member_of_user: dict[int, int | None] = {}
        names: dict[int, list[str]] = {}
        for pk, member_id, first, last in User.objects.values_list("pk", "member_id", "first_name", "last_name"):
            member_of_user[pk] = member_id
            full = f"{first} {last}".strip()
            if member_id is not None and full:
                names.setdefault(member_id, []).append(full)
        staff = set(User.objects.filter(groups__name__in=_STAFF_ROLES).values_list("pk", flat=True))
        return cls(member_of_user, staff, names)


class _Export:
    def __init__(self, member: Member, request: SubjectAccessRequest, now: datetime, vault: Vault | None):
        self.member, self.request, self.now, self._vault = member, request, now, vault
        self.people = _People.load()
        self.account: User | None = User.objects.filter(member=member).first()
        # Emails addressed to the member, oldest first; each was sent to an address that was theirs at the time.
        self.emails = list(
            OutgoingEmail.objects.filter(member=member).select_related("case").order_by("created_at", "pk")
        )
        self.redactor = self._general_redactor()
        self.case_redactors: dict[int, rule.Redactor] = {}
        self.files: dict[str, bytes] = {}
        self.withheld = 0
        self.special_categories: list[str] = []
        self.data: dict[str, Any] = {}

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            self._vault = default_vault()
        return self._vault

    # --- labels ---

    def _general_redactor(self) -> rule.Redactor:
        people: list[tuple[str, str]] = []
        people += [
            (n, rule.ANOTHER_MEMBER) for n in Member.objects.exclude(pk=self.member.pk).values_list("name", flat=True)
        ]
        for pk, first, last in User.objects.exclude(member=self.member).values_list("pk", "first_name", "last_name"):
            full = f"{first} {last}".strip()
            if full:
                staff = pk in self.people.staff_users or self.people.member_of_user.get(pk) is None
                people.append((full, rule.STAFF if staff else rule.ANOTHER_MEMBER))
        names = Case.objects.exclude(complainant_name="").values_list("complainant_name", flat=True).distinct()
        people += [(n, rule.ANOTHER_PERSON) for n in names]
        own_names = [self.member.name]
        own_emails = [self.member.email, *(e.recipient for e in self.emails)]
        if self.account is not None:
            own_names.append(self.account.get_full_name())
            own_emails.append(self.account.email)
        return rule.Redactor.build(people, own_names=[n for n in own_names if n], own_emails=own_emails)

    def _case_labels(self, case: Case, as_respondent: bool) -> dict[int, str]:
        """Member id -> label for the people of one case (everyone else keeps the general label)."""
        labels: dict[int, str] = {}
        seated = set(PanelMember.objects.filter(sittings__case=case).values_list("member_id", flat=True))
        seated |= set(PanelMember.objects.filter(decisions__case=case).values_list("member_id", flat=True))
        seated |= set(case.declared_conflicts.values_list("panel_member_id", flat=True))
        for member_id in seated:
            labels[member_id] = rule.PANEL_MEMBER
        if case.investigator_id:
            labels[case.investigator_id] = rule.INVESTIGATOR
        if as_respondent and case.complainant_member_id:
            labels[case.complainant_member_id] = rule.THE_COMPLAINANT
        if not as_respondent:
            labels[case.respondent_id] = rule.THE_RESPONDENT
        labels.pop(self.member.pk, None)
        return labels

    def _case_redactor(self, case: Case, labels: dict[int, str], as_respondent: bool) -> rule.Redactor:
        people: list[tuple[str, str]] = []
        names = dict(Member.objects.filter(pk__in=labels).values_list("pk", "name"))
        for member_id, label in labels.items():
            people += [
                (n, label)
                for n in [names.get(member_id, ""), *self.people.user_names_by_member.get(member_id, [])]
                if n
            ]
        if as_respondent and case.complainant_name:
            people.append((case.complainant_name, rule.THE_COMPLAINANT))
        redactor = self.redactor.for_case(people)
        self.case_redactors[case.pk] = redactor
        return redactor

    def _actor(self, actor_id: int | None, actor_label: str, labels: dict[int, str] | None = None) -> str:
        """Who did something, as the member may see it: themselves by name, anyone else by their part."""
        if actor_id is None:
            return actor_label if actor_label == audit.SYSTEM_LABEL else rule.STAFF
        member_id = self.people.member_of_user.get(actor_id)
        if member_id == self.member.pk:
            return actor_label or self.member.name
        if labels and member_id in labels:
            return labels[member_id]
        if actor_id in self.people.staff_users or member_id is None:
            return rule.STAFF
        return rule.ANOTHER_MEMBER

    # --- sections ---

    def build(self) -> _Export:
        member = self.member
        as_respondent = list(
            Case.objects.filter(respondent=member)
            .select_related("body", "rulebook_version", "investigator", "complainant_member")
            .order_by("received_at", "pk")
        )
        as_complainant = list(
            Case.objects.filter(complainant_member=member)
            .exclude(respondent=member)
            .select_related("body", "rulebook_version")
            .order_by("received_at", "pk")
        )
        data: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "software": f"fairhearing {__version__}",
            "generated_at": self.now,
            "request": {
                "id": self.request.pk,
                "received_at": self.request.received_at,
                "due_on": self.request.due_on,
                "extended_to": self.request.extended_to,
            },
            "redaction_rule": RULE_SUMMARY,
            "profile": self._profile(),
            "cases_as_respondent": [self._respondent_case(c) for c in as_respondent],
            "cases_as_complainant": [self._complainant_case(c) for c in as_complainant],
            "other_roles_in_cases": self._other_roles(),
            "emails": self._emails(),
            "audit_log": self._audit_entries(),
            "subject_access_requests": self._subject_access_requests(),
            "erasure_requests": self._erasure_requests(),
            "special_category_data": self._special_category(),
        }
        self.data = _redact_all(data, self.redactor)
        return self

    def _profile(self) -> dict[str, Any]:
        m = self.member
        version = current_rulebook_version()
        offices = {o.id: o.name for o in version.rulebook.offices} if version else {}
        profile: dict[str, Any] = {
            "membership_number": m.membership_number,
            "name": m.name,
            "email": m.email,
            "branch": m.branch.name,
            "region": m.branch.region.name,
            "status": m.get_status_display(),
            "joined": m.joined,
            "left_on": m.left_on,
            "anonymised_at": m.anonymised_at,
            "offices": [
                {"office": offices.get(o.office, o.office), "since": o.since, "until": o.until}
                for o in m.offices.order_by("since", "pk")
            ],
            "panel_seats": [
                {
                    "body": s.body.name,
                    "role": s.get_role_display(),
                    "expertise": s.get_expertise_display(),
                    "trained_until": s.trained_until,
                    "active": s.active,
                }
                for s in m.panel_seats.select_related("body").order_by("body__name")
            ],
            "account": None,
        }
        if self.account is not None:
            a = self.account
            profile["account"] = {
                "username": a.username,
                "name": a.get_full_name(),
                "email": a.email,
                "roles": sorted(r.label for r in a.roles()),
                "created": a.date_joined,
                "last_sign_in": a.last_login,
            }
        return profile

    def _rulebook(self, case: Case) -> Rulebook:
        return case.rulebook_version.rulebook

    def _allegations(self, case: Case, rb: Rulebook, redactor: rule.Redactor) -> list[dict[str, Any]]:
        return [
            {
                "id": a.pk,
                "clause": a.clause,
                "clause_title": _clause_title(rb, a.clause),
                "particulars": redactor.text(a.particulars),
                "conduct_date": a.conduct_date,
            }
            for a in case.allegations.all()
        ]

    def _respondent_case(self, case: Case) -> dict[str, Any]:
        rb = self._rulebook(case)
        labels = self._case_labels(case, as_respondent=True)
        red = self._case_redactor(case, labels, as_respondent=True)
        served = set(NoticeEvidence.objects.filter(notice__case=case).values_list("evidence_id", flat=True))
        notice = getattr(case, "notice", None)
        triage = getattr(case, "triage_record", None)
        appeal = getattr(case, "appeal", None)

        def sanction(sanction_id: str) -> str:
            return _name_of(lambda: rb.sanction(sanction_id), sanction_id) if sanction_id else ""

        offices = {o.id: o.name for o in rb.offices}
        factor = {f.id: f.name for f in (*rb.guidelines.aggravating, *rb.guidelines.mitigating)}
        return {
            "reference": case.reference,
            "your_role": "respondent",
            "received_at": case.received_at,
            "source": case.get_source_display(),
            "complainant": self._complainant_label(case),
            "body": case.body.name,
            "routing_reason": red.text(case.routing_reason),
            "rulebook_version": case.rulebook_version.version,
            "offices_at_the_time": [offices.get(o, o) for o in case.respondent_offices],
            "seriousness": _name_of(lambda: _find(rb.seriousness, case.seriousness), case.seriousness),
            "stage": _stage(case.stage),
            "stage_entered_at": case.stage_entered_at,
            "investigator": rule.INVESTIGATOR if case.investigator_id else None,
            "responded_on": case.responded_on,
            "hearing_on": case.hearing_on,
            "outcome": sanction(case.outcome),
            "closed_at": case.closed_at,
            "closure_reason": red.text(case.closure_reason),
            "triage": {
                "recorded_at": triage.recorded_at,
                "informal_resolution_suitable": triage.informal_resolution_suitable,
                "interim_action_needed": triage.interim_action_needed,
                "interim_action_reasons": red.text(triage.interim_action_reasons),
                "protected_characteristics_involved": triage.protected_characteristics_involved,
            }
            if triage
            else None,
            "allegations": self._allegations(case, rb, red),
            "notice": {
                "served_on": notice.served_on,
                "evidence_relied_on": [
                    {"allegation": allegation, "evidence": sorted(item for a, item in pairs if a == allegation)}
                    for pairs in [list(notice.evidence_relied_on.values_list("allegation_id", "evidence_id"))]
                    for allegation in sorted({a for a, _ in pairs})
                ],
            }
            if notice
            else None,
            "evidence": [
                self._evidence(
                    item,
                    red,
                    case.reference,
                    # Served on them, or supplied by them: nothing in it is new to them.
                    disclosed=item.pk in served or item.provenance == Provenance.RESPONDENT,
                    served=item.pk in served,
                )
                for item in case.evidence.select_related("stored_file").order_by("added_at", "pk")
            ],
            "interim_suspensions": [
                {
                    "imposed_at": s.imposed_at,
                    "decision_maker": red.text(s.decision_maker),
                    "criterion": red.text(s.criterion),
                    "reasons": red.text(s.reasons),
                    "proportionality": red.text(s.proportionality),
                    "restricts": red.text(s.restricts),
                    "review_by": s.review_by,
                    "review_missed": s.review_missed,
                    "lifted_at": s.lifted_at,
                    "lift_reason": red.text(s.lift_reason),
                    "note": "An interim suspension is not a sanction and never counts as prior conduct.",
                }
                for s in case.interim_suspensions.order_by("imposed_at", "pk")
            ],
            "decisions": [
                {
                    "kind": d.get_kind_display(),
                    "decided_at": d.decided_at,
                    "body": d.body.name,
                    "sanction": sanction(d.sanction),
                    "suspension_months": d.suspension_months,
                    "culpability": d.culpability,
                    "harm": d.harm,
                    "aggravating": [factor.get(f, f) for f in d.aggravating],
                    "mitigating": [factor.get(f, f) for f in d.mitigating],
                    "guideline": {
                        "starting_point": sanction(d.guideline_starting_point),
                        "lowest": sanction(d.guideline_lowest),
                        "highest": sanction(d.guideline_highest),
                    }
                    if d.guideline_starting_point
                    else None,
                    "departure_reason": red.text(d.departure_reason),
                    "reasons": red.text(d.reasons),
                    "appeal_result": d.get_appeal_result_display() if d.appeal_result else "",
                    "notified_on": d.notified_on,
                    "panel": [
                        {
                            "seat": rule.PANEL_MEMBER,
                            "role": p.get_role_display(),
                            "expertise": p.get_expertise_display(),
                        }
                        for p in d.panel.order_by("role", "pk")
                    ],
                    "findings": [
                        {
                            "allegation": f.allegation_id,
                            "proven": f.proven,
                            "reasons": red.text(f.reasons),
                            "evidence": sorted(f.evidence.values_list("pk", flat=True)),
                        }
                        for f in d.findings.order_by("allegation_id")
                    ],
                }
                for d in case.decisions.select_related("body").order_by("decided_at", "pk")
            ],
            "appeal": {
                "lodged_on": appeal.lodged_on,
                "grounds": list(appeal.grounds),
                "explanation": red.text(appeal.explanation),
                "late_reason": red.text(appeal.late_reason),
                "body": appeal.body.name,
            }
            if appeal
            else None,
            "conflicts_declared": [
                {
                    "panel_member": rule.PANEL_MEMBER,
                    "with": self.member.name
                    if c.with_member_id == self.member.pk
                    else labels.get(c.with_member_id, rule.ANOTHER_MEMBER),
                    "reason": red.text(c.reason),
                    "declared_at": c.declared_at,
                }
                for c in case.declared_conflicts.order_by("declared_at", "pk")
            ],
            "legal_holds": [
                {"placed_at": h.placed_at, "reason": red.text(h.reason), "released_at": h.released_at}
                for h in case.legal_holds.order_by("placed_at", "pk")
            ],
            "timeline": [self._event(e, red, labels) for e in case.timeline.order_by("at", "pk")],
        }

    def _complainant_label(self, case: Case) -> str:
        if case.complainant_kind == "organisation":
            return "The organisation itself"
        return rule.THE_COMPLAINANT

    def _complainant_case(self, case: Case) -> dict[str, Any]:
        rb = self._rulebook(case)
        labels = self._case_labels(case, as_respondent=False)
        red = self._case_redactor(case, labels, as_respondent=False)
        outcomes = [
            {
                "kind": d.get_kind_display(),
                "decided_at": d.decided_at,
                "outcome": _name_of(lambda d=d: rb.sanction(d.sanction), d.sanction),
                "appeal_result": d.get_appeal_result_display() if d.kind == DecisionKind.APPEAL else "",
            }
            for d in case.decisions.order_by("decided_at", "pk")
        ]
        return {
            "reference": case.reference,
            "your_role": "complainant",
            "received_at": case.received_at,
            "source": case.get_source_display(),
            "respondent": rule.THE_RESPONDENT,
            "body": case.body.name,
            "stage": _stage(case.stage),
            "stage_entered_at": case.stage_entered_at,
            "closed_at": case.closed_at,
            "allegations": self._allegations(case, rb, red),
            "outcomes": outcomes,
            "evidence": [
                self._evidence(item, red, case.reference, disclosed=True, served=False)
                for item in case.evidence.filter(provenance=Provenance.COMPLAINANT)
                .select_related("stored_file")
                .order_by("added_at", "pk")
            ],
            # The progress of the case, without what its entries say about the respondent.
            "timeline": [
                {
                    "at": e.at,
                    "event": e.get_kind_display(),
                    "stage_from": _stage(e.stage_from),
                    "stage_to": _stage(e.stage_to),
                }
                for e in case.timeline.order_by("at", "pk")
                if e.stage_to or e.kind in _COMPLAINANT_EVENTS
            ],
            "not_included": "As complainant you receive your complaint, its progress and its outcome. The reasons, "
            "findings and other records of the case are the respondent's personal data.",
        }

    def _evidence(
        self, item: EvidenceItem, red: rule.Redactor, reference: str, *, disclosed: bool, served: bool
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": item.pk,
            "kind": item.get_kind_display(),
            "description": red.text(item.description),
            "provenance": item.get_provenance_display(),
            "attribution": item.get_attribution_display(),
            "attribution_method": red.text(item.attribution_method),
            "visibility": item.get_visibility_display(),
            "lawful_basis": red.text(item.lawful_basis),
            "captured_at": item.captured_at,
            "captured_by": red.text(item.captured_by),
            "content_date": item.content_date,
            "added_at": item.added_at,
            "admissibility": item.get_admissibility_display(),
            "ruled_at": item.ruled_at,
            "ruling_reason": red.text(item.ruling_reason),
            "ruling_needed": [red.text(r) for r in item.ruling_needed],
            "flags": [red.text(f) for f in item.flags],
            "media_type": item.media_type,
            "size": item.size,
            "sha256": item.sha256,
            "served_on_you": served,
            "erased_at": item.erased_at,
        }
        if item.erased_at is not None:
            entry |= {"content": "erased", "file": None}
            return entry
        if not disclosed:
            self.withheld += 1 if item.stored_file_id or item.text else 0
            entry |= {"content": WITHHELD, "file": None}
            return entry
        entry |= {
            "original_name": red.text(item.original_name),
            "source_url": item.source_url,
            "original_source": red.text(item.original_source),
            "text": red.text(item.text),
        }
        if item.stored_file is None:
            entry |= {"content": "included" if (item.text or item.source_url) else NOT_HELD, "file": None}
            return entry
        try:
            content = self.vault.get(item.stored_file.blob_name)
        except VaultError:
            entry |= {"content": UNREADABLE, "file": None}
            return entry
        # Named by case and item only: an original file name may itself name someone.
        path = f"files/{reference}/evidence-{item.pk}{_extension(item.media_type or item.stored_file.media_type)}"
        self.files[path] = content
        entry |= {"content": "included", "file": path}
        return entry

    def _event(self, e: TimelineEvent, red: rule.Redactor, labels: dict[int, str]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "at": e.at,
            "event": e.get_kind_display(),
            "by": self._actor(e.actor_id, e.actor_label, labels),
            "stage_from": _stage(e.stage_from),
            "stage_to": _stage(e.stage_to),
            "summary": red.text(e.summary),
        }
        # Timeline data holds internal ids (of panel members, evidence); only the member's own response is theirs.
        if isinstance(e.data, dict) and isinstance(e.data.get("response"), str):
            entry["your_response"] = red.text(e.data["response"])
        return entry

    def _emails(self) -> list[dict[str, Any]]:
        """The emails sent (or waiting, or given up) to the member. Call it after the cases: an email about one of
        their cases is redacted as that case is, anything else by the general rule."""
        entries = []
        for e in self.emails:
            red = self.case_redactors.get(e.case_id, self.redactor) if e.case_id else self.redactor
            entries.append(
                {
                    "kind": e.get_kind_display(),
                    "case_reference": e.case.reference if e.case is not None else "",
                    "to": e.recipient,
                    "subject": red.text(e.subject),
                    "body": red.text(e.body),
                    "status": e.get_status_display(),
                    "created_at": e.created_at,
                    "sent_at": e.sent_at,
                    "gave_up_at": e.gave_up_at,
                    "attempts": e.attempts,
                    # The server's answer can quote an address; passed through the rule like everything else.
                    "last_error": red.text(e.last_error),
                }
            )
        return entries

    def _other_roles(self) -> list[dict[str, Any]]:
        """Cases the member took part in other than as a party: as investigator or on a panel."""
        roles: dict[str, set[str]] = {}
        for ref in Case.objects.filter(investigator=self.member).values_list("reference", flat=True):
            roles.setdefault(ref, set()).add("investigator")
        for ref, kind in PanelMember.objects.filter(member=self.member).values_list(
            "sittings__case__reference", "sittings__kind"
        ):
            if ref:
                roles.setdefault(ref, set()).add(f"{kind} panel member")
        for ref in PanelMember.objects.filter(member=self.member).values_list("decisions__case__reference", flat=True):
            if ref:
                roles.setdefault(ref, set()).add("decision panel member")
        return [{"reference": ref, "roles": sorted(r)} for ref, r in sorted(roles.items())]

    def _audit_entries(self) -> list[dict[str, Any]]:
        pk = self.member.pk
        entries = AuditEvent.objects.order_by("index")
        if connection.features.supports_json_field_contains:
            entries = entries.filter(subject_member_ids__contains=[pk])
        else:
            # SQLite cannot look inside a JSON list: narrow by text, then check each list exactly.
            entries = entries.filter(subject_member_ids__icontains=str(pk))
        return [
            {
                "at": e.at,
                "action": e.action,
                "object_type": e.object_type,
                # Another member's id is theirs to know; entries about the member themselves keep it.
                "object_id": e.object_id if e.object_type != "member" or e.object_id == str(pk) else "",
                "case_reference": e.case_reference,
                "by": self._actor(e.actor_user_id, e.actor_label),
                "summary": self.redactor.text(e.summary),
                # A receipt: the entry's place in the log, which anyone can check against a signed checkpoint.
                "log_index": e.index,
            }
            for e in entries
            if pk in (e.subject_member_ids or [])
        ]

    def _special_category(self) -> list[dict[str, Any]]:
        """The member's own special-category records (Art. 9), opened the way `privacy.special_category` seals
        them: bound to this member and category, so only their own can open here."""
        records = list(SpecialCategoryRecord.objects.filter(member=self.member).order_by("category"))
        entries = []
        for r in records:
            try:
                value = self.vault.unseal(
                    bytes(r.value_encrypted), special_category_binding(self.member.pk, r.category)
                )
                text = value.decode()
            except (VaultError, UnicodeDecodeError):
                text = UNREADABLE.replace("file", "value")
            entries.append(
                {
                    "category": r.get_category_display(),
                    "value": text,
                    "purpose": r.purpose,
                    "condition": Condition(r.condition).label if r.condition in Condition else r.condition,
                    "recorded_at": r.recorded_at,
                    "recorded_by": self._actor(r.recorded_by_id, "") if r.recorded_by_id else "",
                }
            )
        self.special_categories = [r.category for r in records]
        return entries

    def _subject_access_requests(self) -> list[dict[str, Any]]:
        return [
            {
                "id": r.pk,
                "received_at": r.received_at,
                "due_on": r.due_on,
                "extended_to": r.extended_to,
                "extension_reason": self.redactor.text(r.extension_reason),
                "requested_by": self._actor(r.requested_by_id, "") if r.requested_by_id else "",
                # This export is the answer to the current request; its own hash cannot be inside it.
                "fulfilled_at": self.now if r.pk == self.request.pk else r.fulfilled_at,
                "export_sha256": "" if r.pk == self.request.pk else r.export_sha256,
            }
            for r in SubjectAccessRequest.objects.filter(member=self.member).order_by("received_at", "pk")
        ]

    def _erasure_requests(self) -> list[dict[str, Any]]:
        return [
            {
                "received_at": r.received_at,
                "details": self.redactor.text(r.details),
                "status": r.get_status_display(),
                "decided_at": r.decided_at,
                "decided_by": self._actor(r.decided_by_id, "") if r.decided_by_id else "",
                "decision_reason": self.redactor.text(r.decision_reason),
            }
            for r in ErasureRequest.objects.filter(member=self.member).order_by("received_at", "pk")
        ]

    # --- the zip ---

    def report_html(self) -> str:
        return render_to_string("privacy/subject_access_report.html", {"d": self.data, "withheld_text": WITHHELD})

    def zip(self, now: datetime) -> bytes:
        stamp = timezone.localtime(now).timetuple()[:6]
        contents: dict[str, bytes] = {
            "data.json": json.dumps(self.data, default=_json_default, indent=2, ensure_ascii=False).encode(),
            "report.html": self.report_html().encode(),
            **dict(sorted(self.files.items())),
        }
        manifest = {
            "format": FORMAT,
            "generated_at": now,
            "membership_number": self.member.membership_number,
            "note": "Every file in this archive but this manifest, with its SHA-256.",
            "files": [
                {"path": path, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
                for path, body in contents.items()
            ],
        }
        contents["manifest.json"] = json.dumps(manifest, default=_json_default, indent=2).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, body in contents.items():
                info = zipfile.ZipInfo(path, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                archive.writestr(info, body)
        return buffer.getvalue()


def _stage(value: str) -> str:
    try:
        return Stage(value).label if value else ""
    except ValueError:
        return value


def _clause_title(rb: Rulebook, clause_id: str) -> str:
    try:
        return rb.clause(clause_id).title
    except KeyError:
        return ""


def _find(items: Iterable[Any], item_id: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def _extension(media_type: str) -> str:
    known = {"message/rfc822": ".eml", "text/plain": ".txt", "image/jpeg": ".jpg"}
    return known.get(media_type) or mimetypes.guess_extension(media_type or "") or ".bin"
