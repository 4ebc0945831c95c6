"""The access policy for cases, evidence and data-protection work.

The rules (REQ: access to a case is need-to-know, and a refusal reveals nothing):
- case officers, oversight officers and the data protection officer read every case; administrators run the
  system and read no case;
- a body officer reads the cases now with a body they serve, and the appeals their body hears;
- a panel member reads only the cases their live panel hears, and none where they have declared a conflict;
- a member reads only their own cases: as respondent they see the record served on them, as complainant less;
- only case officers, body officers and panel members act on a case (the engine decides which action), only on
  cases they can read; oversight adds flags and notes and nothing else.

Each rule is written once, as a query filter; the check for one case runs the same filter for that case, so a
list can never show a case its page would refuse, or the other way round.
"""

from __future__ import annotations

from enum import IntEnum

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import (
    Admissibility,
    Appeal,
    Case,
    DeclaredConflict,
    EvidenceItem,
    NoticeEvidence,
    PanelSitting,
    Provenance,
)
from fairhearing.organisation.models import Body, PanelMember, PanelRole
from fairhearing.organisation.selectors import body_key
from fairhearing.procedure.workflow import ROLES, Action

READ_ALL = frozenset({Role.CASE_OFFICER, Role.OVERSIGHT_OFFICER, Role.DATA_PROTECTION_OFFICER})
ACTING = frozenset({Role.CASE_OFFICER, Role.BODY_OFFICER, Role.PANEL_MEMBER})
FLAGGING = frozenset({Role.OVERSIGHT_OFFICER})
STAFF = frozenset(Role) - {Role.MEMBER}
# Administrators run the system (accounts, rulebooks) and have no casework, so no workspace.
WORKSPACE = STAFF - {Role.ADMINISTRATOR}


class CaseView(IntEnum):
    """How much of a case someone sees. The staff record is for the first two; members have the portal."""

    NONE = 0
    COMPLAINANT = 1
    RESPONDENT = 2
    PANEL = 3
    STAFF = 4

    @property
    def is_staff(self) -> bool:
        return self >= CaseView.PANEL


def roles_of(user: User) -> frozenset[Role]:
    if not user.is_authenticated:
        return frozenset()
    # One query per request, not per question: pages ask about many cases.
    cached = getattr(user, "_fairhearing_roles", None)
    if cached is None:
        cached = frozenset(user.roles())
        user._fairhearing_roles = cached
    return cached


def is_staff(user: User) -> bool:
    return bool(roles_of(user) & STAFF)


def uses_workspace(user: User) -> bool:
    return bool(roles_of(user) & WORKSPACE)


def _served_bodies(user: User) -> QuerySet[PanelMember]:
    # An officer's seat, not a panel seat: sitting on a body's panel gives the panel's view, never the officer's.
    return PanelMember.objects.filter(user=user, active=True, role=PanelRole.OFFICER).values("body_id")


def _conflicted(user: User) -> Q:
    conflicted = DeclaredConflict.objects.filter(case=OuterRef("pk"), panel_member_id=user.member_id)
    return Q(Exists(conflicted)) if user.member_id else Q(pk__in=[])


def _serving(user: User) -> Q:
    """Cases with a body the user serves as its officer, now or on appeal, unless they declared a conflict there."""
    bodies = _served_bodies(user)
    return (Q(body_id__in=bodies) | Q(appeal__body_id__in=bodies)) & ~_conflicted(user)


def _sitting(user: User) -> Q:
    """Cases the user's live panel hears (first instance or appeal), unless they declared a conflict there."""
    sits = PanelSitting.objects.filter(case=OuterRef("pk"), dissolved_at__isnull=True, seats__user=user)
    return Q(Exists(sits)) & ~_conflicted(user)


def _party(user: User) -> Q:
    """Cases the user is a party to. Nobody reads their own case as staff: there they are a party like any other."""
    if user.member_id is None:
        return Q(pk__in=[])
    return Q(respondent_id=user.member_id) | Q(complainant_member_id=user.member_id)


def staff_cases(user: User) -> QuerySet[Case]:
    """The cases a user may open as staff: every list and count of staff pages starts from this."""
    roles = roles_of(user)
    if roles & READ_ALL:
        return Case.objects.exclude(_party(user))
    allowed = Q(pk__in=[])
    if Role.BODY_OFFICER in roles:
        allowed |= _serving(user)
    if Role.PANEL_MEMBER in roles:
        allowed |= _sitting(user)
    return Case.objects.filter(allowed).exclude(_party(user))


def member_cases(user: User) -> QuerySet[Case]:
    """The member's own cases, as respondent or complainant."""
    if not user.is_authenticated or user.member_id is None:
        return Case.objects.none()
    return Case.objects.filter(Q(respondent_id=user.member_id) | Q(complainant_member_id=user.member_id))


def case_view(user: User, case: Case) -> CaseView:
    roles = roles_of(user)
    if not roles:
        return CaseView.NONE
    # A party sees their own case as a party, whatever else they are (the same rule as `_party`).
    if user.member_id is not None and user.member_id == case.respondent_id:
        return CaseView.RESPONDENT
    if user.member_id is not None and user.member_id == case.complainant_member_id:
        return CaseView.COMPLAINANT
    if roles & READ_ALL:
        return CaseView.STAFF
    one = Case.objects.filter(pk=case.pk)
    if Role.BODY_OFFICER in roles and one.filter(_serving(user)).exists():
        return CaseView.STAFF
    if Role.PANEL_MEMBER in roles and one.filter(_sitting(user)).exists():
        return CaseView.PANEL
    return CaseView.NONE


