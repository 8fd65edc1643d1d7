"""Who may see what: the one place that turns a user into a scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.models import StaffProfile


@dataclass(frozen=True)
class StaffScope:
    """What a staff member may see: one station, one province, or everything (``national``)."""

    role: str
    station_id: int | None = None
    province_id: int | None = None

    @property
    def national(self) -> bool:
        return self.role == StaffProfile.Role.NATIONAL


def staff_scope(user: AbstractBaseUser | AnonymousUser) -> StaffScope | None:
    """The user's scope, or None for anyone who is not active staff (they see nothing)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return StaffScope(StaffProfile.Role.NATIONAL)
    try:
        profile = StaffProfile.objects.get(user_id=user.pk)
    except StaffProfile.DoesNotExist:
        return None
    if profile.role == StaffProfile.Role.OFFICER:
        station = profile.station
        assert station is not None  # guaranteed by the check constraint
        return StaffScope(profile.role, station_id=station.pk, province_id=station.province_id)
    return StaffScope(profile.role, province_id=profile.province_id)
