from django.contrib import admin

from fairhearing.organisation.models import (
    Body,
    Branch,
    Member,
    OfficeHolding,
    PanelMember,
    Region,
    RulebookVersion,
)
from fairhearing.readonly_admin import ReadOnlyAdminMixin


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    list_filter = ("region",)
    search_fields = ("name", "code")
    list_select_related = ("region",)


class OfficeHoldingInline(admin.TabularInline):
    model = OfficeHolding
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("membership_number", "name", "branch", "status", "joined")
    list_filter = ("status", "branch__region")
    search_fields = ("membership_number", "name", "email")
    list_select_related = ("branch",)
    raw_id_fields = ("branch",)
    inlines = [OfficeHoldingInline]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ("member", "user")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "region", "branch")
    list_filter = ("level", "kind")
    search_fields = ("name",)
    list_select_related = ("region", "branch")
    inlines = [PanelMemberInline]


@admin.register(RulebookVersion)
class RulebookVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: versions are loaded with `fairhearing rulebook load`, which checks them first."""

    list_display = ("version", "organisation", "effective_from", "effective_until", "loaded_at")
    readonly_fields = (
        "organisation",
        "version",
        "effective_from",
        "effective_until",
        "sha256",
        "loaded_at",
        "loaded_by",
        "source",
    )
