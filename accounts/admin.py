from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import StaffProfile
from accounts.services import staff_sync_groups


class StaffProfileInline(admin.StackedInline[StaffProfile, User]):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["station", "province"]
    verbose_name_plural = "บทบาทและพื้นที่รับผิดชอบ"


class StaffUserAdmin(UserAdmin[User]):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "role", "scope"]

    @admin.display(description="บทบาท")
    def role(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else ("ผู้ดูแลระบบ" if user.is_superuser else "-")

    @admin.display(description="พื้นที่")
    def scope(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        if profile is None:
            return "-"
        return str(profile.station or profile.province or "ทั้งประเทศ")

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        staff_sync_groups(form.instance)

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return (
            super().get_queryset(request).select_related("staff_profile__station", "staff_profile__province")
        )


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
