"""Who may open an evidence file. Kept in one small function so the web and the exports ask the same question."""

from __future__ import annotations

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.cases.models import Admissibility, EvidenceItem, NoticeEvidence, Provenance

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
