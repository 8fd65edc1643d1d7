from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

from essdispatch.asgi import application
from incidents.services import incident_set_status, incident_transfer
from stations.models import Station
from tests.conftest import make_incident

pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _connect(user: User | None) -> tuple[WebsocketCommunicator, bool]:
    headers = [(b"origin", b"http://127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", _session_cookie_cache[user.pk]))
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


_session_cookie_cache: dict[int, bytes] = {}


def _login(*users: User) -> None:
    for user in users:
        _session_cookie_cache[user.pk] = _session_cookie(user)


def test_anonymous_and_roleless_sockets_are_refused(registry: None) -> None:
    plain = User.objects.create_user("plain", password="pw-for-tests-only")
    _login(plain)

    async def scenario() -> list[bool]:
        results = []
        for user in (None, plain):
            communicator, connected = await _connect(user)
            results.append(connected)
            await communicator.disconnect()
        return results

    assert async_to_sync(scenario)() == [False, False]


def test_a_socket_from_another_origin_is_refused(officer: User) -> None:
    _login(officer)

    async def scenario() -> bool:
        communicator = WebsocketCommunicator(
            application,
            "/ws/dashboard/",
            headers=[(b"origin", b"http://evil.example"), (b"cookie", _session_cookie_cache[officer.pk])],
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


def test_each_dashboard_hears_only_its_own_scope(
    officer: User, other_officer: User, provincial: User, station_kabin: Station
) -> None:
    admin = User.objects.create_superuser("root", password="pw-for-tests-only")
    _login(officer, other_officer, provincial, admin)

    async def scenario() -> dict[str, list[dict[str, Any]]]:
        sockets = {}
        for name, user in (
            ("mueang", officer),
            ("kabin", other_officer),
            ("pmj", provincial),
            ("admin", admin),
        ):
            communicator, connected = await _connect(user)
            assert connected, name
            hello = await communicator.receive_json_from(timeout=2)
            assert hello["type"] == "hello"
            sockets[name] = communicator
        from channels.db import database_sync_to_async

        incident = await database_sync_to_async(make_incident)()
        heard: dict[str, list[dict[str, Any]]] = {name: [] for name in sockets}
        for name, communicator in sockets.items():
            while not await communicator.receive_nothing(timeout=0.3):
                heard[name].append(await communicator.receive_json_from())
        await database_sync_to_async(incident_set_status)(
            incident_id=incident.pk, actor=officer, to="accepted"
        )
        await database_sync_to_async(incident_transfer)(
            incident_id=incident.pk, actor=officer, station_id=station_kabin.pk, reason="นอกพื้นที่"
        )
        for name, communicator in sockets.items():
            while not await communicator.receive_nothing(timeout=0.3):
                heard[name].append(await communicator.receive_json_from())
            await communicator.disconnect()
        return heard

    heard = async_to_sync(scenario)()
    events = {name: [(m["event"], m["station_id"]) for m in msgs] for name, msgs in heard.items()}
    mueang_id = Station.objects.get(code="DEMO-2501").pk
    # Mueang hears its case created and accepted, and that it left; Kabin hears only its arrival.
    assert events["mueang"] == [
        ("incident.created", mueang_id),
        ("incident.status", mueang_id),
        ("incident.transferred", station_kabin.pk),
    ]
    assert events["kabin"] == [("incident.transferred", station_kabin.pk)]
    assert len(events["pmj"]) == 3
    assert len(events["admin"]) == 3
    message = heard["mueang"][0]
    assert set(message) == {
        "type",
        "event",
        "incident_id",
        "case_number",
        "status",
        "station_id",
        "province_id",
    }
    assert "reporter_phone" not in str(heard)


def test_an_officer_of_another_province_hears_nothing(registry: None) -> None:
    from accounts.models import StaffProfile
    from tests.conftest import make_staff

    bangkok = make_staff("bkk", StaffProfile.Role.OFFICER, station=Station.objects.get(code="DEMO-1001"))
    _login(bangkok)

    async def scenario() -> bool:
        from channels.db import database_sync_to_async

        communicator, connected = await _connect(bangkok)
        assert connected
        await communicator.receive_json_from(timeout=2)
        await database_sync_to_async(make_incident)()
        quiet = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return quiet

    assert async_to_sync(scenario)() is True
