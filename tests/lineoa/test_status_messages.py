from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from incidents.models import Category, Incident, IncidentEvent
from incidents.services import incident_set_status, incident_transfer
from lineoa.models import LineUser, OutboundMessage
from lineoa.notify import welfare_sweep
from stations.models import Station
from tests import line_events as ev
from tests.conftest import LineChat, make_incident
from tests.fake_line import FakeLine

pytestmark = pytest.mark.django_db
REPORTER = "U" + "d" * 32  # make_incident's reporter


def _step(capture: Any, officer: User, incident: Incident, to: str, **extra: Any) -> None:
    with capture(execute=True):
        incident_set_status(incident_id=incident.pk, actor=officer, to=to, **extra)


def test_each_status_change_pushes_one_discreet_thai_message(
    officer: User, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident()
    for to in ("accepted", "en_route", "on_scene"):
        _step(django_capture_on_commit_callbacks, officer, incident, to)
    _step(django_capture_on_commit_callbacks, officer, incident, "closed", outcome="referred_pmj")
    pushes = fake_line.calls("/v2/bot/message/push")
    assert [p.body["to"] for p in pushes] == [REPORTER] * 4
    texts = [p.body["messages"][0]["text"] for p in pushes]
    assert "สภ.เมืองปราจีนบุรี" in texts[0] and "รับเรื่อง" in texts[0]
    assert "กำลังเดินทาง" in texts[1]
    assert "ถึงจุดที่แจ้ง" in texts[2]
    assert "พมจ." in texts[3] and "1300" in texts[3]
    for text in texts:
        first_line = text.splitlines()[0]
        assert first_line == f"ESS Help Me · เรื่อง {incident.case_number}"
        for label in Category.labels:
            assert label not in text
    assert len({p.headers["X-Line-Retry-Key"] for p in pushes}) == 4
    incident.refresh_from_db()
    assert incident.reporter_message_state == OutboundMessage.Status.SENT


def test_the_message_row_commits_with_the_change(officer: User, fake_line: FakeLine) -> None:
    incident = make_incident()
    incident_set_status(incident_id=incident.pk, actor=officer, to="accepted")
    message = OutboundMessage.objects.get(incident=incident)
    assert message.purpose == "status.status.accepted"
    assert message.status == OutboundMessage.Status.PENDING  # not sent: the test's transaction is open


def test_transfer_tells_the_reporter_the_new_station(
    officer: User, station_kabin: Station, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident()
    with django_capture_on_commit_callbacks(execute=True):
        incident_transfer(
            incident_id=incident.pk, actor=officer, station_id=station_kabin.pk, reason="นอกเขต"
        )
    assert "สภ.กบินทร์บุรี" in fake_line.delivered_texts()[-1]


def test_a_blocked_reporter_is_recorded_on_the_case(
    officer: User, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident()
    LineUser.objects.create(line_user_id=REPORTER, following=False)
    _step(django_capture_on_commit_callbacks, officer, incident, "accepted")
    incident.refresh_from_db()
    assert incident.reporter_message_state == OutboundMessage.Status.BLOCKED
    assert incident.reporter_unreachable
    assert incident.events.filter(kind=IncidentEvent.Kind.MESSAGE, note__contains="บล็อก").exists()
    assert fake_line.calls("/v2/bot/message/push") == []


def test_a_failed_message_shows_on_the_case(
    officer: User, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident()
    fake_line.fail_next("/v2/bot/message/push", 400)
    _step(django_capture_on_commit_callbacks, officer, incident, "accepted")
    incident.refresh_from_db()
    assert incident.reporter_message_state == OutboundMessage.Status.FAILED


def test_welfare_check_after_close_asks_once_and_help_reopens_the_case(
    officer: User, line: LineChat, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident(reporter_line_id=REPORTER)
    _step(django_capture_on_commit_callbacks, officer, incident, "closed", outcome="resolved")
    assert welfare_sweep() == 0  # not yet due
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(minutes=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert welfare_sweep() == 1
    assert welfare_sweep() == 0
    question = line.fake.delivered()[-1]
    assert "ปลอดภัยแล้วหรือยัง" in question["text"]
    labels = [i["action"]["label"] for i in question["quickReply"]["items"]]
    assert labels == ["ปลอดภัยแล้ว", "ยังต้องการความช่วยเหลือ"]

    data = question["quickReply"]["items"][1]["action"]["data"]
    line.send(ev.postback(REPORTER, data))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NEW
    assert incident.station is not None and incident.station.code == "DEMO-2501"
    assert incident.events.filter(kind=IncidentEvent.Kind.REOPENED).exists()
    assert "เปิดเรื่อง" in line.last_text()


def test_welfare_answer_safe_keeps_the_case_closed(
    officer: User, line: LineChat, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident(reporter_line_id=REPORTER)
    _step(django_capture_on_commit_callbacks, officer, incident, "closed", outcome="resolved")
    line.send(ev.postback(REPORTER, f"action=welfare&value=safe&case={incident.pk}"))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert "ปลอดภัย" in line.last_text()


def test_someone_else_cannot_reopen_a_case(
    officer: User, line: LineChat, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident(reporter_line_id=REPORTER)
    _step(django_capture_on_commit_callbacks, officer, incident, "closed", outcome="resolved")
    line.send(ev.postback("U" + "e" * 32, f"action=welfare&value=help&case={incident.pk}"))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_false_reports_get_no_welfare_check(
    officer: User, fake_line: FakeLine, django_capture_on_commit_callbacks: Any
) -> None:
    incident = make_incident()
    _step(django_capture_on_commit_callbacks, officer, incident, "closed", outcome="false_report")
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(hours=1))
    assert welfare_sweep() == 0
