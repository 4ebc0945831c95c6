"""Who may open an evidence file. Kept in one small function so the web and the exports ask the same question."""

from __future__ import annotations

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import Admissibility, Case, EvidenceItem, NoticeEvidence, Provenance

# Staff whose work is the evidence itself, and oversight, which reads everything.
_READ_ALL = {Role.CASE_OFFICER, Role.DATA_PROTECTION_OFFICER, Role.OVERSIGHT_OFFICER}


def may_read_file(user: User, item: EvidenceItem) -> bool:
    if not user.is_authenticated or item.erased_at is not None:
        return False
    roles = user.roles()
    if roles & _READ_ALL:
        return True
    case = item.case
    if user.member_id is not None and user.member_id == case.respondent_id:
        # The respondent sees what was served on them, and what they supplied themselves.
        served = NoticeEvidence.objects.filter(notice__case=case, evidence=item).exists()
        return served or (item.provenance == Provenance.RESPONDENT and item.added_by_id == user.pk)
    if Role.PANEL_MEMBER in roles and item.admissibility == Admissibility.ADMITTED:
        return case.sittings.filter(dissolved_at__isnull=True, seats__user=user).exists()
    return False


def may_export_bundle(user: User, case: Case) -> bool:
    """Who may take away the notice's evidence bundle: the staff above, the respondent it was served on, and the
    members of the panel now sitting on the case, unless they have declared a conflict in it."""
    if not user.is_authenticated:
        return False
    roles = user.roles()
    if roles & _READ_ALL:
        return True
    if user.member_id is not None and user.member_id == case.respondent_id:
        return True
    if Role.PANEL_MEMBER not in roles:
        return False
    if user.member_id is not None and case.declared_conflicts.filter(panel_member_id=user.member_id).exists():
        return False
    return case.sittings.filter(dissolved_at__isnull=True, seats__user=user).exists()
