"""Background work through a real Celery worker process, Redis as the broker, and a fake LINE."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from essdispatch.sweep import sweep_all, sweep_task
from incidents.models import Incident, IncidentEvent
from incidents.services import incident_set_status
from lineoa.models import OutboundMessage
from stations.selectors import station_nearest
from tests.conftest import make_incident
from tests.fake_line import FakeLine
from tests.tasks.conftest import Worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
PUSH = "/v2/bot/message/push"


def _accept(officer: User) -> Incident:
    incident = make_incident()
    incident_set_status(incident_id=incident.pk, actor=officer, to="accepted")
    return incident


def _sent(incident: Incident) -> bool:
    return OutboundMessage.objects.filter(incident=incident, status=OutboundMessage.Status.SENT).exists()


def test_after_an_accept_the_reporters_push_arrives_once(
    celery_worker: Worker, fake_line: FakeLine, officer: User
) -> None:
    incident = _accept(officer)
    assert fake_line.wait_for(lambda: _sent(incident), timeout=20)
    assert fake_line.wait_for(lambda: len(fake_line.calls(PUSH)) > 1, timeout=1.5) is False
    (push,) = fake_line.calls(PUSH)
    assert "รับเรื่อง" in push.body["messages"][0]["text"]
    incident.refresh_from_db()
    assert incident.reporter_message_state == "sent"


def test_two_server_errors_then_success_delivers_once(
    celery_worker: Worker, fake_line: FakeLine, officer: User
) -> None:
    fake_line.fail_next(PUSH, 500, times=2)
    incident = _accept(officer)
    assert fake_line.wait_for(lambda: _sent(incident), timeout=30)
    calls = fake_line.calls(PUSH)
    assert [c.status for c in calls] == [500, 500, 200]
    assert len({c.headers["X-Line-Retry-Key"] for c in calls}) == 1
    assert len(fake_line.delivered()) == 1
    assert OutboundMessage.objects.get(incident=incident).attempts == 3


def test_a_worker_killed_mid_send_and_restarted_delivers_exactly_once(
    celery_worker: Worker, fake_line: FakeLine, officer: User
) -> None:
    # LINE takes the push but answers slowly; the worker dies before the answer arrives.
    fake_line.delay_next(PUSH, 3.0)
    incident = _accept(officer)
    assert fake_line.wait_for(lambda: len(fake_line.calls(PUSH)) == 1, timeout=20)
    celery_worker.kill()
    message = OutboundMessage.objects.get(incident=incident)
    assert message.status == OutboundMessage.Status.PENDING
    celery_worker.start()
    # LINE finishes handling the first request although nobody waits for its answer any more.
    assert fake_line.wait_for(lambda: fake_line.calls(PUSH)[0].status == 200, timeout=10)
    # Once the dead sender's lease lapses, the periodic sweep hands the message to the new worker.
    assert fake_line.wait_for(
        lambda: OutboundMessage.objects.filter(pk=message.pk, next_attempt_at__lte=timezone.now()).exists(),
        timeout=10,
    )
    sweep_all()
    assert fake_line.wait_for(lambda: _sent(incident), timeout=20)
    calls = fake_line.calls(PUSH)
    assert len(calls) == 2
    assert calls[0].headers["X-Line-Retry-Key"] == calls[1].headers["X-Line-Retry-Key"]
    assert calls[1].status == 409  # LINE had already delivered it: not shown twice
    assert len(fake_line.delivered()) == 1


def test_escalation_through_the_worker_reaches_the_second_station_then_the_desk(
    celery_worker: Worker, fake_line: FakeLine, registry: None
) -> None:
    incident = make_incident()
    order = [n.station.pk for n in station_nearest(incident.latitude, incident.longitude, limit=3)]

    def hops() -> int:
        return IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.ESCALATED).count()

    def run_sweep_and_wait(expected_hops: int) -> None:
        Incident.objects.filter(pk=incident.pk).update(routed_at=timezone.now() - timedelta(minutes=4))
        # Like beat, send the sweep again every few seconds until the hop is made.
        for _ in range(6):
            sweep_task.delay()
            if fake_line.wait_for(lambda: hops() >= expected_hops, timeout=4):
                break
        assert hops() == expected_hops

    run_sweep_and_wait(1)
    incident.refresh_from_db()
    assert incident.station_id == order[1]
    run_sweep_and_wait(2)
    run_sweep_and_wait(3)
    incident.refresh_from_db()
    assert incident.at_province_desk and incident.station_id is None
    assert fake_line.wait_for(
        lambda: any("ส่งเรื่องของคุณต่อ" in t for t in fake_line.delivered_texts()), timeout=10
    )
    assert sum("ส่งเรื่องของคุณต่อ" in t for t in fake_line.delivered_texts()) == 1


def test_overlapping_sweeps_in_the_worker_escalate_once(
    celery_worker: Worker, fake_line: FakeLine, registry: None
) -> None:
    incident = make_incident()
    Incident.objects.filter(pk=incident.pk).update(routed_at=timezone.now() - timedelta(minutes=4))
    for _ in range(4):
        sweep_task.delay()
    assert fake_line.wait_for(
        lambda: IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.ESCALATED).exists(),
        timeout=20,
    )
    fake_line.wait_for(lambda: False, timeout=2)  # let the other sweeps finish
    assert IncidentEvent.objects.filter(incident=incident, kind=IncidentEvent.Kind.ESCALATED).count() == 1


def test_beat_schedules_the_sweep() -> None:
    from essdispatch.celery import app

    app.loader.import_default_modules()
    app.finalize()
    schedule: dict[str, Any] = app.conf.beat_schedule
    assert schedule["sweep"]["task"] == "essdispatch.sweep"
