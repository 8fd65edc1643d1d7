from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from incidents.models import Incident, IncidentEvent
from incidents.services import (
    IncidentError,
    NotAllowed,
    TransitionRefused,
    actions_for_status,
    incident_add_note,
    incident_reveal_phone,
    incident_set_status,
    incident_transfer,
)
from stations.models import Station
from tests.conftest import make_incident

S = Incident.Status
pytestmark = pytest.mark.django_db


def _walk(incident: Incident, actor: User, *statuses: str) -> Incident:
    for to in statuses:
        incident = incident_set_status(incident_id=incident.pk, actor=actor, to=to)
    return incident


def test_officer_walks_a_case_from_new_to_closed(officer: User, station_mueang: Station) -> None:
    incident = make_incident()
    assert incident.station_id == station_mueang.pk
    incident = _walk(incident, officer, S.ACCEPTED, S.EN_ROUTE, S.ON_SCENE)
    incident = incident_set_status(
        incident_id=incident.pk, actor=officer, to=S.CLOSED, outcome="resolved", note="ไกล่เกลี่ยแล้ว"
    )
    assert incident.status == S.CLOSED
    assert incident.outcome == "resolved"
    assert None not in (incident.accepted_at, incident.en_route_at, incident.on_scene_at, incident.closed_at)
    assert incident.accepted_at <= incident.en_route_at <= incident.on_scene_at <= incident.closed_at  # type: ignore[operator]
    events = list(
        incident.events.filter(kind=IncidentEvent.Kind.STATUS).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert events == [
        (S.NEW, S.ACCEPTED, officer.pk),
        (S.ACCEPTED, S.EN_ROUTE, officer.pk),
        (S.EN_ROUTE, S.ON_SCENE, officer.pk),
        (S.ON_SCENE, S.CLOSED, officer.pk),
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], S.EN_ROUTE),
        ([], S.ON_SCENE),
        ([S.ACCEPTED], S.ACCEPTED),
        ([S.ACCEPTED, S.EN_ROUTE, S.ON_SCENE], S.EN_ROUTE),
        ([S.ACCEPTED, S.EN_ROUTE, S.ON_SCENE], S.CANCELLED),
        ([S.CANCELLED], S.ACCEPTED),
    ],
)
def test_refused_transitions_change_nothing(officer: User, path: list[str], refused: str) -> None:
    incident = _walk(make_incident(), officer, *path)
    before = incident.events.count()
    with pytest.raises(TransitionRefused, match=incident.case_number):
        incident_set_status(incident_id=incident.pk, actor=officer, to=refused)
    incident.refresh_from_db()
    assert incident.status == (path[-1] if path else S.NEW)
    assert incident.events.count() == before


def test_closed_case_refuses_everything(officer: User) -> None:
    incident = make_incident()
    incident_set_status(incident_id=incident.pk, actor=officer, to=S.CLOSED, outcome="false_report")
    for to in (S.ACCEPTED, S.EN_ROUTE, S.ON_SCENE, S.CLOSED, S.CANCELLED):
        with pytest.raises(TransitionRefused):
            incident_set_status(incident_id=incident.pk, actor=officer, to=to, outcome="resolved")


def test_offered_actions_match_the_machine() -> None:
    assert actions_for_status(S.NEW) == [S.ACCEPTED, S.CLOSED, S.CANCELLED]
    assert actions_for_status(S.ACCEPTED) == [S.EN_ROUTE, S.ON_SCENE, S.CLOSED, S.CANCELLED]
    assert actions_for_status(S.ON_SCENE) == [S.CLOSED]
    assert actions_for_status(S.CLOSED) == []


def test_closing_needs_an_outcome(officer: User) -> None:
    incident = make_incident()
    with pytest.raises(IncidentError, match="ต้องระบุผล"):
        incident_set_status(incident_id=incident.pk, actor=officer, to=S.CLOSED)
    with pytest.raises(IncidentError, match="ซ้ำ"):
        incident_set_status(incident_id=incident.pk, actor=officer, to=S.CLOSED, outcome="duplicate")
    other = make_incident()
    closed = incident_set_status(
        incident_id=incident.pk, actor=officer, to=S.CLOSED, outcome="duplicate", duplicate_of=other
    )
    assert closed.duplicate_of_id == other.pk


def test_an_officer_of_another_station_cannot_act(other_officer: User) -> None:
    incident = make_incident()
    with pytest.raises(NotAllowed):
        incident_set_status(incident_id=incident.pk, actor=other_officer, to=S.ACCEPTED)
    with pytest.raises(NotAllowed):
        incident_reveal_phone(incident_id=incident.pk, actor=other_officer)
    incident.refresh_from_db()
    assert incident.status == S.NEW


def test_provincial_staff_may_act_on_their_province(provincial: User) -> None:
    incident = make_incident()
    incident_add_note(incident_id=incident.pk, actor=provincial, note="ประสานบ้านพักเด็กแล้ว")
    assert incident.events.filter(kind=IncidentEvent.Kind.NOTE, actor=provincial).exists()


def test_transfer_routes_the_case_to_another_station_as_new(officer: User, station_kabin: Station) -> None:
    incident = _walk(make_incident(), officer, S.ACCEPTED)
    with pytest.raises(IncidentError, match="เหตุผล"):
        incident_transfer(incident_id=incident.pk, actor=officer, station_id=station_kabin.pk, reason=" ")
    moved = incident_transfer(
        incident_id=incident.pk, actor=officer, station_id=station_kabin.pk, reason="เกิดเหตุในเขตกบินทร์บุรี"
    )
    assert moved.station_id == station_kabin.pk
    assert moved.status == S.NEW
    assert moved.accepted_at is None
    assert station_kabin.pk in moved.tried_station_ids
    event = moved.events.get(kind=IncidentEvent.Kind.TRANSFERRED)
    assert event.note == "เกิดเหตุในเขตกบินทร์บุรี"
    assert event.data["to_station_id"] == station_kabin.pk
    # The first station no longer holds it.
    with pytest.raises(NotAllowed):
        incident_set_status(incident_id=moved.pk, actor=officer, to=S.ACCEPTED)


def test_revealing_the_phone_is_audited(officer: User) -> None:
    incident = make_incident()
    assert incident_reveal_phone(incident_id=incident.pk, actor=officer) == "+66812345678"
    audit = incident.events.get(kind=IncidentEvent.Kind.PHONE_REVEALED)
    assert audit.actor == officer


@pytest.mark.django_db(transaction=True)
def test_two_officers_accepting_at_once_one_wins(registry: None, station_mueang: Station) -> None:
    from accounts.models import StaffProfile
    from tests.conftest import make_staff

    incident = make_incident()
    a = make_staff("a", StaffProfile.Role.OFFICER, station=station_mueang)
    b = make_staff("b", StaffProfile.Role.OFFICER, station=station_mueang)
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def accept(user: User) -> None:
        barrier.wait()
        try:
            incident_set_status(incident_id=incident.pk, actor=user, to=S.ACCEPTED)
            results[user.username] = "won"
        except TransitionRefused as exc:
            results[user.username] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values(), key=len)[0] == "won"
    assert list(results.values()).count("won") == 1
    loser = next(v for v in results.values() if v != "won")
    assert "รับเรื่องแล้ว" in loser
    assert IncidentEvent.objects.filter(incident=incident, to_status=S.ACCEPTED).count() == 1
