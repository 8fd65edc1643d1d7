from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import StaffProfile
from accounts.services import staff_assign
from stations.geography import load_geography
from stations.models import District, Province, Station
from tests import line_events
from tests.fake_line import FakeLine, start_fake_line
from tests.line_events import CHANNEL_SECRET


def _ensure_registry() -> None:
    # Transactional tests flush every table afterwards, migrated data included, so the registry is
    # loaded again whenever it is missing.
    if not Province.objects.exists():
        load_geography(Province, District)
    if not Station.objects.exists():
        call_command("load_demo_registry", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        _ensure_registry()


@pytest.fixture
def registry(db: None) -> None:
    _ensure_registry()


@pytest.fixture(autouse=True)
def _inline_tasks(settings: pytest.FixtureRequest, request: pytest.FixtureRequest) -> Iterator[None]:
    """Background work runs right after commit unless a test runs a real Celery worker."""
    if request.node.get_closest_marker("celery_worker") is None:
        settings.TASK_MODE = "inline"  # type: ignore[attr-defined]
    yield


@pytest.fixture
def station_mueang(registry: None) -> Station:
    return Station.objects.get(code="DEMO-2501")


@pytest.fixture
def station_kabin(registry: None) -> Station:
    return Station.objects.get(code="DEMO-2502")


def make_staff(
    username: str, role: str, *, station: Station | None = None, province: Province | None = None
) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only")
    staff_assign(user=user, role=role, station=station, province=province)
    return user


@pytest.fixture
def officer(station_mueang: Station) -> User:
    return make_staff("officer1", StaffProfile.Role.OFFICER, station=station_mueang)


@pytest.fixture
def other_officer(station_kabin: Station) -> User:
    return make_staff("officer2", StaffProfile.Role.OFFICER, station=station_kabin)


@pytest.fixture
def provincial(registry: None) -> User:
    return make_staff("pmj1", StaffProfile.Role.PROVINCIAL, province=Province.objects.get(code=25))


@pytest.fixture
def fake_line(settings: Any) -> Iterator[FakeLine]:
    """LINE's API servers, faked at the HTTP seam; the app's LINE client is pointed at it."""
    fake = start_fake_line()
    settings.LINE_API_BASE_URL = fake.url
    settings.LINE_API_DATA_BASE_URL = fake.url
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-access-token"
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


class LineChat:
    """Posts signed events to the webhook the way LINE does and runs what they start."""

    def __init__(self, client: Any, fake: FakeLine, capture: Any) -> None:
        self.client = client
        self.fake = fake
        self.capture = capture

    def send(self, *events: dict[str, Any]) -> Any:
        with self.capture(execute=True):
            return line_events.post(self.client, *events)

    def texts(self) -> list[str]:
        return self.fake.delivered_texts()

    def last_text(self) -> str:
        texts = self.texts()
        return texts[-1] if texts else ""

    def last_quick_labels(self) -> list[str]:
        messages = self.fake.delivered()
        if not messages:
            return []
        items = messages[-1].get("quickReply", {}).get("items", [])
        return [item["action"]["label"] for item in items]


@pytest.fixture
def line(
    client: Any, fake_line: FakeLine, django_capture_on_commit_callbacks: Any, registry: None
) -> LineChat:
    return LineChat(client, fake_line, django_capture_on_commit_callbacks)


def make_incident(latitude: float = 14.05, longitude: float = 101.37, **extra: Any) -> Any:
    """A new case created the way a LINE report creates it."""
    from incidents.services import incident_create

    values: dict[str, Any] = {
        "category": "assault",
        "latitude": latitude,
        "longitude": longitude,
        "phone": "+66812345678",
        "relation": "victim",
        "reporter_line_id": "U" + "d" * 32,
    }
    values.update(extra)
    return incident_create(**values)