def may_act(user: User, case: Case) -> bool:
    """May take procedure actions on this case at all; which ones, the engine decides from the roles."""
    return bool(roles_of(user) & ACTING) and case_view(user, case).is_staff


# The appeal's side of a case is the appeals body's business; everything else is the first-instance body's.
APPEAL_SIDE = frozenset({Action.LODGE_APPEAL, Action.FORM_APPEAL_PANEL, Action.RECORD_APPEAL_DECISION})


def _acting_body_id(case: Case, action: Action) -> int | None:
    if action not in APPEAL_SIDE:
        return case.body_id
    if (found := Appeal.objects.filter(case=case).values_list("body_id", flat=True).first()) is not None:
        return found
    # No appeal yet (lodging one): the appeals body that would hear it, in the respondent's region or branch.
    rb = case.rulebook_version.rulebook
    appeals_to = rb.body(case.body.kind).appeals_to
    if not appeals_to:
        return None
    kind, region, branch = body_key(appeals_to, rb.body(appeals_to).level, case.respondent)
    return Body.objects.filter(kind=kind, region_id=region, branch_id=branch).values_list("pk", flat=True).first()


def acts_for_body(user: User, case: Case, action: Action) -> bool:
    """A body officer acts for the body they serve and no other: the first-instance body's officer does not form
    the appeal panel, and the appeals body's officer does not transfer or suspend. Someone who may take the action
    in another role (a case officer, say) is not held to this."""
    roles = roles_of(user) & ROLES[action]
    if roles != {Role.BODY_OFFICER}:
        return bool(roles)
    return serves_acting_body(user, case, action)


def serves_acting_body(user: User, case: Case, action: Action) -> bool:
    """Is the user an officer of the body this action on this case belongs to?"""
    if Role.BODY_OFFICER not in roles_of(user):
        return False
    body_id = _acting_body_id(case, action)
    return body_id is not None and _served_bodies(user).filter(body_id=body_id).exists()


def may_flag(user: User, case: Case) -> bool:
    return bool(roles_of(user) & FLAGGING)


def visible_evidence(user: User, case: Case, view: CaseView | None = None) -> QuerySet[EvidenceItem]:
    """The evidence items of a case this user may see listed (and, with a file, open)."""
    view = case_view(user, case) if view is None else view
    items = case.evidence.all()
    if view == CaseView.STAFF:
        return items
    if view == CaseView.PANEL:
        # A panel decides on admitted evidence only; what was excluded must not colour its view.
        return items.filter(admissibility=Admissibility.ADMITTED)
    if view == CaseView.RESPONDENT:
        # The respondent sees what was served on them, and what they supplied themselves.
        served = NoticeEvidence.objects.filter(notice__case=case).values("evidence_id")
        return items.filter(Q(pk__in=served) | Q(provenance=Provenance.RESPONDENT, added_by_id=user.pk))
    if view == CaseView.COMPLAINANT:
        # What came from the complainant (whoever recorded it for them) is theirs to see; the rest is not.
        return items.filter(provenance=Provenance.COMPLAINANT)
    return items.none()


def may_read_file(user: User, item: EvidenceItem) -> bool:
    if not user.is_authenticated or item.erased_at is not None:
        return False
    return visible_evidence(user, item.case).filter(pk=item.pk).exists()


def may_export_bundle(user: User, case: Case) -> bool:
    """The notice's bundle: for the staff who read the case, the respondent it was served on, and the panel now
    sitting (a conflicted member is no longer 'sitting' for this purpose: see `_sitting`)."""
    return case_view(user, case) in {CaseView.STAFF, CaseView.PANEL, CaseView.RESPONDENT}


# The whole audit log is read by those who watch the process and by administrators, who run it; a member reads the
# entries about them (their receipts).
LOG_READERS = READ_ALL | {Role.ADMINISTRATOR}


def may_see_log_entry(user: User, subject_member_ids) -> bool:
    if not user.is_authenticated:
        return False
    return bool(roles_of(user) & LOG_READERS) or (user.member_id is not None and user.member_id in subject_member_ids)


# Member records are need-to-know too: those who read every case (to see who a respondent is) and administrators,
# who keep the register; only administrators change it.
MEMBER_READERS = READ_ALL | {Role.ADMINISTRATOR}
MEMBER_KEEPERS = frozenset({Role.ADMINISTRATOR})


def may_read_members(user: User) -> bool:
    return bool(roles_of(user) & MEMBER_READERS)


def may_change_members(user: User) -> bool:
    return bool(roles_of(user) & MEMBER_KEEPERS)


def log_entries(user: User) -> QuerySet[AuditEvent]:
    """The audit log entries this user may read: all of them for LOG_READERS, else those about the member they are
    (`may_see_log_entry` as a query filter)."""
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    if roles_of(user) & LOG_READERS:
        return AuditEvent.objects.all()
    if user.member_id is None:
        return AuditEvent.objects.none()
    if connection.features.supports_json_field_contains:
        return AuditEvent.objects.filter(subject_member_ids__contains=[user.member_id])
    # SQLite cannot look inside a JSON list: match the id as a whole element of the stored list's text.
    text = Cast("subject_member_ids", TextField())
    return AuditEvent.objects.annotate(subjects_text=text).filter(subjects_text__regex=rf"[\[ ,]{user.member_id}[,\]]")


def does_data_protection_work(user: User) -> bool:
    return Role.DATA_PROTECTION_OFFICER in roles_of(user)
