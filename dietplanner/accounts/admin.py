from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .forms import AdminUserCreationForm
from .models import AccessRecord, RecoveryCodes, User
from .selectors import access_records_for_listing


class RecordsPatientAccess:
    """Admin pages that show a patient's data record the access, as a dietitian's pages do:
    a change page one record, a list one record per patient on the page shown."""

    def patient_of(self, obj) -> User | None:
        raise NotImplementedError

    def _record(self, request, objects) -> None:
        patients = {p.pk: p for p in map(self.patient_of, objects) if p and p.is_patient}
        access_records_for_listing(
            viewer=request.user, patients=patients.values(), what=AccessRecord.What.ADMIN
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._record(request, [obj])
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._record(request, changelist.result_list)
        return response


@admin.register(User)
class UserAdmin(RecordsPatientAccess, BaseUserAdmin):
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

    def patient_of(self, obj) -> User:
        return obj

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


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(admin.ModelAdmin):
    """Staff can see whether someone has recovery codes left and delete them (with the
    authenticator) when a phone is lost; the codes themselves are never shown."""

    list_display = ["user", "confirmed", "codes_left"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="unused codes")
    def codes_left(self, device: RecoveryCodes) -> int:
        return device.remaining()
