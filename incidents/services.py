"""Writes to incidents: creation, reporter messages and (later) the status machine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.selectors import staff_scope
from incidents import broadcast
from incidents.models import CaseCounter, Incident, IncidentEvent
from incidents.selectors import scope_covers
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


# The status machine ------------------------------------------------------------------------------

Status = Incident.Status

# Which statuses each action may start from. Transfer and notes work on any open case.
_ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    Status.ACCEPTED: (Status.NEW,),
    Status.EN_ROUTE: (Status.ACCEPTED,),
    Status.ON_SCENE: (Status.ACCEPTED, Status.EN_ROUTE),
    Status.CLOSED: (Status.NEW, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SCENE),
    Status.CANCELLED: (Status.NEW, Status.ACCEPTED, Status.EN_ROUTE),
}
_TIMESTAMP_FIELD = {
    Status.ACCEPTED: "accepted_at",
    Status.EN_ROUTE: "en_route_at",
    Status.ON_SCENE: "on_scene_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "closed_at",
}


class TransitionRefused(IncidentError):
    """The case is no longer in a status that allows this action (someone else acted first)."""

    def __init__(self, incident: Incident, action: str) -> None:
        label = Incident.Status(incident.status).label
        super().__init__(f"ทำรายการ “{action}” ไม่ได้: เรื่อง {incident.case_number} อยู่ในสถานะ “{label}” แล้ว")
        self.incident = incident


class NotAllowed(IncidentError):
    """The actor's role or area does not cover this case."""


def actions_for_status(status: str) -> list[str]:
    """The status changes offered for a case in ``status`` (the dashboard shows only these)."""
    return [to for to, allowed in _ALLOWED_FROM.items() if status in allowed]


def _locked_for(incident_id: int, actor: Any) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    scope = staff_scope(actor) if actor is not None else None
    if actor is not None and (scope is None or not scope_covers(scope, incident)):
        raise NotAllowed("คุณไม่มีสิทธิ์ดำเนินการกับเรื่องนี้")
    return incident


def incident_set_status(
    *,
    incident_id: int,
    actor: Any,
    to: str,
    note: str = "",
    outcome: str = "",
    duplicate_of: Incident | None = None,
) -> Incident:
    """Move a case to status ``to``: accept, en route, on scene, close or cancel.

    1. Lock the row and check the actor may act on it and that its current status allows ``to``;
       a second officer clicking at the same moment waits for the lock, then gets TransitionRefused.
    2. Set the status and that step's timestamp (closing also needs an outcome), save only those
       fields, and append an IncidentEvent with who, from, to and the note.
    3. After commit: the dashboards are told; the reporter's status message is queued in this same
       transaction (see incidents.notify).
    """
    to = Status(to)
    if to not in _ALLOWED_FROM:
        raise IncidentError(f"ไม่รู้จักสถานะ {to}")
    if to == Status.CLOSED:
        if outcome not in Incident.Outcome.values:
            raise IncidentError("การปิดเรื่องต้องระบุผลการดำเนินการ")
        if outcome == Incident.Outcome.DUPLICATE and duplicate_of is None:
            raise IncidentError("ระบุเลขที่เรื่องที่ซ้ำกัน")
    now = timezone.now()
    with transaction.atomic():
        incident = _locked_for(incident_id, actor)
        if incident.status not in _ALLOWED_FROM[to]:
            raise TransitionRefused(incident, str(to.label))
        previous = incident.status
        incident.status = to
        fields = ["status", _TIMESTAMP_FIELD[to], "updated_at"]
        setattr(incident, _TIMESTAMP_FIELD[to], now)
        if to == Status.CLOSED:
            incident.outcome = outcome
            incident.outcome_note = note
            incident.duplicate_of = duplicate_of
            fields += ["outcome", "outcome_note", "duplicate_of"]
        incident.save(update_fields=fields)
        event = IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.STATUS,
            actor=actor,
            from_status=previous,
            to_status=to,
            station_id=incident.station_id,
            note=note,
            data={"outcome": outcome} if outcome else {},
            created_at=now,
        )
        if actor is not None:
            # A change the reporter made themselves (calling a case off in LINE) is answered in the
            # chat; every change by staff is told to the reporter.
            from incidents.notify import reporter_notify

            reporter_notify(incident, event)
        broadcast.incident_event_on_commit(incident, "incident.status")
    return incident


