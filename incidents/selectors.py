"""Reads of incidents."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.selectors import StaffScope, staff_scope
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


def scope_covers(scope: StaffScope, incident: Incident) -> bool:
    """May a staff member with ``scope`` see and act on ``incident``?"""
    if scope.national:
        return True
    if scope.role == "officer":
        return scope.station_id is not None and incident.station_id == scope.station_id
    return scope.province_id is not None and incident.province_id == scope.province_id


def incidents_visible_to(scope: StaffScope) -> QuerySet[Incident]:
    """Every case a staff member may see: their station's, their province's, or all."""
    qs = Incident.objects.select_related("station", "province")
    if scope.national:
        return qs
    if scope.role == "officer":
        return qs.filter(station_id=scope.station_id) if scope.station_id else qs.none()
    return qs.filter(province_id=scope.province_id) if scope.province_id else qs.none()


def incident_for_user(user: Any, incident_id: int) -> Incident | None:
    """The case if ``user`` may see it; None otherwise (views answer 404 either way)."""
    scope = staff_scope(user)
    if scope is None:
        return None
    return incidents_visible_to(scope).filter(pk=incident_id).first()
