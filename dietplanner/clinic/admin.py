from django.contrib import admin

from dietplanner.accounts.admin import RecordsPatientAccess

from .models import ClinicalNote


@admin.register(ClinicalNote)
class ClinicalNoteAdmin(RecordsPatientAccess, admin.ModelAdmin):
    list_display = ["written_on", "patient", "author", "updated"]
    list_select_related = ["patient", "author"]
    search_fields = ["patient__full_name", "author__full_name"]
    raw_id_fields = ["patient", "author"]
    date_hierarchy = "written_on"

    def patient_of(self, obj):
        return obj.patient
