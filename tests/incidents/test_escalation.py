from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from incidents.models import Incident, IncidentEvent
from incidents.services import escalation_sweep
from stations.selectors import station_nearest
from tests.conftest import make_incident
from tests.fake_line import FakeLine

pytestmark = pytest.mark.django_db


def _age(incident: Incident, seconds: int = 181) -> None:
    Incident.objects.filter(pk=incident.pk).update(routed_at=timezone.now() - timedelta(seconds=seconds))


def test_a_case_accepted_in_time_is_not_escalated(registry: None) -> None:
    incident = make_incident()
    _age(incident, 100)
    assert escalation_sweep() == 0


def test_unaccepted_case_moves_to_the_next_nearest_stations_then_the_province_desk(
    registry: None, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        incident = make_incident()
    order = [n.station for n in station_nearest(14.05, 101.37, limit=3)]
    assert incident.station == order[0]

    for expected in order[1:]:
        _age(incident)
        with django_capture_on_commit_callbacks(execute=True):
            assert escalation_sweep() == 1
        incident.refresh_from_db()
        assert incident.station == expected
        assert incident.status == Incident.Status.NEW
        assert not incident.at_province_desk

    _age(incident)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation_sweep() == 1
    incident.refresh_from_db()
    assert incident.station is None
    assert incident.at_province_desk
    assert incident.province.code == 25
    hops = list(incident.events.filter(kind=IncidentEvent.Kind.ESCALATED).order_by("pk"))
    assert [h.station for h in hops] == [order[1], order[2], None]
    assert "โต๊ะจังหวัด" in hops[-1].note
    # The desk waits for provincial staff: further sweeps leave it alone.
    _age(incident)
    assert escalation_sweep() == 0
    # The reporter was told once that the case was passed on.
    passed_on = [t for t in fake_line.delivered_texts() if "ส่งเรื่องของคุณต่อ" in t]
    assert len(passed_on) == 1
    assert order[1].name_th in passed_on[0]


def test_provincial_staff_assign_a_desk_case_to_a_station(
    provincial: Any, station_kabin: Any, settings: Any
) -> None:
    from incidents.services import incident_transfer

    settings.ESCALATION_MAX_STATIONS = 1
    incident = make_incident()
    _age(incident)
    escalation_sweep()
    incident.refresh_from_db()
    assert incident.at_province_desk
    moved = incident_transfer(
        incident_id=incident.pk, actor=provincial, station_id=station_kabin.pk, reason="มอบหมายจากโต๊ะจังหวัด"
    )
    assert moved.station == station_kabin
    assert not moved.at_province_desk
    assert moved.status == Incident.Status.NEW


@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_escalate_once(registry: None) -> None:
    incident = make_incident()
    _age(incident)
    barrier = threading.Barrier(4)
    hops: list[int] = []

    def sweep() -> None:
        barrier.wait()
        try:
            hops.append(escalation_sweep())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(hops) == 1
    assert IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.ESCALATED).count() == 1
    incident.refresh_from_db()
    assert len(incident.tried_station_ids) == 2
