"""From the reporter's "ยืนยัน" to 50 dashboards: PostgreSQL + Redis channel layer + a Celery worker.

Daphne serves the app and the WebSockets, a Celery worker processes the inbox, a fake LINE server
takes the replies. 50 staff WebSockets (officers of the station, provincial staff, national admins)
stay connected; for each report the benchmark walks a reporter through the conversation, then times
from the signed confirm postback (the event that creates the incident) to the ``incident.created``
hint arriving on each socket.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import aiohttp
from common import percentiles, write_result
from services import CHANNEL_SECRET, bench_env, fresh_database, processes, session_key_for

SOCKETS = int(os.environ.get("BENCH_DASHBOARD_SOCKETS", "50"))
REPORTS = int(os.environ.get("BENCH_DASHBOARD_REPORTS", "60"))
STATION_CODE = "DEMO-2501"  # สภ.เมืองปราจีนบุรี; the reports are made next to it
ROLE_MIX = [("officer", 30), ("provincial", 10), ("national", 10)]


def staff_sessions(n: int) -> list[str]:
    """``n`` staff users whose scope covers the station, each with a logged-in session."""
    from django.contrib.auth.models import User

    from accounts.services import staff_assign
    from stations.models import Station

    station = Station.objects.get(code=STATION_CODE)
    roles = [role for role, count in ROLE_MIX for _ in range(count)]
    keys = []
    for i in range(n):
        role = roles[i % len(roles)]
        user = User.objects.create_user(f"bench.{role}.{i}", password="bench-only-password")
        staff_assign(
            user=user,
            role=role,
            station=station if role == "officer" else None,
            province=station.province if role == "provincial" else None,
        )
        keys.append(session_key_for(user))
    return keys


def inbox_idle() -> bool:
    from lineoa.models import InboxEvent

    return not InboxEvent.objects.filter(processed_at__isnull=True).exists()


class Dashboards:
    """The connected sockets; records when each first sees ``incident.created`` for a case."""

    def __init__(self) -> None:
        self.arrivals: dict[int, list[float]] = {}
        self.waiters: dict[int, asyncio.Event] = {}
        self.count = 0

    def expect(self, incident_id: int) -> asyncio.Event:
        return self.waiters.setdefault(incident_id, asyncio.Event())

    async def listen(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            data = msg.json()
            if data.get("type") == "incident" and data.get("event") == "incident.created":
                at = time.perf_counter()
                seen = self.arrivals.setdefault(data["incident_id"], [])
                seen.append(at)
                if len(seen) == self.count:
                    self.expect(data["incident_id"]).set()


async def run(url: str, cookies: list[str]) -> dict[str, Any]:
    from asgiref.sync import sync_to_async

    from incidents.models import Incident
    from lineoa.client import signature_for
    from tests import line_events as ev

    boards = Dashboards()
    boards.count = len(cookies)
    async with aiohttp.ClientSession() as http:
        sockets = []
        for cookie in cookies:
            ws = await http.ws_connect(
                url.replace("http", "ws") + "/ws/dashboard/",
                headers={"Cookie": f"sessionid={cookie}", "Origin": url},
            )
            hello = await ws.receive_json(timeout=10)
            assert hello["type"] == "hello" and hello["groups"] == 1, hello
            sockets.append(ws)
        listeners = [asyncio.create_task(boards.listen(ws)) for ws in sockets]

        async def post(event: dict[str, Any]) -> None:
            body = ev.body_for(event)
            headers = {
                "Content-Type": "application/json",
                "X-Line-Signature": signature_for(body, CHANNEL_SECRET),
            }
            async with http.post(f"{url}/line/webhook", data=body, headers=headers) as response:
                assert response.status == 200, response.status

        async def until_processed() -> None:
            while not await sync_to_async(inbox_idle)():
                await asyncio.sleep(0.01)

        per_socket: list[float] = []
        last_socket: list[float] = []
        ack: list[float] = []
        for n in range(REPORTS):
            user = f"U{n:032x}"
            for event in (
                ev.postback(user, "action=report"),
                ev.postback(user, "action=category&value=assault"),
                ev.location(user, 14.05, 101.37),
                ev.text(user, "0812345678"),
                ev.postback(user, "action=relation&value=victim"),
            ):
                await post(event)
                await until_processed()
            before = await sync_to_async(lambda: set(Incident.objects.values_list("pk", flat=True)))()
            started = time.perf_counter()
            await post(ev.postback(user, "action=confirm"))
            ack.append((time.perf_counter() - started) * 1000)
            # The new incident's id is known only once the worker has made it; wait for the hint
            # that carries an id not seen before.
            while True:
                fresh = [i for i in boards.arrivals if i not in before]
                if fresh:
                    break
                await asyncio.sleep(0.002)
            await asyncio.wait_for(boards.expect(fresh[0]).wait(), timeout=30)
            times = [(t - started) * 1000 for t in boards.arrivals[fresh[0]]]
            per_socket.extend(times)
            last_socket.append(max(times))
            await until_processed()
        for ws in sockets:
            await ws.close()
        for task in listeners:
            task.cancel()
    return {
        "confirm_ack": percentiles(ack),
        "confirm_to_event_every_socket": percentiles(per_socket),
        "confirm_to_event_last_of_50_sockets": percentiles(last_socket),
    }


def main() -> None:
    from tests.fake_line import start_fake_line

    fake = start_fake_line()
    env = bench_env({"LINE_API_BASE_URL": fake.url, "LINE_API_DATA_BASE_URL": fake.url})
    fresh_database(env)
    os.environ.update(env)
    from common import setup_django

    setup_django()
    cookies = staff_sessions(SOCKETS)
    with processes(env, workers=2) as (url,):
        numbers = asyncio.run(run(url, cookies))
    from incidents.models import Incident

    result = {
        "database": "postgresql",
        "setup": (
            f"1 Daphne process, Celery worker -c 2, Redis channel layer, {SOCKETS} dashboard WebSockets "
            "(30 station officers, 10 provincial, 10 national), reports one at a time, 2 cores shared"
        ),
        "reports": REPORTS,
        "incidents_created": Incident.objects.count(),
        **numbers,
    }
    write_result("dashboard_latency", result)
    fake.server.shutdown()


if __name__ == "__main__":
    main()
