"""Dates as Thai readers expect them: Bangkok time, Thai month names, Buddhist-era years."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone, translation

register = template.Library()

THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def thai_datetime_text(value: datetime) -> str:
    local = timezone.localtime(value)
    if translation.get_language() == "en":
        return local.strftime("%d %b %Y %H:%M")
    month = THAI_MONTHS_SHORT[local.month - 1]
    return f"{local.day} {month} {local.year + 543} {local:%H:%M} น."


@register.filter
def thai_datetime(value: datetime | None) -> str:
    return thai_datetime_text(value) if value else ""


@register.filter
def thai_time(value: datetime | None) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M:%S}"
