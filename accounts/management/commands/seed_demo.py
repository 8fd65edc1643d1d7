from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from accounts.models import StaffProfile
from accounts.services import staff_assign
from stations.models import Province, Station

DEMO_PASSWORD = "ess-demo-2569"  # noqa: S105 (printed for the demo; never used in production)

# (username, first name, role, station code or province code)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("officer.mueang", "ด.ต.สมชาย (สภ.เมืองปราจีนบุรี)", StaffProfile.Role.OFFICER, "DEMO-2501"),
    ("officer.kabin", "ร.ต.อ.สมหญิง (สภ.กบินทร์บุรี)", StaffProfile.Role.OFFICER, "DEMO-2502"),
    ("pmj.prachin", "คุณวิภา (พมจ.ปราจีนบุรี)", StaffProfile.Role.PROVINCIAL, "25"),
    ("admin", "ผู้ดูแลระบบ", StaffProfile.Role.NATIONAL, ""),
]


class Command(BaseCommand):
    help = "Create the demo staff accounts (idempotent: existing accounts are left as they are)."

    def handle(self, *args: Any, **options: Any) -> None:
        for username, first_name, role, scope in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            station = province = None
            if role == StaffProfile.Role.OFFICER:
                station = Station.objects.filter(code=scope).first()
                if station is None:
                    raise CommandError(f"station {scope} is missing: load the registry first")
            elif role == StaffProfile.Role.PROVINCIAL:
                province = Province.objects.get(code=int(scope))
            user = User.objects.create_user(
                username,
                password=DEMO_PASSWORD,
                first_name=first_name,
                is_superuser=role == StaffProfile.Role.NATIONAL,
            )
            staff_assign(user=user, role=role, station=station, province=province)
            self.stdout.write(f"created demo account {username}")
        self.stdout.write(f"\n  Demo logins (password for all: {DEMO_PASSWORD})")
        for username, first_name, _role, _scope in DEMO_ACCOUNTS:
            self.stdout.write(f"    {username:<16} {first_name}")
