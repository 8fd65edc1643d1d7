from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from incidents.models import Incident
from lineoa.models import InboxEvent
from tests import line_events as ev
from tests.fake_line import FakeLine

REPORTERS = 50


def _report(user: str, errors: list[str], barrier: threading.Barrier) -> None:
    client = Client()
    script = [
        ev.postback(user, "action=report"),
        ev.postback(user, "action=category&value=gang_gathering"),
        ev.location(user, 13.75 + (hash(user) % 100) / 1000, 100.50),
        ev.text(user, "0812345678"),
        ev.postback(user, "action=relation&value=bystander"),
        ev.postback(user, "action=confirm"),
    ]
    try:
        barrier.wait(timeout=30)
        for event in script:
            response = ev.post(client, event)
            if response.status_code != 200:
                errors.append(f"{user}: {response.status_code}")
    except Exception as exc:
        errors.append(f"{user}: {exc!r}")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_reporters_get_fifty_distinct_case_numbers(
    fake_line: FakeLine, registry: None, settings: Any
) -> None:
    users = [f"U{n:032x}" for n in range(REPORTERS)]
    errors: list[str] = []
    barrier = threading.Barrier(REPORTERS)
    threads = [threading.Thread(target=_report, args=(u, errors, barrier)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert InboxEvent.objects.count() == REPORTERS * 6
    assert not InboxEvent.objects.filter(processed_at__isnull=True).exists()
    numbers = list(Incident.objects.values_list("case_number", flat=True))
    assert len(numbers) == REPORTERS
    assert len(set(numbers)) == REPORTERS
    assert set(Incident.objects.values_list("reporter_line_id", flat=True)) == set(users)
    confirmations = [t for t in fake_line.delivered_texts() if t.startswith("รับเรื่องแล้ว")]
    assert len(confirmations) == REPORTERS
