from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "fairhearing.organisation"
    label = "organisation"
    verbose_name = "Organisation, members, bodies and rulebook"
