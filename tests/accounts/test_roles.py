from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import StaffProfile
from accounts.selectors import staff_scope
from accounts.services import ROLE_GROUPS
from stations.models import Province, Station


def test_officer_scope_is_their_station_and_its_province(officer: User, station_mueang: Station) -> None:
    scope = staff_scope(officer)
    assert scope is not None
    assert scope.station_id == station_mueang.pk
    assert scope.province_id == station_mueang.province_id
    assert not scope.national
    assert list(officer.groups.values_list("name", flat=True)) == [ROLE_GROUPS["officer"]]


def test_provincial_scope_is_their_province(provincial: User) -> None:
    scope = staff_scope(provincial)
    assert scope is not None
    assert scope.station_id is None
    assert scope.province_id == Province.objects.get(code=25).pk


def test_superuser_is_national_admin_without_profile(db: None) -> None:
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    scope = staff_scope(root)
    assert scope is not None and scope.national


def test_user_without_role_or_inactive_or_anonymous_sees_nothing(officer: User) -> None:
    plain = User.objects.create_user("plain", password="pw-for-tests-only")
    assert staff_scope(plain) is None
    assert staff_scope(AnonymousUser()) is None
    officer.is_active = False
    assert staff_scope(officer) is None


def test_database_refuses_an_officer_without_a_station(db: None) -> None:
    user = User.objects.create_user("x", password="pw-for-tests-only")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(user=user, role=StaffProfile.Role.OFFICER)


def test_home_sends_staff_without_role_to_an_explanation(db: None, client: Client) -> None:
    User.objects.create_user("plain", password="pw-for-tests-only")
    client.login(username="plain", password="pw-for-tests-only")
    response = client.get("/")
    assert response.status_code == 403
    assert "ยังไม่ได้รับสิทธิ์" in response.content.decode()


def test_home_requires_login(db: None, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_seed_demo_is_idempotent_and_scopes_the_demo_accounts(registry: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    mueang = staff_scope(User.objects.get(username="officer.mueang"))
    kabin = staff_scope(User.objects.get(username="officer.kabin"))
    pmj = staff_scope(User.objects.get(username="pmj.prachin"))
    assert mueang and kabin and pmj
    assert mueang.station_id != kabin.station_id
    assert mueang.province_id == kabin.province_id == pmj.province_id
    assert User.objects.filter(username__in=["officer.mueang", "admin"]).count() == 2


def test_national_admin_group_may_keep_the_registry_but_only_view_cases(registry: None) -> None:
    from accounts.services import staff_assign

    user = User.objects.create_user("natl", password="pw-for-tests-only")
    staff_assign(user=user, role=StaffProfile.Role.NATIONAL)
    user = User.objects.get(pk=user.pk)  # fresh permission cache
    assert user.is_staff
    assert user.has_perm("stations.change_station")
    assert user.has_perm("accounts.add_staffprofile")
    assert user.has_perm("incidents.view_incident")
    assert not user.has_perm("incidents.change_incident")
    assert not user.has_perm("auth.delete_user")


def test_admin_pages_open_for_a_superuser(registry: None, client: Client) -> None:
    from stations.models import Station

    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(root)
    station = Station.objects.get(code="DEMO-2501")
    for url in (
        "/admin/stations/station/",
        f"/admin/stations/station/{station.pk}/change/",
        "/admin/stations/province/",
        "/admin/stations/district/",
        "/admin/auth/user/",
        f"/admin/auth/user/{root.pk}/change/",
        "/admin/incidents/incident/",
        "/admin/lineoa/inboxevent/",
        "/admin/lineoa/outboundmessage/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/stations/station/{station.pk}/change/").content.decode()
    assert 'id="station-map"' in page and "leaflet/leaflet.js" in page


def test_officers_cannot_open_the_admin(officer: User, client: Client) -> None:
    client.force_login(officer)
    response = client.get("/admin/stations/station/")
    assert response.status_code == 302
