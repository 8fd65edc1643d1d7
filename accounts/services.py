"""Writes to staff accounts: roles are a profile plus the matching auth group."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.models import StaffProfile
from stations.models import Province, Station

ROLE_GROUPS = {
    StaffProfile.Role.OFFICER: "เจ้าหน้าที่สถานีตำรวจ",
    StaffProfile.Role.PROVINCIAL: "เจ้าหน้าที่ พมจ.",
    StaffProfile.Role.NATIONAL: "ผู้ดูแลระดับประเทศ",
}


def staff_assign(
    *,
    user: User,
    role: str,
    station: Station | None = None,
    province: Province | None = None,
) -> StaffProfile:
    """Give ``user`` one role and scope, and put them in that role's group only.

    National admins also get ``is_staff`` so that the Django admin opens for them; the group's
    permissions (set by the accounts data migration) decide what they may change there.
    """
    with transaction.atomic():
        profile, _ = StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "station": station if role == StaffProfile.Role.OFFICER else None,
                "province": province if role == StaffProfile.Role.PROVINCIAL else None,
            },
        )
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS.values()}
        user.groups.remove(*groups.values())
        user.groups.add(groups[ROLE_GROUPS[StaffProfile.Role(role)]])
        if role == StaffProfile.Role.NATIONAL and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return profile
