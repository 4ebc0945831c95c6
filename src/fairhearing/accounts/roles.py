"""The roles people hold in fairhearing. Each role is a Django group of the same name."""

from django.db import models


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", "Case officer"
    PANEL_MEMBER = "panel_member", "Panel member"
    BODY_OFFICER = "body_officer", "Body officer"
    OVERSIGHT_OFFICER = "oversight_officer", "Oversight officer"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"
    MEMBER = "member", "Member"
