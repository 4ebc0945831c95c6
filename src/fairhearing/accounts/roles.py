"""The roles people hold in fairhearing. Each role is a Django group of the same name."""

from fairhearing.procedure.roles import Role

__all__ = ["Role"]
