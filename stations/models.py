from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """One of Thailand's 77 provinces; ``code`` is the official two-digit code (10 = Bangkok)."""

    code = models.PositiveSmallIntegerField(_("รหัสจังหวัด"), unique=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=100, unique=True)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=100)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("จังหวัด")
        verbose_name_plural = _("จังหวัด")

    def __str__(self) -> str:
        return self.name_th


class District(models.Model):
    """An อำเภอ or Bangkok เขต; ``code`` is the four-digit official code (province code × 100 + n)."""

    code = models.PositiveIntegerField(_("รหัสอำเภอ"), unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=100)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("อำเภอ/เขต")
        verbose_name_plural = _("อำเภอ/เขต")

    def __str__(self) -> str:
        return self.name_th


class Station(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL = "สภ.", _("สถานีตำรวจภูธร (สภ.)")
        METROPOLITAN = "สน.", _("สถานีตำรวจนครบาล (สน.)")

    class Accuracy(models.TextChoices):
        SURVEYED = "surveyed", _("พิกัดจริง")
        APPROXIMATE = "approximate", _("พิกัดโดยประมาณ")

    code = models.CharField(_("รหัสสถานี"), max_length=32, unique=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=200)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=200, blank=True)
    kind = models.CharField(_("ประเภท"), max_length=4, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="stations")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="stations", null=True, blank=True
    )
    latitude = models.FloatField(_("ละติจูด"))
    longitude = models.FloatField(_("ลองจิจูด"))
    phone = models.CharField(_("โทรศัพท์"), max_length=32, blank=True)
    active = models.BooleanField(_("เปิดรับเรื่อง"), default=True)
    source = models.CharField(_("ที่มาของข้อมูล"), max_length=200, blank=True)
    location_accuracy = models.CharField(_("ความแม่นยำของพิกัด"), max_length=16, choices=Accuracy.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["province__name_th", "name_th"]
        verbose_name = _("สถานีตำรวจ")
        verbose_name_plural = _("สถานีตำรวจ")
        indexes = [
            # station_nearest() scans a latitude band of active stations, then checks longitude.
            models.Index(
                fields=["latitude", "longitude"],
                name="station_active_lat_lng",
                condition=models.Q(active=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="station_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th
