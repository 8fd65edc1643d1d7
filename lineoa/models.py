from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident


class LineUser(models.Model):
    """A LINE user who has talked to the Official Account."""

    line_user_id = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    last_phone = models.CharField(max_length=20, blank=True)
    following = models.BooleanField(default=True)
    unfollowed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ผู้ใช้ LINE")
        verbose_name_plural = _("ผู้ใช้ LINE")

    def __str__(self) -> str:
        return self.display_name or self.line_user_id


class Conversation(models.Model):
    """Where a LINE user is in the reporting conversation: one row per user, so any process
    (web thread or Celery worker) can take the next step."""

    class Step(models.TextChoices):
        IDLE = "idle"
        CATEGORY = "category"
        LOCATION = "location"
        PHONE = "phone"
        RELATION = "relation"
        CONFIRM = "confirm"

    line_user = models.OneToOneField(LineUser, on_delete=models.CASCADE, related_name="conversation")
    step = models.CharField(max_length=16, choices=Step.choices, default=Step.IDLE)
    # The answers so far: category, latitude, longitude, address, phone, relation.
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.line_user} @ {self.step}"

    def go(self, step: str, data: dict[str, Any]) -> None:
        self.step = step
        self.data = data
        self.updated_at = timezone.now()
        self.save(update_fields=["step", "data", "updated_at"])

    def reset(self) -> None:
        self.go(self.Step.IDLE, {})

    def is_expired(self) -> bool:
        idle = timedelta(seconds=settings.CONVERSATION_IDLE_SECONDS)
        return timezone.now() - self.updated_at > idle


class InboxEvent(models.Model):
    """One webhook event exactly as LINE sent it, stored before the webhook answers."""

    webhook_event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=32)
    line_user_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    is_redelivery = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # The sweep looks for events that are still unprocessed.
            models.Index(
                fields=["received_at"],
                name="inbox_unprocessed",
                condition=models.Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_event_id}"


class OutboundMessage(models.Model):
    """One message to a reporter. Created in the transaction that decided to send it; sent after
    commit with its own retry key, so a retry never delivers twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")
        BLOCKED = "blocked", _("ผู้แจ้งบล็อก/เลิกติดตาม")

    line_user_id = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=32)
    messages = models.JSONField(help_text="LINE message objects, as the Messaging API takes them")
    reply_token = models.CharField(max_length=64, blank=True)
    reply_token_expires_at = models.DateTimeField(null=True, blank=True)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    sent_via = models.CharField(max_length=8, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The sweep re-queues pending messages whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.line_user_id} ({self.status})"
