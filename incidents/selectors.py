"""Reads of incidents."""

from __future__ import annotations

from incidents.models import Incident


def incident_open_for_reporter(reporter_line_id: str) -> Incident | None:
    """The reporter's most recent open case, if any."""
    if not reporter_line_id:
        return None
    return (
        Incident.objects.filter(reporter_line_id=reporter_line_id, status__in=Incident.OPEN_STATUSES)
        .select_related("station")
        .order_by("-received_at")
        .first()
    )