def incident_transfer(*, incident_id: int, actor: Any, station_id: int, reason: str) -> Incident:
    """Route an open case to another active station, where it is ``new`` again.

    The reason is required and goes on the timeline; the old station's dashboard drops the case and
    the new one's shows it as new.
    """
    from stations.models import Station

    if not reason.strip():
        raise IncidentError("การโอนเรื่องต้องระบุเหตุผล")
    now = timezone.now()
    with transaction.atomic():
        incident = _locked_for(incident_id, actor)
        if not incident.is_open:
            raise TransitionRefused(incident, "โอนเรื่อง")
        target = Station.objects.filter(pk=station_id, active=True).first()
        if target is None:
            raise IncidentError("ไม่พบสถานีปลายทางที่เปิดรับเรื่อง")
        if target.pk == incident.station_id:
            raise IncidentError("เรื่องนี้อยู่ที่สถานีนี้แล้ว")
        previous_station = incident.station_id
        previous_status = incident.status
        _route(incident, target.pk, target.province_id, now)
        incident.save(update_fields=_ROUTE_FIELDS)
        event = IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.TRANSFERRED,
            actor=actor,
            from_status=previous_status,
            to_status=Status.NEW,
            station=target,
            note=reason.strip(),
            data={"from_station_id": previous_station, "to_station_id": target.pk},
            created_at=now,
        )
        from incidents.notify import reporter_notify

        reporter_notify(incident, event)
        broadcast.incident_event_on_commit(
            incident, "incident.transferred", previous_station_id=previous_station
        )
    return incident


_ROUTE_FIELDS = [
    "station",
    "province",
    "status",
    "routed_at",
    "accepted_at",
    "en_route_at",
    "on_scene_at",
    "tried_station_ids",
    "at_province_desk",
    "updated_at",
]


def _route(incident: Incident, station_id: int, province_id: int, now: datetime) -> None:
    incident.station_id = station_id
    incident.province_id = province_id
    incident.status = Status.NEW
    incident.routed_at = now
    incident.accepted_at = incident.en_route_at = incident.on_scene_at = None
    incident.at_province_desk = False
    if station_id not in incident.tried_station_ids:
        incident.tried_station_ids = [*incident.tried_station_ids, station_id]


def incident_add_note(*, incident_id: int, actor: Any, note: str) -> IncidentEvent:
    if not note.strip():
        raise IncidentError("บันทึกว่างเปล่า")
    with transaction.atomic():
        incident = _locked_for(incident_id, actor)
        event = IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.NOTE,
            actor=actor,
            note=note.strip()[:5000],
            station_id=incident.station_id,
            created_at=timezone.now(),
        )
        broadcast.incident_event_on_commit(incident, "incident.note")
    return event


def incident_reveal_phone(*, incident_id: int, actor: Any) -> str:
    """The reporter's phone number for ``actor``; every reveal is written to the timeline."""
    with transaction.atomic():
        incident = _locked_for(incident_id, actor)
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.PHONE_REVEALED,
            actor=actor,
            station_id=incident.station_id,
            created_at=timezone.now(),
        )
    return incident.reporter_phone


