"""Writes to staff accounts: roles are a profile plus the matching auth group."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from accounts.models import StaffProfile
from stations.models import Province, Station

ROLE_GROUPS = {
    StaffProfile.Role.OFFICER: "เจ้าหน้าที่สถานีตำรวจ",
    StaffProfile.Role.PROVINCIAL: "เจ้าหน้าที่ พมจ.",
    StaffProfile.Role.NATIONAL: "ผู้ดูแลระดับประเทศ",
}


# What a non-superuser national admin may do in the Django admin: keep the registry and the staff
# accounts, and look at (never edit) cases and LINE traffic.
NATIONAL_ADMIN_PERMISSIONS = {
    "stations": ("add", "change", "delete", "view"),
    "accounts": ("add", "change", "delete", "view"),
    "auth.user": ("add", "change", "view"),
    "incidents": ("view",),
    "lineoa": ("view",),
}


def role_groups_ensure() -> dict[str, Group]:
    """The three role groups, with the national admins' permissions; safe to call any time."""
    groups: dict[str, Group] = {
        str(role): Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUPS.items()
    }
    wanted = Permission.objects.none()
    for target, actions in NATIONAL_ADMIN_PERMISSIONS.items():
        app_label, _, model = target.partition(".")
        perms = Permission.objects.filter(
            content_type__app_label=app_label, codename__regex=rf"^({'|'.join(actions)})_"
        )
        if model:
            perms = perms.filter(content_type__model=model)
        wanted = wanted | perms
    groups[StaffProfile.Role.NATIONAL].permissions.set(wanted)
    return groups


def staff_sync_groups(user: User) -> None:
    """Put ``user`` in the group of their profile's role only (after an edit in the admin)."""
    groups = role_groups_ensure()
    user.groups.remove(*groups.values())
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None:
        user.groups.add(groups[profile.role])
        if profile.role == StaffProfile.Role.NATIONAL and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


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
        staff_sync_groups(user)
    return profile
