from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.models import Province, Station


class Category(models.TextChoices):
    """The five problems, with the official Thai labels of ESS Help Me."""

    ASSAULT = "assault", "ข่มขู่ว่าจะทำร้ายหรือทำร้าย"
    DETENTION = "detention", "กักขังหน่วงเหนี่ยว"
    SEXUAL_ABUSE_RISK = "sexual_abuse_risk", "เสี่ยงถูกล่วงละเมิดทางเพศ"
    DERANGED_PERSON = "deranged_person", "ผู้คลุ้มคลั่งก่อให้เกิดเหตุร้าย"
    GANG_GATHERING = "gang_gathering", "มั่วสุมจนก่อให้เกิดเหตุร้าย"


class ReporterRelation(models.TextChoices):
    VICTIM = "victim", "ผู้ประสบเหตุเอง"
    RELATIVE = "relative", "ญาติหรือคนใกล้ชิด"
    BYSTANDER = "bystander", "ผู้พบเห็นเหตุการณ์"
    VOLUNTEER = "volunteer", "อพม./เจ้าหน้าที่ พมจ."


class Incident(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("รอรับเรื่อง")
        ACCEPTED = "accepted", _("รับเรื่องแล้ว")
        EN_ROUTE = "en_route", _("กำลังเดินทาง")
        ON_SCENE = "on_scene", _("ถึงที่เกิดเหตุ")
        CLOSED = "closed", pgettext_lazy("status", "ปิดเรื่อง")
        CANCELLED = "cancelled", _("ยกเลิก")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("แก้ไขเหตุการณ์ ณ ที่เกิดเหตุแล้ว")
        REFERRED_PMJ = "referred_pmj", _("ส่งต่อ พมจ.")
        REFERRED_1300 = "referred_1300", _("ส่งต่อศูนย์ช่วยเหลือสังคม 1300")
        REFERRED_HOSPITAL = "referred_hospital", _("ส่งต่อโรงพยาบาล")
        REFERRED_SHELTER = "referred_shelter", _("ส่งต่อบ้านพัก/สถานคุ้มครอง")
        FALSE_REPORT = "false_report", _("แจ้งเหตุเท็จ")
        NOT_LOCATED = "not_located", _("ไม่พบที่เกิดเหตุ/ผู้แจ้ง")
        DUPLICATE = "duplicate", _("ซ้ำกับเรื่องอื่น")

    OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SCENE)

    case_number = models.CharField(_("เลขที่เรื่อง"), max_length=20, unique=True)
    category = models.CharField(_("ประเภทเหตุ"), max_length=32, choices=Category.choices)
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status.choices, default=Status.NEW)
    latitude = models.FloatField(_("ละติจูด"))
    longitude = models.FloatField(_("ลองจิจูด"))
    address = models.CharField(_("ที่อยู่/จุดสังเกต"), max_length=500, blank=True)
    reporter_phone = models.CharField(_("เบอร์โทรผู้แจ้ง"), max_length=20)
    reporter_relation = models.CharField(_("ผู้แจ้งเป็น"), max_length=16, choices=ReporterRelation.choices)
    # The reporter's LINE user id; incidents does not depend on lineoa, so this is a plain value.
    reporter_line_id = models.CharField(max_length=64, blank=True, db_index=True)
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        help_text=_("ว่างเมื่อเรื่องอยู่ที่โต๊ะจังหวัด"),
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="incidents")
    at_province_desk = models.BooleanField(_("อยู่ที่โต๊ะจังหวัด"), default=False)
    # Stations this case has been routed to, in order; escalation never routes to one twice.
    tried_station_ids = models.JSONField(default=list, blank=True)
    outcome = models.CharField(_("ผลการดำเนินการ"), max_length=32, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("บันทึกผล"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    reporter_unreachable = models.BooleanField(default=False)
    # Delivery of the latest status message to the reporter, kept here by lineoa so the dashboard
    # can show it without reaching into lineoa: "", pending, sent, failed or blocked.
    reporter_message_state = models.CharField(max_length=16, blank=True)

    received_at = models.DateTimeField(_("รับแจ้งเมื่อ"))
    routed_at = models.DateTimeField(_("ส่งถึงสถานีเมื่อ"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    welfare_check_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("เรื่องแจ้งเหตุ")
        verbose_name_plural = _("เรื่องแจ้งเหตุ")
        indexes = [
            # The dashboard lists a station's open cases; escalation scans new cases by routed_at.
            models.Index(
                fields=["station", "status", "routed_at"],
                name="incident_open_by_station",
                condition=models.Q(status__in=["new", "accepted", "en_route", "on_scene"]),
            ),
            models.Index(
                fields=["province", "status"],
                name="incident_open_by_province",
                condition=models.Q(status__in=["new", "accepted", "en_route", "on_scene"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                name="incident_closed_needs_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(station__isnull=False) | models.Q(at_province_desk=True),
                name="incident_has_station_or_desk",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    MESSAGE_STATE_LABELS = {
        "pending": _("กำลังส่ง"),
        "sent": _("ส่งถึงผู้แจ้งแล้ว"),
        "failed": _("ส่งไม่สำเร็จ"),
        "blocked": _("ผู้แจ้งบล็อกบัญชี LINE"),
    }

    @property
    def message_state_label(self) -> str:
        return str(self.MESSAGE_STATE_LABELS.get(self.reporter_message_state, ""))


class CaseCounter(models.Model):
    """The running number of case numbers for one Buddhist-era year."""

    year_be = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year_be}: {self.last}"


class IncidentEvent(models.Model):
    """One line of a case's timeline. Rows are only ever added."""

    class Kind(models.TextChoices):
        CREATED = "created", _("รับแจ้งเหตุ")
        STATUS = "status", _("เปลี่ยนสถานะ")
        TRANSFERRED = "transferred", pgettext_lazy("event", "โอนเรื่อง")
        ESCALATED = "escalated", _("ส่งต่ออัตโนมัติ")
        NOTE = "note", _("บันทึก")
        REPORTER_TEXT = "reporter_text", _("ข้อความจากผู้แจ้ง")
        REPORTER_IMAGE = "reporter_image", _("รูปภาพจากผู้แจ้ง")
        REPORTER_LOCATION = "reporter_location", _("ตำแหน่งใหม่จากผู้แจ้ง")
        PHONE_REVEALED = "phone_revealed", _("เปิดดูเบอร์โทรผู้แจ้ง")
        MESSAGE = "message", _("ข้อความถึงผู้แจ้ง")
        REOPENED = "reopened", _("เปิดเรื่องอีกครั้ง")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("เหตุการณ์ในเรื่อง")
        verbose_name_plural = _("เหตุการณ์ในเรื่อง")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"
