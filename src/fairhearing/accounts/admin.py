from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from fairhearing.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "member", "is_active")
    list_filter = ("groups", "is_active", "is_superuser")
    raw_id_fields = ("member",)
    fieldsets = (*BaseUserAdmin.fieldsets, ("Membership", {"fields": ("member",)}))
