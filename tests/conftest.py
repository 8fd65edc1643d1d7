from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import StaffProfile
from accounts.services import staff_assign
from stations.geography import load_geography
from stations.models import District, Province, Station

ROOT = Path(__file__).resolve().parent.parent


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
