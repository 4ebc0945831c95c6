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

from django.db.models import Exists, OuterRef, Q, QuerySet

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import (
    Admissibility,
    Case,
    DeclaredConflict,
    EvidenceItem,
    NoticeEvidence,
    PanelSitting,
    Provenance,
)
from fairhearing.organisation.models import PanelMember

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
    return PanelMember.objects.filter(user=user, active=True).values("body_id")


def _serving(user: User) -> Q:
    """Cases with a body the user serves as its officer, now or on appeal."""
    bodies = _served_bodies(user)
    return Q(body_id__in=bodies) | Q(appeal__body_id__in=bodies)


def _sitting(user: User) -> Q:
    """Cases the user's live panel hears (first instance or appeal), unless they declared a conflict there."""
    sits = PanelSitting.objects.filter(case=OuterRef("pk"), dissolved_at__isnull=True, seats__user=user)
    conflicted = DeclaredConflict.objects.filter(case=OuterRef("pk"), panel_member_id=user.member_id)
    return Q(Exists(sits)) & ~Q(Exists(conflicted)) if user.member_id else Q(Exists(sits))


def staff_cases(user: User) -> QuerySet[Case]:
    """The cases a user may open as staff: every list and count of staff pages starts from this."""
    roles = roles_of(user)
    if roles & READ_ALL:
        return Case.objects.all()
    allowed = Q(pk__in=[])
    if Role.BODY_OFFICER in roles:
        allowed |= _serving(user)
    if Role.PANEL_MEMBER in roles:
        allowed |= _sitting(user)
    return Case.objects.filter(allowed)


def member_cases(user: User) -> QuerySet[Case]:
    """The member's own cases, as respondent or complainant."""
    if not user.is_authenticated or user.member_id is None:
        return Case.objects.none()
    return Case.objects.filter(Q(respondent_id=user.member_id) | Q(complainant_member_id=user.member_id))


def case_view(user: User, case: Case) -> CaseView:
    roles = roles_of(user)
    if not roles:
        return CaseView.NONE
    if roles & READ_ALL:
        return CaseView.STAFF
    one = Case.objects.filter(pk=case.pk)
    if Role.BODY_OFFICER in roles and one.filter(_serving(user)).exists():
        return CaseView.STAFF
    if Role.PANEL_MEMBER in roles and one.filter(_sitting(user)).exists():
        return CaseView.PANEL
    if user.member_id is not None and user.member_id == case.respondent_id:
        return CaseView.RESPONDENT
    if user.member_id is not None and user.member_id == case.complainant_member_id:
        return CaseView.COMPLAINANT
    return CaseView.NONE


def may_act(user: User, case: Case) -> bool:
    """May take procedure actions on this case at all; which ones, the engine decides from the roles."""
    return bool(roles_of(user) & ACTING) and case_view(user, case).is_staff


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


def does_data_protection_work(user: User) -> bool:
    return Role.DATA_PROTECTION_OFFICER in roles_of(user)
