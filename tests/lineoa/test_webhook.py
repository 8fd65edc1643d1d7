from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from incidents.models import Incident
from lineoa.models import InboxEvent
from tests import line_events as ev
from tests.conftest import LineChat
from tests.fake_line import FakeLine
from tests.tasks.conftest import _use_broker

pytestmark = pytest.mark.django_db

USER = "U" + "a" * 32


def test_it_rejects_a_bad_signature_and_stores_nothing(client: Client, fake_line: FakeLine) -> None:
    response = ev.post(client, ev.follow(USER), signature="bm90LWEtc2lnbmF0dXJl")
    assert response.status_code == 401
    assert not InboxEvent.objects.exists()


def test_it_rejects_a_missing_signature(client: Client, fake_line: FakeLine) -> None:
    response = ev.post(client, ev.follow(USER), signature="")
    assert response.status_code == 400
    assert not InboxEvent.objects.exists()


def test_signature_made_with_another_secret_is_refused(client: Client, fake_line: FakeLine) -> None:
    body = ev.body_for(ev.follow(USER))
    from lineoa.client import signature_for

    response = ev.post(client, raw=body, signature=signature_for(body, "another-secret"))
    assert response.status_code == 401


def test_verify_request_with_no_events_gets_200(client: Client, fake_line: FakeLine) -> None:
    response = ev.post(client, raw=b'{"destination":"Ubot","events":[]}')
    assert response.status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[]",
        b'{"events": "nope"}',
        b'{"events": [{"type": "message"}]}',
        b'{"events": [42]}',
        '{"events": ["\u0e01"]}'.encode(),
        b"\xff\xfe",
    ],
)
def test_malformed_bodies_get_400_and_store_nothing(client: Client, fake_line: FakeLine, raw: bytes) -> None:
    response = ev.post(client, raw=raw)
    assert response.status_code == 400
    assert not InboxEvent.objects.exists()


def test_a_huge_body_is_refused_before_reading(client: Client, fake_line: FakeLine, settings: object) -> None:
    raw = json.dumps({"events": [], "pad": "x" * 2_000_000}).encode()
    response = ev.post(client, raw=raw)
    assert response.status_code == 413


def test_get_is_not_allowed(client: Client) -> None:
    assert client.get("/line/webhook").status_code == 405


def test_unknown_event_types_are_stored_and_answered_quietly(line: LineChat) -> None:
    odd = {**ev.follow(USER), "type": "membersJoined"}
    response = line.send(odd)
    assert response.status_code == 200
    stored = InboxEvent.objects.get()
    assert stored.event_type == "membersJoined"
    assert stored.processed_at is not None
    assert line.fake.delivered() == []


def test_redelivered_event_is_processed_once(line: LineChat) -> None:
    start = ev.postback(USER, "action=report")
    line.send(start)
    again = {**start, "deliveryContext": {"isRedelivery": True}}
    assert line.send(again).status_code == 200
    assert InboxEvent.objects.count() == 1
    assert len(line.fake.calls("/v2/bot/message/reply")) == 1


def test_redelivered_confirm_creates_one_incident(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    line.send(ev.location(USER, 14.05, 101.37))
    line.send(ev.text(USER, "0812345678"))
    line.send(ev.postback(USER, "action=relation&value=victim"))
    confirm = ev.postback(USER, "action=confirm")
    line.send(confirm)
    line.send({**confirm, "deliveryContext": {"isRedelivery": True}})
    line.send({**confirm, "deliveryContext": {"isRedelivery": True}})
    assert Incident.objects.count() == 1


def test_bad_coordinates_get_a_helpful_prompt_not_an_error(line: LineChat) -> None:
    line.send(ev.postback(USER, "action=report"))
    line.send(ev.postback(USER, "action=category&value=assault"))
    bad = ev.location(USER, 14.05, 101.37)
    bad["message"]["latitude"] = {"nested": "object"}
    line.send(bad)
    assert "ตำแหน่งไม่ถูกต้อง" in line.last_text()
    assert not InboxEvent.objects.filter(processed_at__isnull=True).exists()


def test_events_stored_during_a_broker_outage_are_processed_by_the_sweep(
    line: LineChat, settings: Any
) -> None:
    from essdispatch.celery import app
    from lineoa.services import inbox_sweep

    settings.TASK_MODE = "celery"
    old = app.conf.broker_url
    _use_broker(app, "redis://127.0.0.1:1/0")  # nothing listens: the queue is unreachable
    try:
        assert line.send(ev.postback(USER, "action=report")).status_code == 200
    finally:
        _use_broker(app, old)
        settings.TASK_MODE = "inline"
    assert InboxEvent.objects.filter(processed_at__isnull=True).count() == 1
    assert line.fake.delivered() == []
    InboxEvent.objects.update(received_at=timezone.now() - timedelta(minutes=1))
    with line.capture(execute=True):
        assert inbox_sweep() == 1
    assert not InboxEvent.objects.filter(processed_at__isnull=True).exists()
    assert "เกิดเหตุอะไรขึ้น" in line.last_text()
