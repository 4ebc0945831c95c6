"""The roles people hold, and which role may take which action of the procedure."""

from enum import StrEnum


class Role(StrEnum):
    CASE_OFFICER = "case_officer"
    PANEL_MEMBER = "panel_member"
    BODY_OFFICER = "body_officer"
    OVERSIGHT_OFFICER = "oversight_officer"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CASE_OFFICER: "Case officer",
    Role.PANEL_MEMBER: "Panel member",
    Role.BODY_OFFICER: "Body officer",
    Role.OVERSIGHT_OFFICER: "Oversight officer",
    Role.DATA_PROTECTION_OFFICER: "Data protection officer",
    Role.ADMINISTRATOR: "Administrator",
    Role.MEMBER: "Member",
}
