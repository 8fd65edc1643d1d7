"""Webhook acknowledgement latency and sustained throughput on PostgreSQL + Redis + Celery.

A Daphne process serves the app, a Celery worker processes the inbox, a fake LINE server takes the
replies. Reporters make whole reports (six signed events each, in order); the benchmark counts
every event acknowledged, processed and answered: zero lost is part of the result.
"""

from __future__ import annotations

import http.client
import os
import queue
import threading
import time
from typing import Any
from urllib.parse import urlparse

from common import percentiles, write_result
from services import CHANNEL_SECRET, prepare_with_fake_line, processes

REPORTERS = int(os.environ.get("BENCH_REPORTERS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SEQUENTIAL = 300


def main() -> None:
    fake, env = prepare_with_fake_line()
    from lineoa.client import signature_for
    from tests import line_events as ev

    def post(conn: http.client.HTTPConnection, event: dict[str, Any]) -> tuple[int, float]:
        body = ev.body_for(event)
        headers = {
            "Content-Type": "application/json",
            "X-Line-Signature": signature_for(body, CHANNEL_SECRET),
        }
        start = time.perf_counter()
        conn.request("POST", "/line/webhook", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - start) * 1000

    def script(user: str) -> list[dict[str, Any]]:
        return [
            ev.postback(user, "action=report"),
            ev.postback(user, "action=category&value=assault"),
            ev.location(user, 14.05, 101.37),
            ev.text(user, "0812345678"),
            ev.postback(user, "action=relation&value=victim"),
            ev.postback(user, "action=confirm"),
        ]

    with processes(env, workers=2) as (url,):
        host = urlparse(url)
        # 1. Uncontended acknowledgement latency: one connection, one event at a time.
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        sequential = []
        for n in range(SEQUENTIAL):
            status, ms = post(conn, ev.text(f"Useq{n:029x}", "สวัสดี"))
            assert status == 200, status
            sequential.append(ms)

        # 2. Sustained load: CONCURRENCY reporters at a time, each sending a whole report.
        users: queue.Queue[str] = queue.Queue()
        for n in range(REPORTERS):
            users.put(f"U{n:032x}")
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()

        def reporter_loop() -> None:
            c = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
            while True:
                try:
                    user = users.get_nowait()
                except queue.Empty:
                    return
                for event in script(user):
                    status, ms = post(c, event)
                    with lock:
                        latencies.append(ms)
                        if status != 200:
                            failures.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=reporter_loop) for _ in range(CONCURRENCY)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        send_seconds = time.perf_counter() - started

        # 3. Wait for the worker to drain the inbox and the replies to reach "LINE".
        from incidents.models import Incident
        from lineoa.models import InboxEvent, OutboundMessage

        total_events = SEQUENTIAL + REPORTERS * 6
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            pending = InboxEvent.objects.filter(processed_at__isnull=True).count()
            unsent = OutboundMessage.objects.exclude(status="sent").count()
            if pending == 0 and unsent == 0 and InboxEvent.objects.count() == total_events:
                break
            time.sleep(0.2)
        drain_seconds = time.perf_counter() - started
        stored = InboxEvent.objects.count()
        processed = InboxEvent.objects.filter(processed_at__isnull=False).count()
        incidents = Incident.objects.count()
        sent = OutboundMessage.objects.filter(status="sent").count()

    result = {
        "database": "postgresql",
        "setup": f"1 Daphne process, Celery worker -c 2, {CONCURRENCY} concurrent reporters, 2 cores shared",
        "ack_latency_sequential": percentiles(sequential),
        "ack_latency_under_load": percentiles(latencies),
        "events_sent": len(latencies),
        "non_200": len(failures),
        "acked_events_per_second": round(len(latencies) / send_seconds, 1),
        "processed_events_per_second": round(REPORTERS * 6 / drain_seconds, 1),
        "events_stored": stored,
        "events_processed": processed,
        "events_expected": total_events,
        "lost_events": total_events - processed,
        "incidents_created": incidents,
        "incidents_expected": REPORTERS,
        "replies_sent": sent,
        "replies_received_by_fake_line": len(fake.delivered()),
    }
    write_result("webhook", result)
    fake.server.shutdown()


if __name__ == "__main__":
    main()
