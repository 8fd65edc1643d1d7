"""Writes to incidents: creation, reporter messages and (later) the status machine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from incidents import broadcast
from incidents.models import CaseCounter, Incident, IncidentEvent
from stations.selectors import station_nearest

BANGKOK_BE_OFFSET = 543


class IncidentError(Exception):
    """A change that the case's current state does not allow; the message is for people (Thai)."""


def buddhist_year(moment: datetime) -> int:
    return timezone.localtime(moment).year + BANGKOK_BE_OFFSET


def case_number_next(year_be: int) -> str:
    """The next ``ESS-<BE year>-<6 digits>``; call inside a transaction.

    The counter row is incremented with a conditional UPDATE, which holds the row lock until the
    transaction commits, so concurrent reports get distinct numbers in commit order.
    """
    if not CaseCounter.objects.filter(year_be=year_be).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CaseCounter.objects.create(year_be=year_be, last=1)
        except IntegrityError:
            # Another report created this year's counter first.
            CaseCounter.objects.filter(year_be=year_be).update(last=F("last") + 1)
    last = CaseCounter.objects.get(year_be=year_be).last
    return f"ESS-{year_be}-{last:06d}"


def incident_create(
    *,
    category: str,
    latitude: float,
    longitude: float,
    phone: str,
    relation: str,
    reporter_line_id: str = "",
    address: str = "",
) -> Incident:
    """Record a new report and route it to the nearest active station.

    1. Find the nearest active station (a point outside Thailand raises OutsideThailand).
    2. In one transaction: take the next case number, create the incident at that station, and
       append the ``created`` timeline event.
    3. After commit, tell the station's and the province's dashboards.
    """
    nearest = station_nearest(latitude, longitude, limit=1)
    if not nearest:
        raise IncidentError("ไม่พบสถานีตำรวจที่เปิดรับเรื่อง")
    station = nearest[0].station
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            case_number=case_number_next(buddhist_year(now)),
            category=category,
            latitude=latitude,
            longitude=longitude,
            address=address[:500],
            reporter_phone=phone,
            reporter_relation=relation,
            reporter_line_id=reporter_line_id,
            station=station,
            province_id=station.province_id,
            tried_station_ids=[station.pk],
            received_at=now,
            routed_at=now,
        )
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.CREATED,
            to_status=Incident.Status.NEW,
            station=station,
            data={"distance_km": round(nearest[0].distance_km, 2)},
            created_at=now,
        )
        broadcast.incident_event_on_commit(incident, "incident.created")
    return incident


def incident_add_reporter_message(
    *, incident: Incident, kind: str, text: str = "", data: dict[str, Any] | None = None
) -> IncidentEvent:
    """Append what the reporter sent after the report (text, photo, new location) to the case."""
    with transaction.atomic():
        event = IncidentEvent.objects.create(
            incident=incident,
            kind=kind,
            note=text[:5000],
            data=data or {},
            created_at=timezone.now(),
        )
        broadcast.incident_event_on_commit(incident, "incident.reporter_message")
    return event


def incidents_mark_reporter_unreachable(*, reporter_line_id: str) -> int:
    """The reporter unfollowed or blocked the account: their open cases can't get LINE messages."""
    return Incident.objects.filter(
        reporter_line_id=reporter_line_id, status__in=Incident.OPEN_STATUSES
    ).update(reporter_unreachable=True)
