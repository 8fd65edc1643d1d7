from __future__ import annotations

from django.contrib import admin

from incidents.models import Incident, IncidentEvent


class IncidentEventInline(admin.TabularInline[IncidentEvent, Incident]):
    model = IncidentEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "station", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    """Read-only: cases change only through the dashboard's status machine, which keeps the timeline.
    The reporter's phone is left out here; it is revealed, audited, on the dashboard."""

    list_display = ["case_number", "category", "status", "station", "province", "received_at", "outcome"]
    list_filter = ["status", "category", "province"]
    search_fields = ["case_number"]
    list_select_related = ["station", "province"]
    exclude = ["reporter_phone", "reporter_line_id"]
    inlines = [IncidentEventInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
