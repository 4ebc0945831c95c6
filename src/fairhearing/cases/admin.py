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


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllegationInline(ReadOnlyMixin, admin.TabularInline):
    model = Allegation
    extra = 0


class TimelineInline(ReadOnlyMixin, admin.TabularInline):
    model = TimelineEvent
    extra = 0
    fields = ("at", "kind", "actor_label", "stage_from", "stage_to", "summary")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("reference", "respondent", "body", "stage", "received_at", "outcome")
    list_filter = ("stage", "body__kind", "source")
    search_fields = ("reference", "respondent__name", "respondent__membership_number")
    list_select_related = ("respondent", "body")
    date_hierarchy = "received_at"
    inlines = [AllegationInline, TimelineInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "sanction", "guideline_starting_point", "decided_at")
    list_filter = ("kind", "sanction")
    list_select_related = ("case",)


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "provenance", "attribution", "admissibility", "added_at")
    list_filter = ("provenance", "attribution", "admissibility")
    list_select_related = ("case",)


@admin.register(InterimSuspension)
class InterimSuspensionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "imposed_at", "review_by", "lifted_at")
    list_select_related = ("case",)
