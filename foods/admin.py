from django.contrib import admin

from .models import Confounder, Food, FoodGroup, Protocol, ProtocolGroup, Symptom


@admin.register(Symptom)
class SymptomAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug"]


@admin.register(Confounder)
class ConfounderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug"]


@admin.register(FoodGroup)
class FoodGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug", "description"]
    list_filter = ["protocols"]


@admin.register(Food)
class FoodAdmin(admin.ModelAdmin):
    list_display = ["name", "group_list", "note"]
    search_fields = ["name", "search_text", "note"]
    list_filter = ["groups", "groups__protocols"]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="food groups")
    def group_list(self, obj: Food) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or "-"


class ProtocolGroupInline(admin.TabularInline):
    model = ProtocolGroup
    extra = 0
    ordering = ["position"]


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "baseline_days", "baseline_min", "baseline_max"]
    search_fields = ["name", "slug", "description"]
    inlines = [ProtocolGroupInline]
