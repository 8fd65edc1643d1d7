"""Status messages to reporters, queued inside the transaction of the change they report.

Wording is discreet: the first line, which LINE shows on a lock screen, names only the service and
the case number, never what was reported.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.models import Incident, IncidentEvent
from lineoa import replies
from lineoa.models import OutboundMessage
from lineoa.services import outbound_create

Status = Incident.Status
_OUTCOME_TEXT = {
    Incident.Outcome.RESOLVED: "เจ้าหน้าที่ดำเนินการ ณ ที่เกิดเหตุเรียบร้อยแล้ว",
    Incident.Outcome.REFERRED_PMJ: "ส่งต่อให้สำนักงานพัฒนาสังคมฯ จังหวัด (พมจ.) ดูแลต่อ",
    Incident.Outcome.REFERRED_1300: "ส่งต่อให้ศูนย์ช่วยเหลือสังคม 1300 ดูแลต่อ",
    Incident.Outcome.REFERRED_HOSPITAL: "ส่งต่อให้โรงพยาบาลดูแลต่อ",
    Incident.Outcome.REFERRED_SHELTER: "ส่งต่อให้บ้านพัก/สถานคุ้มครองดูแลต่อ",
    Incident.Outcome.FALSE_REPORT: "ปิดเรื่องแล้ว",
    Incident.Outcome.NOT_LOCATED: "เจ้าหน้าที่ไม่พบจุดเกิดเหตุหรือผู้แจ้ง หากยังต้องการความช่วยเหลือ แจ้งใหม่ได้ทันที",
    Incident.Outcome.DUPLICATE: "เรื่องนี้ซ้ำกับเรื่องที่แจ้งไว้แล้ว เจ้าหน้าที่ดูแลในเรื่องนั้น",
}


def status_message_text(incident: Incident, event: IncidentEvent) -> str | None:
    """The Thai status message for a timeline event, or None when the reporter needn't hear of it."""
    head = f"ESS Help Me · เรื่อง {incident.case_number}\n"
    station = incident.station
    station_line = (
        f"{station.name_th}" + (f" โทร {station.phone}" if station and station.phone else "")
        if station
        else ""
    )
    if event.kind == IncidentEvent.Kind.STATUS:
        to = event.to_status
        if to == Status.ACCEPTED:
            return head + f"{station_line} รับเรื่องของคุณแล้ว เจ้าหน้าที่กำลังดำเนินการ"
        if to == Status.EN_ROUTE:
            return head + "เจ้าหน้าที่กำลังเดินทางไปยังจุดที่แจ้ง"
        if to == Status.ON_SCENE:
            return head + "เจ้าหน้าที่ถึงจุดที่แจ้งแล้ว"
        if to == Status.CLOSED:
            outcome = (
                _OUTCOME_TEXT.get(Incident.Outcome(incident.outcome), "ปิดเรื่องแล้ว")
                if incident.outcome
                else "ปิดเรื่องแล้ว"
            )
            return head + f"ปิดเรื่องแล้ว: {outcome}\n{replies.FURTHER_HELP}"
        if to == Status.CANCELLED:
            return head + "ยกเลิกเรื่องแล้ว หากต้องการความช่วยเหลือ แจ้งใหม่ได้ตลอดเวลา"
        return None
    if event.kind in (IncidentEvent.Kind.TRANSFERRED, IncidentEvent.Kind.ESCALATED):
        if station is None:
            return (
                head + "ส่งเรื่องของคุณต่อให้เจ้าหน้าที่ระดับจังหวัดดูแลแล้ว เจ้าหน้าที่จะติดต่อกลับ\nหากอยู่ในอันตรายเฉพาะหน้า โทร 191"
            )
        return head + f"ส่งเรื่องของคุณต่อให้ {station_line} ดูแลแล้ว"
    return None


def status_message_create(incident: Incident, event: IncidentEvent) -> OutboundMessage | None:
    """Queue the reporter's status message for ``event`` in the current transaction."""
    body = status_message_text(incident, event)
    if body is None or not incident.reporter_line_id:
        return None
    message = outbound_create(
        line_user_id=incident.reporter_line_id,
        purpose=f"status.{event.kind}.{event.to_status}",
        messages=[replies.text(body)],
        incident_id=incident.pk,
    )
    Incident.objects.filter(pk=incident.pk).update(reporter_message_state=OutboundMessage.Status.PENDING)
    return message


# Welfare check -----------------------------------------------------------------------------------

WELFARE_QUESTION = "ESS Help Me · เรื่อง {case}\nตอนนี้คุณปลอดภัยแล้วหรือยัง? กดตอบได้เลย"
WELFARE_SAFE = "ปลอดภัยแล้ว"
WELFARE_HELP = "ยังต้องการความช่วยเหลือ"
# Cases closed as these are not followed up: nobody was in danger, or another case covers it.
_NO_WELFARE = (Incident.Outcome.FALSE_REPORT, Incident.Outcome.DUPLICATE)


def welfare_sweep() -> int:
    """Ask reporters of recently closed cases whether they are safe now; return how many asked.

    Each case is claimed with a conditional update of ``welfare_check_sent_at``, so overlapping
    sweeps ask once. Only cases closed within the last day are asked, so turning the feature on
    never messages people about old cases.
    """
    now = timezone.now()
    due_before = now - timedelta(seconds=settings.WELFARE_CHECK_SECONDS)
    candidates = (
        Incident.objects.filter(
            status=Status.CLOSED,
            closed_at__lt=due_before,
            closed_at__gt=due_before - timedelta(days=1),
            welfare_check_sent_at__isnull=True,
        )
        .exclude(reporter_line_id="")
        .exclude(outcome__in=_NO_WELFARE)
        .values_list("pk", "case_number", "reporter_line_id")[:200]
    )
    asked = 0
    for pk, case_number, line_id in candidates:
        with transaction.atomic():
            claimed = Incident.objects.filter(pk=pk, welfare_check_sent_at__isnull=True).update(
                welfare_check_sent_at=now
            )
            if not claimed:
                continue
            outbound_create(
                line_user_id=line_id,
                purpose="welfare.check",
                messages=[
                    replies.text(
                        WELFARE_QUESTION.format(case=case_number),
                        [
                            replies.postback(WELFARE_SAFE, f"action=welfare&value=safe&case={pk}"),
                            replies.postback(WELFARE_HELP, f"action=welfare&value=help&case={pk}"),
                        ],
                    )
                ],
                incident_id=pk,
            )
            asked += 1
    return asked
