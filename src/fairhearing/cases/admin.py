"""Cases are shown to administrators read-only: they change only through the procedure's services."""

from django.contrib import admin

from fairhearing.cases.models import (
    Allegation,
    Case,
    Decision,
    EvidenceItem,
    InterimSuspension,
    TimelineEvent,
)
from fairhearing.readonly_admin import ReadOnlyAdminMixin


class AllegationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Allegation
    extra = 0


class TimelineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TimelineEvent
    extra = 0
    fields = ("at", "kind", "actor_label", "stage_from", "stage_to", "summary")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "respondent", "body", "stage", "received_at", "outcome")
    list_filter = ("stage", "body__kind", "source")
    search_fields = ("reference", "respondent__name", "respondent__membership_number")
    list_select_related = ("respondent", "body")
    date_hierarchy = "received_at"
    inlines = [AllegationInline, TimelineInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "sanction", "guideline_starting_point", "decided_at")
    list_filter = ("kind", "sanction")
    list_select_related = ("case",)


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "provenance", "attribution", "admissibility", "added_at")
    list_filter = ("provenance", "attribution", "admissibility")
    list_select_related = ("case",)


@admin.register(InterimSuspension)
class InterimSuspensionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "imposed_at", "review_by", "lifted_at")
    list_select_related = ("case",)
