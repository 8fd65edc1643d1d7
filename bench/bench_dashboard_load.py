"""First load of the dashboard with 10,000 open cases, on PostgreSQL, through a real Daphne process.

Measures, for a national admin (sees all 10,000) and a provincial user of the province holding most
of them: the time of ``GET /dashboard/snapshot.json`` and of the ``/dashboard/`` page, the JSON size,
and the time Chromium takes from navigation until the list and the markers are drawn (the open count
shows the number), plus the main-thread time the page then spends every second while idle.
"""

from __future__ import annotations

import gzip
import http.client
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from common import percentiles, time_calls, write_result
from services import CHROMIUM, CHROMIUM_ARGS, ROOT, bench_env, fresh_database, processes, session_key_for

CASES = int(os.environ.get("BENCH_DASHBOARD_CASES", "10000"))
MAIN_PROVINCE_CODE = 25  # Prachin Buri, the demo province, holds most of the cases
MAIN_SHARE = 0.6
HTTP_SAMPLES = int(os.environ.get("BENCH_DASHBOARD_SAMPLES", "30"))
BROWSER_LOADS = 3


def create_cases(n: int) -> dict[str, int]:
    """Bulk-create ``n`` open incidents: most at the stations of MAIN_PROVINCE, the rest anywhere."""
    from django.utils import timezone

    from incidents.models import CaseCounter, Category, Incident, ReporterRelation
    from stations.models import Province, Station

    rng = random.Random(42)
    stations = list(Station.objects.filter(active=True).values("id", "province_id", "latitude", "longitude"))
    main_province = Province.objects.get(code=MAIN_PROVINCE_CODE).pk
    main = [s for s in stations if s["province_id"] == main_province]
    statuses = ["new", "accepted", "en_route", "on_scene"]
    weights = [40, 25, 20, 15]
    now = timezone.now()
    year_be = timezone.localtime(now).year + 543
    rows = []
    for i in range(n):
        s = rng.choice(main) if rng.random() < MAIN_SHARE else rng.choice(stations)
        status = rng.choices(statuses, weights)[0]
        received = now - timedelta(minutes=rng.uniform(1, 3 * 24 * 60))
        rows.append(
            Incident(
                case_number=f"ESS-{year_be}-{i + 1:06d}",
                category=rng.choice(Category.values),
                status=status,
                latitude=s["latitude"] + rng.uniform(-0.03, 0.03),
                longitude=s["longitude"] + rng.uniform(-0.03, 0.03),
                address="หมู่ 3 ถนนสุวรรณศร",
                reporter_phone="+66812345678",
                reporter_relation=rng.choice(ReporterRelation.values),
                station_id=s["id"],
                province_id=s["province_id"],
                tried_station_ids=[s["id"]],
                received_at=received,
                routed_at=received,
                accepted_at=None if status == "new" else received + timedelta(minutes=2),
            )
        )
    Incident.objects.bulk_create(rows, batch_size=2000)
    CaseCounter.objects.update_or_create(year_be=year_be, defaults={"last": n})
    by_province: dict[int, int] = {}
    for r in rows:
        by_province[r.province_id] = by_province.get(r.province_id, 0) + 1
    top_province, top_count = max(by_province.items(), key=lambda kv: kv[1])
    return {"province_id": top_province, "province_cases": top_count}


def session_for(username: str, role: str, province_id: int | None = None) -> str:
    """A staff user and a logged-in session for them; returns the session key (the cookie)."""
    from django.contrib.auth.models import User

    from accounts.services import staff_assign
    from stations.models import Province

    user = User.objects.create_user(username, password="bench-only-password")
    province = Province.objects.get(pk=province_id) if province_id else None
    staff_assign(user=user, role=role, province=province)
    return session_key_for(user)


def get(conn: http.client.HTTPConnection, path: str, cookie: str) -> bytes:
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status, body[:300])
    return body


def browser_loads(url: str, cookie: str, expected: int) -> dict[str, Any]:
    """Chromium: navigation start → open count shows ``expected`` (list and markers drawn); then the
    main-thread time spent in long tasks while the page sits idle for 5 s."""
    from playwright.sync_api import sync_playwright

    host = urlparse(url).hostname or "127.0.0.1"
    loads: list[float] = []
    idle_long_task_ms: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(BROWSER_LOADS):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "domain": host, "path": "/"}])
            page = context.new_page()
            page.goto(f"{url}/dashboard/", wait_until="commit")
            page.wait_for_function(
                f"document.querySelector('[data-testid=open-count]')?.textContent === '{expected}'",
                timeout=180_000,
                polling=50,
            )
            loads.append(float(page.evaluate("performance.now()")))
            idle = page.evaluate(
                """() => new Promise((resolve) => {
                  let total = 0;
                  const obs = new PerformanceObserver((list) => {
                    list.getEntries().forEach((e) => { total += e.duration; });
                  });
                  obs.observe({ type: "longtask" });
                  setTimeout(() => { obs.disconnect(); resolve(total); }, 5000);
                })"""
            )
            idle_long_task_ms.append(float(idle))
            context.close()
        browser.close()
    return {
        "load_to_list_drawn": percentiles(loads),
        "idle_long_tasks_ms_per_5s": [round(v) for v in idle_long_task_ms],
    }


def main() -> None:
    static_root = Path(tempfile.mkdtemp(prefix="ess-bench-static-"))
    env = bench_env({"STATIC_ROOT": str(static_root)})
    fresh_database(env)
    # Production-like: DEBUG off, fingerprinted static files served by WhiteNoise.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    from common import setup_django

    setup_django()

    started = time.perf_counter()
    top = create_cases(CASES)
    create_seconds = time.perf_counter() - started
    national = session_for("bench.national", "national")
    provincial = session_for("bench.provincial", "provincial", top["province_id"])

    result: dict[str, Any] = {
        "database": "postgresql",
        "setup": "1 Daphne process (DEBUG off, WhiteNoise), PostgreSQL, Redis; 2 cores shared with Chromium",
        "open_cases": CASES,
        "bulk_create_seconds": round(create_seconds, 1),
    }
    with processes(env, workers=0) as (url,):
        host = urlparse(url)
        for label, cookie, expected in (
            ("national", national, CASES),
            ("provincial", provincial, top["province_cases"]),
        ):
            # A fresh keep-alive connection per user: Daphne closes one left idle during the
            # browser runs.
            conn = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=120)
            body = get(conn, "/dashboard/snapshot.json", cookie)  # warm-up, and the size
            samples = time_calls(partial(get, conn, "/dashboard/snapshot.json", cookie), HTTP_SAMPLES)
            html = time_calls(partial(get, conn, "/dashboard/", cookie), HTTP_SAMPLES)
            result[label] = {
                "cases_visible": expected,
                "snapshot_json": percentiles(samples),
                "snapshot_bytes": len(body),
                "snapshot_gzip_bytes": len(gzip.compress(body)),
                "dashboard_html": percentiles(html),
                "chromium": browser_loads(url, cookie, expected),
            }
            print(label, result[label], flush=True)
    write_result("dashboard_load", result)


if __name__ == "__main__":
    main()
