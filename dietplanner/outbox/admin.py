from django.contrib import admin

from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """What was sent, to whom, and what went wrong: read only, the record is the proof."""

    list_display = ["created", "kind", "to", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["to", "key", "subject"]
    date_hierarchy = "created"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Email._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the key is what stops a second send: the row stays
