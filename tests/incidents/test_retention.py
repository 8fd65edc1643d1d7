from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from incidents.models import Incident, IncidentEvent
from incidents.services import incident_add_reporter_message, incident_set_status, incidents_anonymize_expired
from lineoa.models import InboxEvent, OutboundMessage
from lineoa.services import line_records_purge
from tests.conftest import make_incident

pytestmark = pytest.mark.django_db


def test_reporter_details_are_removed_after_the_retention_period(officer: User, settings: Any) -> None:
    old = make_incident(address="หน้าบ้านเลขที่ 12")
    incident_add_reporter_message(incident=old, kind=IncidentEvent.Kind.REPORTER_TEXT, text="ชื่อฉันคือ…")
    incident_set_status(incident_id=old.pk, actor=officer, to="closed", outcome="resolved")
    recent = make_incident()
    incident_set_status(incident_id=recent.pk, actor=officer, to="closed", outcome="resolved")
    still_open = make_incident()
    Incident.objects.filter(pk__in=[old.pk, still_open.pk]).update(
        closed_at=timezone.now() - timedelta(days=settings.RETENTION_DAYS + 1)
    )
    assert incidents_anonymize_expired() == 1
    old.refresh_from_db()
    assert (old.reporter_phone, old.reporter_line_id, old.address) == ("", "", "")
    assert old.category == "assault" and old.outcome == "resolved"  # the facts stay for statistics
    assert not old.events.filter(kind=IncidentEvent.Kind.REPORTER_TEXT).exclude(note="").exists()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.reporter_phone == still_open.reporter_phone == "+66812345678"
    assert incidents_anonymize_expired() == 0


def test_raw_line_traffic_is_deleted_after_its_buffer_period(settings: Any) -> None:
    now = timezone.now()
    old = now - timedelta(days=settings.LINE_RECORDS_DAYS + 1)
    InboxEvent.objects.create(
        webhook_event_id="old",
        event_type="message",
        payload={"text": "0812345678"},
        received_at=old,
        processed_at=old,
    )
    InboxEvent.objects.create(
        webhook_event_id="new", event_type="message", payload={}, received_at=now, processed_at=now
    )
    InboxEvent.objects.create(webhook_event_id="stuck", event_type="message", payload={}, received_at=old)
    OutboundMessage.objects.create(line_user_id="U1", purpose="x", messages=[], created_at=old, status="sent")
    OutboundMessage.objects.create(
        line_user_id="U1", purpose="x", messages=[], created_at=old, status="pending"
    )
    assert line_records_purge() == 2
    assert set(InboxEvent.objects.values_list("webhook_event_id", flat=True)) == {"new", "stuck"}
    assert list(OutboundMessage.objects.values_list("status", flat=True)) == ["pending"]