def incident_record_message_state(*, incident_id: int, state: str, detail: str = "") -> None:
    """Keep the delivery state of the latest message to the reporter on the case (the dashboard
    shows it). A message that cannot be delivered goes on the timeline; a reporter who blocked the
    account is marked unreachable, so officers know to phone instead."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            return
        incident.reporter_message_state = state
        fields = ["reporter_message_state", "updated_at"]
        if state == "blocked":
            incident.reporter_unreachable = True
            fields.append("reporter_unreachable")
        incident.save(update_fields=fields)
        if state in ("failed", "blocked"):
            IncidentEvent.objects.create(
                incident=incident,
                kind=IncidentEvent.Kind.MESSAGE,
                note=detail[:1000],
                data={"state": state},
                created_at=timezone.now(),
            )
        broadcast.incident_event_on_commit(incident, "incident.message")


# Escalation --------------------------------------------------------------------------------------


def escalation_sweep() -> int:
    """Move every ``new`` case that no station accepted in time one hop on; return the hops made.

    Safe to run from several beats or workers at once: each case is re-checked under its row lock
    (rows another sweeper holds are skipped), so a case moves at most one hop per timeout.
    """
    from django.conf import settings

    cutoff = timezone.now() - timedelta(seconds=settings.ESCALATION_ACCEPT_SECONDS)
    due = list(
        Incident.objects.filter(status=Status.NEW, at_province_desk=False, routed_at__lt=cutoff)
        .order_by("routed_at")
        .values_list("pk", flat=True)[:200]
    )
    return sum(1 for pk in due if incident_escalate(incident_id=pk, cutoff=cutoff))


def incident_escalate(*, incident_id: int, cutoff: datetime) -> bool:
    """One escalation hop for a case still waiting since before ``cutoff``.

    1. Lock the case, skipping it if another sweeper holds it; stop if it was accepted, moved or
       escalated since the sweep looked.
    2. After ESCALATION_MAX_STATIONS stations, or when no untried active station is left, it goes
       to the province desk; otherwise to the nearest station not yet tried.
    3. The hop is a timeline event; the reporter is told the first time only; every dashboard of
       the old station, the new one and the province hears of it.
    """
    from django.conf import settings

    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update(skip_locked=True).filter(pk=incident_id).first()
        if (
            incident is None
            or incident.status != Status.NEW
            or incident.at_province_desk
            or incident.routed_at >= cutoff
        ):
            return False
        previous_station = incident.station_id
        tried = list(incident.tried_station_ids)
        target = None
        if len(tried) < settings.ESCALATION_MAX_STATIONS:
            nearest = station_nearest(incident.latitude, incident.longitude, exclude=tried, limit=1)
            target = nearest[0].station if nearest else None
        first_hop = not incident.events.filter(kind=IncidentEvent.Kind.ESCALATED).exists()
        if target is None:
            incident.station_id = None
            incident.at_province_desk = True
            incident.routed_at = now
            incident.save(update_fields=["station", "at_province_desk", "routed_at", "updated_at"])
            note = "ไม่มีสถานีรับเรื่องทันเวลา ส่งต่อโต๊ะจังหวัด"
        else:
            _route(incident, target.pk, target.province_id, now)
            incident.save(update_fields=_ROUTE_FIELDS)
            note = f"ไม่มีผู้รับเรื่องภายใน {settings.ESCALATION_ACCEPT_SECONDS // 60} นาที ส่งต่อ {target.name_th}"
        event = IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.ESCALATED,
            from_status=Status.NEW,
            to_status=Status.NEW,
            station=target,
            note=note,
            data={
                "from_station_id": previous_station,
                "to_station_id": target.pk if target else None,
                "hop": len(incident.tried_station_ids),
            },
            created_at=now,
        )
        if first_hop:
            from incidents.notify import reporter_notify

            reporter_notify(incident, event)
        broadcast.incident_event_on_commit(
            incident, "incident.escalated", previous_station_id=previous_station
        )
    return True


def incident_reopen(*, incident_id: int, reporter_line_id: str, reason: str) -> Incident | None:
    """The reporter still needs help after closure: the case is ``new`` again at its station."""
    now = timezone.now()
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(pk=incident_id, reporter_line_id=reporter_line_id)
            .first()
        )
        if incident is None:
            return None
        if incident.status != Status.CLOSED:
            return incident
        previous = incident.status
        incident.status = Status.NEW
        incident.routed_at = now
        incident.accepted_at = incident.en_route_at = incident.on_scene_at = incident.closed_at = None
        incident.outcome = ""
        incident.save(
            update_fields=[
                "status",
                "routed_at",
                "accepted_at",
                "en_route_at",
                "on_scene_at",
                "closed_at",
                "outcome",
                "updated_at",
            ]
        )
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.REOPENED,
            from_status=previous,
            to_status=Status.NEW,
            station_id=incident.station_id,
            note=reason,
            created_at=now,
        )
        broadcast.incident_event_on_commit(incident, "incident.reopened")
    return incident


# Retention ---------------------------------------------------------------------------------------


def incidents_anonymize_expired(*, batch: int = 500) -> int:
    """Keep the promise of the privacy notice: RETENTION_DAYS after a case ended, remove what
    identifies the reporter (phone, LINE id, address, their messages), keeping the case's facts for
    statistics. Returns how many cases were anonymized."""
    from django.conf import settings

    cutoff = timezone.now() - timedelta(days=settings.RETENTION_DAYS)
    ids = list(
        Incident.objects.filter(status__in=(Status.CLOSED, Status.CANCELLED), closed_at__lt=cutoff)
        .exclude(reporter_phone="", reporter_line_id="")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    with transaction.atomic():
        Incident.objects.filter(pk__in=ids).update(reporter_phone="", reporter_line_id="", address="")
        IncidentEvent.objects.filter(
            incident_id__in=ids,
            kind__in=(
                IncidentEvent.Kind.REPORTER_TEXT,
                IncidentEvent.Kind.REPORTER_IMAGE,
                IncidentEvent.Kind.REPORTER_LOCATION,
            ),
        ).update(note="", data={})
    return len(ids)
