from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stations.models import Province, Station


class StaffProfile(models.Model):
    """Who a staff member works for. Superusers are national admins with or without a profile."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("เจ้าหน้าที่สถานีตำรวจ")
        PROVINCIAL = "provincial", _("เจ้าหน้าที่ พมจ.")
        NATIONAL = "national", _("ผู้ดูแลระดับประเทศ")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("บทบาท"), max_length=16, choices=Role.choices)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, related_name="officers"
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )

    class Meta:
        verbose_name = _("สิทธิ์เจ้าหน้าที่")
        verbose_name_plural = _("สิทธิ์เจ้าหน้าที่")
        constraints = [
            # An officer works at exactly one station; provincial staff for exactly one province;
            # a national admin is tied to neither.
            models.CheckConstraint(
                condition=(
                    models.Q(role="officer", station__isnull=False, province__isnull=True)
                    | models.Q(role="provincial", station__isnull=True, province__isnull=False)
                    | models.Q(role="national", station__isnull=True, province__isnull=True)
                ),
                name="staffprofile_role_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
