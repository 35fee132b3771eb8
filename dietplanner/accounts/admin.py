from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .forms import AdminUserCreationForm
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["public_id", "email", "password"]}),
        ("Person", {"fields": ["full_name", "role", "timezone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def delete_model(self, request, obj):
        """The same erasure as a patient's own: what is other people's history stays."""
        services.account_erase(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_erase(user=user)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]
