from __future__ import annotations

from django.contrib import admin

from lineoa.models import InboxEvent, OutboundMessage


class _ReadOnly:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(InboxEvent)
class InboxEventAdmin(_ReadOnly, admin.ModelAdmin[InboxEvent]):
    """The webhook inbox, for tracing a report; unprocessed rows with an error need attention."""

    list_display = ["webhook_event_id", "event_type", "received_at", "processed_at", "attempts", "last_error"]
    list_filter = ["event_type", "is_redelivery"]
    search_fields = ["webhook_event_id"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_ReadOnly, admin.ModelAdmin[OutboundMessage]):
    list_display = ["created_at", "purpose", "status", "sent_via", "attempts", "incident", "last_error"]
    list_filter = ["status", "sent_via", "purpose"]
    search_fields = ["incident__case_number"]
