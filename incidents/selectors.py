"""Reads of incidents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.selectors import StaffScope, staff_scope
from incidents.models import Category, Incident


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


_STATUS_ORDER: dict[str, int] = {str(s): n for n, s in enumerate(Incident.OPEN_STATUSES)}


def dashboard_snapshot(scope: StaffScope) -> dict[str, Any]:
    """Everything a dashboard shows on (re)load: the open cases in urgency order and the stations.

    New cases come first, longest waiting first; then accepted, en route and on scene. Plain values,
    not model instances: the first load of a busy province must stay fast.
    """
    from stations.models import Station

    now = timezone.now()
    rows = list(
        incidents_visible_to(scope)
        .filter(status__in=Incident.OPEN_STATUSES)
        .values(
            "id",
            "case_number",
            "category",
            "status",
            "latitude",
            "longitude",
            "address",
            "station_id",
            "station__name_th",
            "province_id",
            "at_province_desk",
            "received_at",
            "routed_at",
            "accepted_at",
            "reporter_relation",
            "reporter_unreachable",
            "reporter_message_state",
        )
    )
    rows.sort(key=lambda r: (_STATUS_ORDER[r["status"]], r["routed_at"]))
    categories = dict(Category.choices)
    statuses = dict(Incident.Status.choices)
    cases = [
        {
            "id": r["id"],
            "case_number": r["case_number"],
            "category": r["category"],
            "category_label": str(categories.get(r["category"], r["category"])),
            "status": r["status"],
            "status_label": str(statuses[r["status"]]),
            "latitude": r["latitude"],
            "longitude": r["longitude"],
            "address": r["address"],
            "station_id": r["station_id"],
            "station_name": r["station__name_th"] or "โต๊ะจังหวัด",
            "at_province_desk": r["at_province_desk"],
            "received_at": r["received_at"].isoformat(),
            "routed_at": r["routed_at"].isoformat(),
            # New cases: how long they have waited at this station; others: how long they are open.
            "waiting_seconds": int(
                (
                    now - (r["routed_at"] if r["status"] == Incident.Status.NEW else r["received_at"])
                ).total_seconds()
            ),
            "reporter_unreachable": r["reporter_unreachable"],
            "message_state": r["reporter_message_state"],
        }
        for r in rows
    ]
    stations = Station.objects.filter(active=True)
    if scope.role == "officer":
        stations = stations.filter(pk=scope.station_id or 0)
    elif not scope.national:
        stations = stations.filter(province_id=scope.province_id or 0)
    return {
        "server_time": now.isoformat(),
        "cases": cases,
        "stations": list(stations.values("id", "name_th", "latitude", "longitude", "phone")),
    }


def review_cases(scope: StaffScope, *, days: int, status: str = "") -> QuerySet[Incident]:
    """Cases of the reviewer's area received in the last ``days`` days, newest first."""
    since = timezone.now() - timedelta(days=days)
    qs = incidents_visible_to(scope).filter(received_at__gte=since).order_by("-received_at")
    if status == "open":
        qs = qs.filter(status__in=Incident.OPEN_STATUSES)
    elif status in Incident.Status.values:
        qs = qs.filter(status=status)
    return qs


def review_summary(cases: QuerySet[Incident]) -> dict[str, Any]:
    """Counts by status and category, and the median minutes from report to acceptance."""
    by_status = dict(cases.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_category = dict(cases.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    waits = sorted(
        (accepted - received).total_seconds() / 60
        for received, accepted in cases.filter(accepted_at__isnull=False).values_list(
            "received_at", "accepted_at"
        )
        if accepted is not None
    )
    return {
        "total": sum(by_status.values()),
        "by_status": [(str(label), by_status.get(value, 0)) for value, label in Incident.Status.choices],
        "by_category": [(str(label), by_category.get(value, 0)) for value, label in Category.choices],
        "median_minutes_to_accept": round(waits[len(waits) // 2], 1) if waits else None,
    }
