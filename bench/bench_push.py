"""Status messages through Celery: push throughput, and the delay from an officer's click to the
push leaving for LINE. PostgreSQL + Redis + Daphne + a Celery worker; a fake LINE records arrivals."""

from __future__ import annotations

import http.client
import os
import time
from urllib.parse import urlparse

from common import percentiles, write_result
from services import prepare_with_fake_line, processes, session_key_for

CLICKS = int(os.environ.get("BENCH_CLICKS", "60"))
BULK = int(os.environ.get("BENCH_PUSHES", "500"))
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKERS", "4"))
CSRF = "b" * 32


def main() -> None:
    fake, env = prepare_with_fake_line()
    from django.contrib.auth.models import User

    from accounts.models import StaffProfile
    from accounts.services import staff_assign
    from incidents.services import incident_create, incident_set_status
    from stations.models import Station

    officer = User.objects.create_user("bench.officer", password="bench-password-1")
    staff_assign(user=officer, role=StaffProfile.Role.OFFICER, station=Station.objects.get(code="DEMO-2501"))
    session = session_key_for(officer)

    def new_case(n: int) -> int:
        return incident_create(
            category="assault",
            latitude=14.05,
            longitude=101.37,
            phone="+66812345678",
            relation="victim",
            reporter_line_id=f"U{n:032x}",
        ).pk

    def pushes() -> int:
        return len(fake.calls("/v2/bot/message/push"))

    with processes(env, workers=WORKER_CONCURRENCY) as (url,):
        host = urlparse(url)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        headers = {
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": url + "/dashboard/",
        }
        # 1. Click → push: one officer click at a time, timed until the push reaches "LINE".
        delays = []
        for n in range(CLICKS):
            incident_id = new_case(n)
            before = pushes()
            start = time.perf_counter()
            conn.request(
                "POST", f"/dashboard/cases/{incident_id}/status", body="to=accepted", headers=headers
            )
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            assert fake.wait_for(lambda b=before: pushes() > b, timeout=30)
            delays.append((fake.calls("/v2/bot/message/push")[-1].at - start) * 1000)

        # 2. The cost of one status change in the web process (lock, save, timeline, message row,
        #    broadcast and queueing), measured over 100 changes.
        ids = [new_case(10_000 + n) for n in range(100)]
        change_ms = []
        for incident_id in ids:
            t = time.perf_counter()
            incident_set_status(incident_id=incident_id, actor=officer, to="accepted")
            change_ms.append((time.perf_counter() - t) * 1000)
        assert fake.wait_for(lambda: pushes() >= CLICKS + 100, timeout=120)

        # 3. Push throughput: BULK messages committed in one transaction, drained by the worker.
        from django.db import transaction

        from lineoa.services import outbound_create

        before = pushes()
        with transaction.atomic():
            for n in range(BULK):
                outbound_create(
                    line_user_id=f"U{n:032x}",
                    purpose="bench",
                    messages=[{"type": "text", "text": f"ข้อความทดสอบ {n}"}],
                )
            start = time.perf_counter()
        assert fake.wait_for(lambda: pushes() - before >= BULK, timeout=600)
        drained = time.perf_counter() - start
        fake.wait_for(lambda: False, timeout=2)
        duplicates = pushes() - before - BULK

    result = {
        "setup": f"PostgreSQL, Redis, 1 Daphne, Celery worker -c {WORKER_CONCURRENCY}, fake LINE on loopback, 2 cores",
        "click_to_push": percentiles(delays),
        "status_change_in_web_process": percentiles(change_ms),
        "bulk_messages": BULK,
        "bulk_all_pushed_seconds": round(drained, 2),
        "pushes_per_second": round(BULK / drained, 1),
        "duplicate_pushes": duplicates,
    }
    write_result("push", result)
    fake.server.shutdown()


if __name__ == "__main__":
    main()
